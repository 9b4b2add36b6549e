// The single executable (dist/hookvisor, scripts/sea.mjs): the integration tier's smoke cases, run
// against a copy this test builds, so the build itself is covered as well as what it makes.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSea } from '../../scripts/sea.mjs';
import { eventsNamed, fixture, type Hv, killLeftovers, readMarks, runHookvisor, startHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

// Not under /tmp, /run, /var/tmp or /dev/shm, the read-only cases mount over them (a checkout may be there too).
const work = join('/var/cache', `hookvisor-sea-test-${process.pid}`);
/** exit-with.sh, copied beside the executable, where the read-only cases do not hide it. */
const exitWith = join(work, 'exit-with.sh');
let exe: string[] = [];
beforeAll(async () => {
  exe = [await buildSea({ out: join(work, 'hookvisor') })];
  copyFileSync(fixture('exit-with.sh'), exitWith);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));
const inMounts = new Set<Hv>();
afterEach(() => {
  killLeftovers();
  killPid1s();
  for (const hv of inMounts) hv.child.kill('SIGKILL');
  inMounts.clear();
});

/** hookvisor as PID 1 behind a shell that first mounts `setup` in the new mount namespace, then execs it. */
function startInMounts(setup: string, args: string[]): Hv {
  const prefix = ['unshare', '--pid', '--fork', '--mount', '--mount-proc', 'sh', '-c', `${setup} && exec "$@"`, 'sh'];
  const hv = startHookvisor(args, { exe, prefix, env: { TMPDIR: undefined } });
  inMounts.add(hv);
  return hv;
}

describe('the single executable', () => {
  it("is one file that prints its version, passes main's exit status and rejects bad input with exit 2", async () => {
    expect((await runHookvisor(['--version'], { exe })).stdout).toMatch(/^hookvisor \d+\.\d+\.\d+\n$/);
    expect((await runHookvisor(['--', fixture('exit-with.sh'), '7'], { exe })).code).toBe(7);
    const { dir, cleanup } = tempDir();
    try {
      const hooks = writeFile(dir, 'hooks.yaml', 'hooks:\n  preStop: [{ run: true }]\n');
      const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { exe });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hookvisor: ${hooks}:2:\\d+: `));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      cleanup();
    }
  });

  it.skipIf(NO_UNSHARE)("as PID 1 reaps with koffi, forwards SIGTERM between preStop and postStop, and exits with main's status", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = writeFile(dir, 'marks', '');
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStop: [{ shell: 'echo preStop >> "$MARK"' }]\n  postStop: [{ shell: 'echo postStop >> "$MARK"' }]\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-trap.sh')], { exe, env: { MARK: mark, TRAP_EXIT: '3' } });
      await hv.waitFor('READY');
      expect(eventsNamed(hv.events(), 'pid1.ready')[0]).toMatchObject({ mode: 'pid1' });
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(3);
      expect(readMarks(mark)).toEqual(['main started', 'preStop', 'main got TERM', 'postStop']);
    } finally {
      cleanup();
    }
  });

  it.skipIf(NO_UNSHARE)('under a read-only root loads its native part from the first tmpfs that may run it, past a read-only and a noexec one', async () => {
    const setup =
      'mount --bind -o remount,ro / && mount -t tmpfs -o noexec tmpfs /tmp && mount -t tmpfs -o ro tmpfs /run && mount -t tmpfs -o ro tmpfs /var/tmp && mount -t tmpfs tmpfs /dev/shm';
    const hv = startInMounts(setup, ['--', 'sh', '-c', 'ls -A /dev/shm /tmp; echo done']);
    expect((await hv.exited).code).toBe(0);
    expect(eventsNamed(hv.events(), 'pid1.ready')).toHaveLength(1);
    expect(eventsNamed(hv.events(), 'pid1.degraded')).toEqual([]);
    // Unlinked once loaded: nothing is left behind in either place.
    expect(hv.stdout).toBe('/dev/shm:\n\n/tmp:\ndone\n');
  });

  it.skipIf(NO_UNSHARE)('with no writable place that may run it, warns pid1.degraded once, naming each place, and still supervises', async () => {
    const setup = 'mount --bind -o remount,ro / && for d in /tmp /run /var/tmp /dev/shm; do mount -t tmpfs -o ro tmpfs $d; done';
    const hv = startInMounts(setup, ['--', exitWith, '4']);
    expect((await hv.exited).code).toBe(4);
    const warnings = eventsNamed(hv.events(), 'pid1.degraded');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.error).toMatch(/\/tmp: EROFS.*\/dev\/shm: EROFS.*\/run: EROFS.*\/var\/tmp: EROFS/);
    expect(warnings[0]).toMatchObject({ lost: 'orphaned processes will stay zombies' });
  });

  it.skipIf(process.getuid?.() !== 0)('runs main as a `user:` through itself (it has no exec-as.js beside it)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      chmodSync(dir, 0o755);
      const mark = join(dir, 'marks');
      writeFileSync(mark, '', { mode: 0o666 });
      chmodSync(mark, 0o666);
      const hooks = writeFile(dir, 'hooks.yaml', 'main: { user: "nobody:100" }\n');
      const r = await runHookvisor(['--hooks', hooks, '--', fixture('report-ids.sh'), 'main'], { exe, env: { MARK: mark } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)[0]).toBe(
        `main pid=${eventsNamed(r.events, 'main.start')[0]!.pid} Uid: 65534 65534 65534 65534;Gid: 100 100 100 100;Groups: 100 ;`,
      );
    } finally {
      cleanup();
    }
  });

  it('on a terminal gives main the terminal', async () => {
    const child = spawn('script', ['-qfec', `${exe[0]} -- ${fixture('tty-main.sh')}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) child.stdin.write('quit\n');
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(out).toContain('owns terminal: yes');
    expect(code).toBe(5);
  });
});
