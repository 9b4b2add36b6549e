import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, runHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const HOOKS = 'hooks:\n  preStart:\n    - { run: [touch, "${WORK}/started"] }\n';

describe.skipIf(process.getuid?.() !== 0)("as root, the hooks file must be root's alone (StrictModes)", () => {
  it.each([
    [
      'a file anyone can write',
      (_dir: string, file: string) => chmodSync(file, 0o666),
      (_dir: string) => `the hooks file can be changed by anyone (mode 0666)`,
    ],
    ['a file its group can write', (_dir: string, file: string) => chmodSync(file, 0o664), () => `the hooks file can be changed by its group (mode 0664)`],
    ['a file owned by another user', (_dir: string, file: string) => chownSync(file, 65534, 65534), () => 'the hooks file is owned by uid 65534, not by root'],
    [
      'a directory above it that anyone can write',
      (dir: string) => chmodSync(dir, 0o777),
      (dir: string) => `the directory ${dir} above it can be changed by anyone (mode 0777)`,
    ],
  ])('refuses %s, says which path and why, and starts nothing', (_, spoil, why) =>
    withDir(async ({ dir }) => {
      const file = writeFile(dir, 'hooks.yaml', HOOKS);
      spoil(dir, file);
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: dir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `hookvisor: ${file}: refusing to run as root: ${why(dir)}, so a non-root user could change what runs as root. Fix the permissions, or pass --allow-insecure-hooks.\n`,
      );
      expect(existsSync(join(dir, 'started'))).toBe(false);
      // dry-run starts nothing, so it still shows the plan; --allow-insecure-hooks runs it.
      expect((await runHookvisor(['dry-run', '--hooks', file], { env: { WORK: dir } })).code).toBe(0);
      expect((await runHookvisor(['--allow-insecure-hooks', '--hooks', file, '--', 'true'], { env: { WORK: dir } })).code).toBe(0);
      expect(existsSync(join(dir, 'started'))).toBe(true);
    }),
  );

  it('accepts a root-owned sticky directory such as /tmp above it', () =>
    withDir(async ({ dir }) => {
      const sticky = join(dir, 'shared');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      const file = writeFile(sticky, 'hooks.yaml', HOOKS);
      expect((await runHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: dir } })).code).toBe(0);
      expect(existsSync(join(dir, 'started'))).toBe(true);
    }));

  it('refuses a symlink in a directory anyone can write, which anyone could repoint', () =>
    withDir(async ({ dir }) => {
      const safe = join(dir, 'safe');
      mkdirSync(safe, { mode: 0o755 });
      writeFile(safe, 'hooks.yaml', HOOKS);
      const open = join(dir, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      symlinkSync(join(safe, 'hooks.yaml'), join(open, 'hooks.yaml'));
      const r = await runHookvisor(['--hooks', join(open, 'hooks.yaml'), '--', 'true'], { env: { WORK: dir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`refusing to run as root: the directory ${open} above it can be changed by anyone (mode 0777)`);
      expect(existsSync(join(dir, 'started'))).toBe(false);
    }));

  it('in a sticky directory, refuses a symlink another user owns (they can repoint it) and accepts one root owns', () =>
    withDir(async ({ dir }) => {
      writeFile(dir, 'hooks.yaml', HOOKS);
      const sticky = join(dir, 'shared');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      symlinkSync(join(dir, 'hooks.yaml'), join(sticky, 'theirs.yaml'));
      lchownSync(join(sticky, 'theirs.yaml'), 1000, 1000);
      const r = await runHookvisor(['--hooks', join(sticky, 'theirs.yaml'), '--', 'true'], { env: { WORK: dir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `refusing to run as root: the symlink ${sticky}/theirs.yaml on the way to it is owned by uid 1000, in a directory others can write`,
      );
      expect(existsSync(join(dir, 'started'))).toBe(false);
      symlinkSync(join(dir, 'hooks.yaml'), join(sticky, 'ours.yaml'));
      expect((await runHookvisor(['--hooks', join(sticky, 'ours.yaml'), '--', 'true'], { env: { WORK: dir } })).code).toBe(0);
      expect(existsSync(join(dir, 'started'))).toBe(true);
    }));

  it(
    'judges the file it reads: a symlink repointed between the check and the read never gets the other file run',
    () =>
      withDir(async ({ dir }) => {
        const runs = (name: string) => `hooks:\n  preStart:\n    - { run: [touch, "\${WORK}/${name}"] }\n`;
        const good = writeFile(dir, 'good.yaml', runs('good'));
        const evil = writeFile(dir, 'evil.yaml', runs('evil'));
        chownSync(evil, 1000, 1000);
        const link = join(dir, 'hooks.yaml');
        const flipper = spawn(process.execPath, [fixture('symlink-flipper.mjs'), link, good, evil], { stdio: ['ignore', 'pipe', 'inherit'] });
        try {
          await new Promise<void>((res, rej) => {
            flipper.stdout!.on('data', (d) => String(d).includes('READY') && res());
            flipper.once('exit', () => rej(new Error('the flipper exited')));
          });
          const codes = new Set<number | null>();
          for (let i = 0; i < 40 && !existsSync(join(dir, 'evil')); i++)
            codes.add((await runHookvisor(['--hooks', link, '--', 'true'], { env: { WORK: dir } })).code);
          expect(existsSync(join(dir, 'evil'))).toBe(false);
          // Each start judged one file and ran that one: the good one, or refused the other.
          expect([...codes].every((c) => c === 0 || c === 2)).toBe(true);
        } finally {
          flipper.kill('SIGKILL');
        }
      }),
    120_000,
  );
});
