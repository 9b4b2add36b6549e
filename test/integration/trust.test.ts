import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const HOOKS = 'hooks:\n  preStart:\n    - { run: [touch, "${WORK}/started"] }\n';

describe.skipIf(process.getuid?.() !== 0)('as root, the hooks file must be root\'s alone (StrictModes)', () => {
  it.each([
    ['a file anyone can write', (dir: string, file: string) => chmodSync(file, 0o666), (dir: string) => `the hooks file can be changed by anyone (mode 0666)`],
    ['a file its group can write', (dir: string, file: string) => chmodSync(file, 0o664), () => `the hooks file can be changed by its group (mode 0664)`],
    ['a file owned by another user', (dir: string, file: string) => chownSync(file, 65534, 65534), () => 'the hooks file is owned by uid 65534, not by root'],
    ['a directory above it that anyone can write', (dir: string) => chmodSync(dir, 0o777), (dir: string) => `the directory ${dir} above it can be changed by anyone (mode 0777)`],
  ])('refuses %s, says which path and why, and starts nothing', (_, spoil, why) =>
    withDir(async ({ dir }) => {
      const file = writeFile(dir, 'hooks.yaml', HOOKS);
      spoil(dir, file);
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: dir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hookvisor: ${file}: refusing to run as root: ${why(dir)}, so a non-root user could change what runs as root. Fix the permissions, or pass --allow-insecure-hooks.\n`);
      expect(existsSync(join(dir, 'started'))).toBe(false);
      // dry-run starts nothing, so it still shows the plan; --allow-insecure-hooks runs it.
      expect((await runHookvisor(['dry-run', '--hooks', file], { env: { WORK: dir } })).code).toBe(0);
      expect((await runHookvisor(['--allow-insecure-hooks', '--hooks', file, '--', 'true'], { env: { WORK: dir } })).code).toBe(0);
      expect(existsSync(join(dir, 'started'))).toBe(true);
    }));

  it('accepts a root-owned sticky directory such as /tmp above it', () =>
    withDir(async ({ dir }) => {
      const sticky = join(dir, 'shared');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      const file = writeFile(sticky, 'hooks.yaml', HOOKS);
      expect((await runHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: dir } })).code).toBe(0);
      expect(existsSync(join(dir, 'started'))).toBe(true);
    }));
});
