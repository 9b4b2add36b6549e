import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runHookvisor, withDir } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');

describe('bad input: a clear message, exit 2, nothing started, no stack trace', () => {
  it.each([
    ['an alias bomb', () => `${ALIAS_BOMB}\n`, /^hookvisor: .*hooks\.yaml:2:\d+: invalid YAML: .*alias/],
    ['a 50 MB file', () => 'a'.repeat(50 * 1024 * 1024), /^hookvisor: .*hooks\.yaml: the hooks file is 52428800 bytes; a hooks file may be at most 1048576$/],
    ['deep nesting', () => `hooks: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, /^hookvisor: .*hooks\.yaml:1:\d+: invalid YAML: nested too deeply$/],
    [
      'binary junk',
      () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]),
      /^hookvisor: .*hooks\.yaml: the hooks file holds binary data \(a NUL byte\), not YAML text$/,
    ],
    ['an empty file', () => '', /^hookvisor: .*hooks\.yaml: the hooks file is empty \(write at least "version: 1"\)$/],
  ])(
    '%s',
    (_, content, message) =>
      withDir(async ({ dir }) => {
        const file = join(dir, 'hooks.yaml');
        writeFileSync(file, content());
        const r = await runHookvisor(['--hooks', file, '--', 'touch', join(dir, 'started')]);
        expect(r.code).toBe(2);
        expect(r.stderr.trimEnd()).toMatch(message);
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(existsSync(join(dir, 'started'))).toBe(false);
      }),
    30_000,
  );

  it.skipIf(process.getuid?.() !== 0)('an unreadable file (read as an unprivileged user)', () =>
    withDir(async ({ dir }) => {
      const file = join(dir, 'hooks.yaml');
      writeFileSync(file, 'version: 1\n');
      chmodSync(file, 0o000);
      chmodSync(dir, 0o755);
      // setpriv runs the bundle as nobody, for whom mode 000 means permission denied.
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hookvisor: ${file}: the hooks file cannot be read (permission denied)\n`);
    }),
  );

  // Read as root (each directory and the file judged on the way) and by dry-run (no check): both only read a regular file.
  describe.each([
    ['run', []],
    ['dry-run', ['dry-run']],
  ] as const)('special files, never opened to block or read without end (%s)', (_, command) => {
    it.each([
      ['/dev/zero', 'a character device'],
      ['/dev/urandom', 'a character device'],
    ])(
      '%s',
      (file, kind) =>
        withDir(async ({ dir }) => {
          const r = await runHookvisor([...command, '--hooks', file, '--', 'touch', join(dir, 'started')]);
          expect(r.stderr).toBe(`hookvisor: ${file}: the hooks file is not a regular file (${kind}): only a regular file is read\n`);
          expect(r.code).toBe(2);
          expect(existsSync(join(dir, 'started'))).toBe(false);
        }),
      15_000,
    );

    it(
      'a FIFO no one writes to',
      () =>
        withDir(async ({ dir }) => {
          const fifo = join(dir, 'hooks.yaml');
          execFileSync('mkfifo', [fifo]);
          const r = await runHookvisor([...command, '--hooks', fifo, '--', 'touch', join(dir, 'started')]);
          expect(r.stderr).toBe(`hookvisor: ${fifo}: the hooks file is not a regular file (a FIFO): only a regular file is read\n`);
          expect(r.code).toBe(2);
          expect(existsSync(join(dir, 'started'))).toBe(false);
        }),
      15_000,
    );
  });

  // As root each name is opened relative to its directory through /proc/self/fd; without /proc it would all look missing.
  it.skipIf(process.getuid?.() !== 0)(
    'as root without /proc: says so, not "does not exist"',
    () =>
      withDir(async ({ dir }) => {
        const file = join(dir, 'hooks.yaml');
        writeFileSync(file, 'hooks:\n  preStart:\n    - { run: [touch, "${WORK}/started"] }\n');
        const prefix = ['unshare', '--fork', '--kill-child', '--mount', '--propagation', 'private', 'sh', '-c', 'umount -l /proc && exec "$@"', 'sh'];
        const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: dir }, prefix });
        expect(r.stderr).toBe(
          `hookvisor: ${file}: the hooks file cannot be read: /proc is not mounted, and hookvisor opens files relative to a directory through /proc/self/fd\n`,
        );
        expect(r.code).toBe(2);
        expect(existsSync(join(dir, 'started'))).toBe(false);
      }),
    15_000,
  );
});
