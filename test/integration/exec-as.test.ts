import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, tempDir, writeFile } from '../helpers/hookvisor.js';

const root = process.getuid?.() === 0;
// Both builds: tsc's (next to the modules hookvisor runs from in development) and the shipped bundle.
const BUILDS = [join(ROOT, 'dist/process/exec-as.js'), join(ROOT, 'dist/bundle/exec-as.js')];
// A PATH that nobody can search: a root-only directory on it would make execvp say EACCES for a missing program.
const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };
// Every child is killed after 10 s, so a hang fails the test instead of the run.
const opts: SpawnSyncOptions = { env, encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] };
const execAs = (build: string, ids: string[], argv: string[], more: SpawnSyncOptions = {}) =>
  spawnSync(process.execPath, [build, ...ids, '--', ...argv], { ...opts, ...more }) as ReturnType<typeof spawnSync> & { stdout: string; stderr: string };
const NOBODY = ['65534', '65534', '65534,100'];

/** One field of /proc/PID/status, tabs turned into single spaces. */
const field = (status: string, name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)?.[1]?.trim().replace(/\s+/g, ' ');
// The program reads its own status; a shell reading its own would catch it blocking signals around a fork.
const REPORT = ['cat', '/proc/self/status'];

describe.skipIf(!root)('exec-as (as root; skipped otherwise, since it changes uids)', () => {
  describe.each(BUILDS)('%s', (build) => {
    it('becomes the program in the same pid, with exactly the uid, gid and groups asked for', () => {
      const r = execAs(build, NOBODY, REPORT);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const text = r.stdout;
      expect(field(text, 'Pid')).toBe(String(r.pid));
      expect(field(text, 'Uid')).toBe('65534 65534 65534 65534');
      expect(field(text, 'Gid')).toBe('65534 65534 65534 65534');
      expect(field(text, 'Groups')).toBe('100 65534');
      expect(field(text, 'CapEff')).toBe('0000000000000000');
    });

    it('an empty GROUPS leaves no supplementary group at all', () => {
      const r = execAs(build, ['65534', '100', ''], REPORT);
      expect(r.status).toBe(0);
      expect([field(r.stdout, 'Uid'), field(r.stdout, 'Gid'), field(r.stdout, 'Groups')]).toEqual(['65534 65534 65534 65534', '100 100 100 100', '']);
    });

    it('leaves no signal ignored or blocked that a program spawned by Node directly would not have', () => {
      const direct = spawnSync(REPORT[0]!, REPORT.slice(1), opts).stdout as string;
      const r = execAs(build, NOBODY, REPORT);
      for (const name of ['SigIgn', 'SigBlk']) {
        expect(field(r.stdout, name)).toBe(field(direct, name));
        expect(field(r.stdout, name)).toBe('0000000000000000');
      }
    });

    it('passes on fds 0-2 and nothing else, even what its own parent leaked to it', () => {
      // fds 3 and 4 are open in exec-as without close-on-exec, as a careless parent would leave them.
      const r = execAs(build, NOBODY, ['ls', '-l', '/proc/self/fd'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
      expect(r.status).toBe(0);
      const fds = [...r.stdout.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => `${m[1]} ${m[2]!.replace(/\d+/g, 'N')}`);
      // 0 is ignored (/dev/null), 1 and 2 are spawnSync's pipes (socket pairs); 3 is the directory ls itself reads.
      expect(fds).toEqual(['0 /dev/null', '1 socket:[N]', '2 socket:[N]', '3 /proc/N/fd']);
    });

    it('a program that is not found: 127 and the reason', () => {
      for (const program of ['no-such-program', '/no/such/program']) {
        const r = execAs(build, NOBODY, [program, 'arg']);
        expect([r.status, r.stderr]).toEqual([127, `hookvisor: cannot execute ${program}: ENOENT\n`]);
      }
      const r = execAs(build, NOBODY, ['/etc/passwd/x']);
      expect([r.status, r.stderr]).toEqual([127, 'hookvisor: cannot execute /etc/passwd/x: ENOTDIR\n']);
    });

    it('a program that is there but cannot run: 126 and the reason', () => {
      const { dir, cleanup } = tempDir();
      try {
        chmodSync(dir, 0o755);
        const script = writeFile(dir, 'not-executable.sh', '#!/bin/sh\nexit 0\n');
        chmodSync(script, 0o644);
        const r = execAs(build, NOBODY, [script]);
        expect([r.status, r.stderr]).toEqual([126, `hookvisor: cannot execute ${script}: EACCES\n`]);
      } finally {
        cleanup();
      }
    });

    it("passes the program's exit status and arguments through untouched", () => {
      const r = execAs(build, NOBODY, [fixture('exit-with.sh'), '7']);
      expect(r.status).toBe(7);
      const echo = execAs(build, NOBODY, ['printf', '%s|', 'a b', '', '$HOME;*']);
      expect(echo.stdout).toBe('a b||$HOME;*|');
    });

    it('refuses to run the program at all when it cannot drop (not root): 126', () => {
      const r = execAs(build, ['65534', '65534', ''], ['touch', '/should-not-exist'], { uid: 65534, gid: 65534 });
      expect([r.status, r.stderr]).toEqual([126, 'hookvisor: cannot run touch as uid 65534 gid 65534 groups none: EPERM\n']);
    });

    it('without koffi: 126 and what is missing, nothing run', () => {
      const r = execAs(build, NOBODY, ['true'], { env: { ...env, NODE_OPTIONS: `--import ${fixture('block-koffi.mjs')}` } });
      expect([r.status, r.stderr]).toEqual([
        126,
        "hookvisor: cannot run true as uid 65534 gid 65534 groups 65534,100: koffi is needed to exec (Cannot find package 'koffi')\n",
      ]);
    });

    it('a malformed command line is a usage error: 2', () => {
      for (const ids of [
        ['x', '1', ''],
        ['1', '1', '2,,3'],
        ['2147483648', '1', ''],
      ]) {
        const r = execAs(build, ids, ['true']);
        expect([r.status, r.stderr]).toEqual([2, 'hookvisor: usage: exec-as UID GID GROUPS -- PROGRAM [ARG...]\n']);
      }
    });
  });
});
