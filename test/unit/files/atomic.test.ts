import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/files/atomic.js';
import { fileState, OWED_FILE } from '../../../src/state/file.js';
import { tempDir } from '../../helpers/hookvisor.js';

const asRoot = process.getuid?.() === 0;

function inTemp(fn: (dir: string) => void): void {
  const { dir, cleanup } = tempDir();
  try {
    fn(dir);
  } finally {
    cleanup();
  }
}

describe('writeFileAtomic in a directory another user can write', () => {
  it('never writes through a symlink planted where the temporary file goes, nor through one at the name itself', () =>
    inTemp((dir) => {
      const victim = writeFile(join(dir, 'victim'), 'root only\n');
      const logs = join(dir, 'logs');
      mkdirSync(logs, { mode: 0o777 });
      chmodSync(logs, 0o777);
      // Every name the old code could pick, and the report's own name.
      for (const name of [`.r.json.${process.pid}.tmp`, 'r.json']) symlinkSync(victim, join(logs, name));
      writeFileAtomic(join(logs, 'r.json'), '{"report":1}\n');
      expect(readFileSync(victim, 'utf8')).toBe('root only\n');
      expect(lstatSync(join(logs, 'r.json')).isFile()).toBe(true);
      expect(readFileSync(join(logs, 'r.json'), 'utf8')).toBe('{"report":1}\n');
      expect(readdirSync(logs).sort()).toEqual([`.r.json.${process.pid}.tmp`, 'r.json']);
    }));

  it('does not follow a symlink on the way that another user could have put there', () =>
    inTemp((dir) => {
      const elsewhere = join(dir, 'elsewhere');
      mkdirSync(elsewhere);
      const shared = join(dir, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      symlinkSync(elsewhere, join(shared, 'hookvisor'));
      expect(() => writeFileAtomic(join(shared, 'hookvisor', 'r.json'), 'x\n')).toThrow(
        `not following the symlink ${shared}/hookvisor: the directory ${shared} holding it can be changed by other users`,
      );
      expect(readdirSync(elsewhere)).toEqual([]);
      // One only root can change is followed, as /var/run -> /run is.
      const own = join(dir, 'own');
      mkdirSync(own, { mode: 0o755 });
      symlinkSync(elsewhere, join(own, 'hookvisor'));
      writeFileAtomic(join(own, 'hookvisor', 'r.json'), 'x\n');
      expect(readFileSync(join(elsewhere, 'r.json'), 'utf8')).toBe('x\n');
    }));

  it('gives the file exactly its mode, whatever the umask', () =>
    inTemp((dir) => {
      const old = process.umask(0o077);
      try {
        writeFileAtomic(join(dir, 'r.json'), 'x\n', 0o644);
      } finally {
        process.umask(old);
      }
      expect(statSync(join(dir, 'r.json')).mode & 0o777).toBe(0o644);
    }));
});

/**
 * A tmpfs holding `file` with `old` in it, then filled up to one free page: a write of more than that is
 * cut short (write(2) returns less), the next one fails with ENOSPC.
 */
function withFullVolume(file: string, old: string, fn: (dir: string) => void): void {
  inTemp((dir) => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    try {
      writeFileSync(join(dir, file), old);
      execFileSync('sh', ['-c', 'dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null; truncate -s -4096 "$1/fill"', 'sh', dir]);
      fn(dir);
    } finally {
      execFileSync('umount', [dir]);
    }
  });
}

const OLD_RECORD = `${JSON.stringify({ version: 1, pid: 7, since: '2026-12-01T00:00:00.000Z', preStartCompleted: true })}\n`;

describe.skipIf(!asRoot)('writeFileAtomic on a full volume', () => {
  it('keeps the old file whole, leaves no temporary file and throws the errno', () =>
    withFullVolume('r.json', 'the old report\n', (dir) => {
      const path = join(dir, 'r.json');
      expect(() => writeFileAtomic(path, 'x'.repeat(3 * 4096))).toThrow(/ENOSPC/);
      expect(readFileSync(path, 'utf8')).toBe('the old report\n');
      expect(readdirSync(dir).sort()).toEqual(['fill', 'r.json']);
    }));

  it('the same for the state record', () =>
    withFullVolume(OWED_FILE, OLD_RECORD, (dir) => {
      const old = OLD_RECORD;
      const state = fileState(dir, 1);
      expect(() => state.write({ since: '2026-12-06T00:00:00.000Z', hooksFile: `/etc/${'h'.repeat(3 * 4096)}.yaml`, preStartCompleted: false })).toThrow(
        /ENOSPC/,
      );
      expect(readFileSync(join(dir, OWED_FILE), 'utf8')).toBe(old);
      expect(readdirSync(dir).sort()).toEqual(['fill', OWED_FILE]);
    }));
});

function writeFile(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
