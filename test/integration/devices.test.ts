import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { eventsNamed, killLeftovers, readMarks, runHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const root = process.getuid?.() === 0;
const lines = (events: ReturnType<typeof eventsNamed>, task: string) => events.filter((e) => e.event === 'hook.output' && e.task === task).map((e) => e.line);

/** A bin directory for the stand-in cryptsetup and a mapper directory holding an open mapping, osd-data. */
function openMapping(dir: string): { bin: string; mapper: string } {
  const bin = join(dir, 'bin');
  const mapper = join(dir, 'mapper');
  mkdirSync(bin);
  mkdirSync(mapper);
  writeFileSync(join(mapper, 'osd-data'), '');
  return { bin, mapper };
}

describe('cryptClose: (dm-crypt is not available here: a stand-in cryptsetup on PATH, and the mapping given by its path in a directory of the test)', () => {
  it('closes an open mapping, retrying while busy, verifies it is gone, and does nothing for a closed one', () =>
    withDir(async ({ dir, mark }) => {
      const { bin, mapper } = openMapping(dir);
      // The stand-in is busy the first time, then closes the mapping as cryptsetup would.
      writeFileSync(
        join(bin, 'cryptsetup'),
        `#!/bin/sh\necho "cryptsetup $*" >> "$MARK"\nif [ ! -e "$MARK.busy" ]; then touch "$MARK.busy"; echo "Device $2 is still in use." >&2; exit 5; fi\nrm -f "$2"\n`,
      );
      chmodSync(join(bin, 'cryptsetup'), 0o755);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'hooks:\n  postStop:\n    - { name: close data, cryptClose: "${MAPPER}/osd-data", timeout: 5s }\n    - { name: close again, cryptClose: "${MAPPER}/osd-data" }\n',
      );
      const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark, MAPPER: mapper, PATH: `${bin}:${process.env.PATH}` } });
      const data = join(mapper, 'osd-data');
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual([`cryptsetup close ${data}`, `cryptsetup close ${data}`]);
      expect(existsSync(data)).toBe(false);
      expect(eventsNamed(r.events, 'hook.end').map((e) => [e.task, e.ok])).toEqual([
        ['close data', true],
        ['close again', true],
      ]);
      expect(lines(r.events, 'close again')).toEqual([`close ${data}: nothing to do`]);
      // The wait is in the logs: what kept it busy, then that it is done.
      expect(lines(r.events, 'close data')).toEqual([`busy: Device ${data} is still in use.; waiting`, `close ${data}: done`]);
    }));

  it("fails at once with cryptsetup's message when the failure is not a busy device: waiting would not change it", () =>
    withDir(async ({ dir, mark }) => {
      const { bin, mapper } = openMapping(dir);
      writeFileSync(
        join(bin, 'cryptsetup'),
        '#!/bin/sh\necho "cryptsetup $*" >> "$MARK"\necho "Cannot initialize device-mapper. Is dm_mod kernel module loaded?" >&2\nexit 1\n',
      );
      chmodSync(join(bin, 'cryptsetup'), 0o755);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'hooks:\n  postStop:\n    - { name: close data, cryptClose: "${MAPPER}/osd-data", timeout: 3s }\n    - { name: close missing, cryptClose: "${MAPPER}/osd-data", timeout: 3s, env: { PATH: /nonexistent } }\n',
      );
      const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark, MAPPER: mapper, PATH: `${bin}:${process.env.PATH}` } });
      const data = join(mapper, 'osd-data');
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual([`cryptsetup close ${data}`]);
      expect(eventsNamed(r.events, 'hook.end').map((e) => [e.task, e.ok, e.timedOut, e.error])).toEqual([
        ['close data', false, false, `close ${data}: Cannot initialize device-mapper. Is dm_mod kernel module loaded?`],
        ['close missing', false, false, `close ${data}: cryptsetup: command not found`],
      ]);
    }));
});

describe.skipIf(!root)('detachLoop:', () => {
  it('detaches the loop device backed by a file, verified, and does nothing the second time', () =>
    withDir(async ({ dir }) => {
      const img = join(dir, 'disk.img');
      writeFileSync(img, Buffer.alloc(1024 * 1024));
      const dev = execFileSync('losetup', ['--find', '--show', img], { encoding: 'utf8' }).trim();
      onTestFinished(() => {
        if (existsSync(`/sys/block/${dev.slice(5)}/loop/backing_file`)) execFileSync('losetup', ['-d', dev]);
      });
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStop:\n    - { name: detach, detachLoop: ${img} }\n    - { name: detach again, detachLoop: ${dev} }\n`,
      );
      const r = await runHookvisor(['--hooks', hooks, '--', 'true']);
      expect(r.code).toBe(0);
      expect(existsSync(`/sys/block/${dev.slice(5)}/loop/backing_file`)).toBe(false);
      expect(lines(r.events, 'detach')).toEqual([`detach ${img}: done`]);
      expect(lines(r.events, 'detach again')).toEqual([`detach ${dev}: nothing to do`]);
      expect(readFileSync(img).length).toBe(1024 * 1024);
    }));

  it("fails at once with losetup's message when the failure is not a busy device", () =>
    withDir(async ({ dir, mark }) => {
      const img = join(dir, 'disk.img');
      writeFileSync(img, Buffer.alloc(1024 * 1024));
      const dev = execFileSync('losetup', ['--find', '--show', img], { encoding: 'utf8' }).trim();
      onTestFinished(() => {
        if (existsSync(`/sys/block/${dev.slice(5)}/loop/backing_file`)) execFileSync('losetup', ['-d', dev]);
      });
      // A stand-in that fails as losetup does without the right to detach.
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      // The stand-in lists what is attached as losetup does, and refuses to detach.
      const real = execFileSync('sh', ['-c', 'command -v losetup'], { encoding: 'utf8' }).trim();
      writeFileSync(
        join(bin, 'losetup'),
        `#!/bin/sh\nif [ "$1" = --list ]; then exec ${real} "$@"; fi\necho "losetup $*" >> "$MARK"\necho "losetup: $2: detach failed: Operation not permitted" >&2\nexit 1\n`,
      );
      chmodSync(join(bin, 'losetup'), 0o755);
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - { name: detach, detachLoop: ${img}, timeout: 3s }\n`);
      const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark, PATH: `${bin}:${process.env.PATH}` } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual([`losetup -d ${dev}`]);
      expect(eventsNamed(r.events, 'hook.end')).toEqual([
        expect.objectContaining({
          task: 'detach',
          ok: false,
          timedOut: false,
          error: `detach ${img}: losetup: ${dev}: detach failed: Operation not permitted`,
        }),
      ]);
    }));
});
