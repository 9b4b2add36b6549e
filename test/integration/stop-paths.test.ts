import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, eventsNamed, fixture, killLeftovers, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { orchestratorStop } from '../helpers/orchestrator.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(() => {
  killLeftovers();
  killPid1s();
});

const ALIVE = `{ run: [${fixture('alive.sh')}], timeout: 1s }`;
const daemonTask = (name: string) => `{ name: ${name}, shell: 'sleep 1000 & echo "$!" > "$MARK.daemon"' }`;

describe('every stop path ends with nothing left before postStop', () => {
  it.skipIf(NO_UNSHARE)('a stop signal while hookvisor stops what a self-exited main left starts the grace clock', () =>
    withDir(async ({ dir, mark }) => {
      // stop.timeout alone would wait 60 s for the leftover that ignores SIGTERM; the grace period is 4 s.
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 60s, gracePeriod: 4s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      const main = `trap '' TERM; setsid sh -c "trap '' TERM; echo leftover READY; while :; do sleep 1; done" & sleep 0.2; exit 3`;
      const hv = startAsPid1(['--hooks', hooks, '--', 'sh', '-c', main], { env: { MARK: mark } });
      await hv.waitForEvent((e) => e.event === 'main.exit');
      await hv.waitFor('leftover READY');
      const stop = await orchestratorStop(hv, 4000, { signal: hv.signalPid1 });
      expect(stop.killed).toBe(false);
      expect(stop.code).toBe(3);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      expect(eventsNamed(hv.events(), 'stop.start')).toEqual([expect.objectContaining({ signal: 'SIGTERM', phase: 'clearing' })]);
    }),
  );

  it.skipIf(NO_UNSHARE).each([
    ['a later preStart task fails with onFailure: abort', `    - { run: [false], onFailure: abort }\n`, ['true'], false, 1],
    ['main cannot be executed', '', ['/nonexistent/daemon'], false, 127],
    ['a stop signal arrives during preStart', `    - { name: gate, shell: 'echo "gate READY"; sleep 1000', timeout: 60s }\n`, ['true'], true, 1],
  ])('a daemon forked by a preStart task is gone before postStop when %s', (_, more, argv, signal, code) =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 2s }\nhooks:\n  preStart:\n    - ${daemonTask('daemon')}\n${more}  postStop:\n    - ${ALIVE}\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', ...argv], { env: { MARK: mark } });
      if (signal) {
        await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'gate READY');
        hv.signalPid1('SIGTERM');
      }
      expect((await hv.exited).code).toBe(code);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      // After a stop signal the preStart task may run to the SIGKILL time: then the sweep starts at SIGKILL.
      expect(eventsNamed(hv.events(), 'stop.sweep')[0]).toMatchObject({ signal: signal ? 'SIGKILL' : 'SIGTERM' });
    }),
  );

  it.skipIf(NO_UNSHARE)('a process that entered the namespace from outside (docker exec) is not a descendant, yet is stopped before postStop', () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 5s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      const hv = startAsPid1(['--hooks', hooks, '--', 'sh', '-c', 'echo "main READY"; while [ ! -e "$GO" ]; do sleep 0.02; done'], {
        env: { MARK: mark, GO: go },
      });
      await hv.waitFor('main READY');
      // Its parent is nsenter, outside the namespace: no walk of parent links from hookvisor reaches it.
      const exec = spawn('nsenter', ['--target', String(hv.hostPid()), '--pid', '--mount', '--', 'sh', '-c', 'echo "exec READY"; exec sleep 1000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise<void>((resolve) => exec.stdout.on('data', (d) => String(d).includes('exec READY') && resolve()));
        writeFileSync(go, '');
        expect((await hv.exited).code).toBe(0);
        expect(readMarks(mark)).toEqual(['postStop: all gone']);
        expect(eventsNamed(hv.events(), 'stop.sweep')[0]).toMatchObject({ signal: 'SIGTERM' });
      } finally {
        exec.kill('SIGKILL');
      }
    }),
  );

  it.skipIf(NO_UNSHARE)('a process that keeps changing its pid is stopped before postStop', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 1s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('pid-hopper.sh')], { env: { MARK: mark, HOP_FIRST: '1' } });
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      expect(eventsNamed(hv.events(), 'stop.stuck')).toEqual([]);
    }),
  );

  it.skipIf(NO_UNSHARE)('never signals a pid after main was reaped, even once the kernel has given it to another process', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 30s, group: false, gracePeriod: 4s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('pid-reuse.sh')], { env: { MARK: mark } });
      const mainPid = (await hv.waitForEvent((e) => e.event === 'main.start')).pid as number;
      await hv.waitForEvent((e) => e.event === 'main.exit');
      // The victim now holds main's old pid.
      await hv.waitFor(`victim ${mainPid} READY`);
      hv.signalPid1('SIGHUP');
      await hv.waitForEvent((e) => e.event === 'signal.ignored' && e.signal === 'SIGHUP');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      expect(eventsNamed(hv.events(), 'signal.forward')).toEqual([]);
    }),
  );

  it.skipIf(NO_UNSHARE)("never signals main's old process group once a task has taken main's pid", () =>
    withDir(async ({ dir, mark }) => {
      // A postStart task that keeps retrying gets main's old pid (steered there), and leads a group of that id.
      const retrier = `trap "echo task \\$\\$ got USR1 >> $MARK" USR1; sleep 0.4 & wait; sleep 0.2 & wait; exit 1`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 4s, escalation: [{ signal: SIGTERM }, { signal: SIGUSR1, after: 1500ms }] }\nhooks:\n  postStart:\n    - { name: retrier, shell: '${retrier}', retries: 40, retryDelay: 50ms, timeout: 10s }\n  postStop:\n    - ${ALIVE}\n`,
      );
      const main = `setsid ${fixture('pid-steer.sh')} "$$" & while [ ! -e "$MARK.armed" ]; do sleep 0.01; done; exit 0`;
      const hv = startAsPid1(['--hooks', hooks, '--', 'bash', '-c', main], { env: { MARK: mark } });
      const mainPid = (await hv.waitForEvent((e) => e.event === 'main.start')).pid;
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'retrier' && e.pid === mainPid, 15_000);
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
    }),
  );

  it.skipIf(NO_UNSHARE)("not as PID 1, with a /proc that is not its namespace's, what main left outside its group is still stopped", () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 30s }\nhooks:\n  postStop:\n    - { shell: 'if kill -0 "$(cat "$MARK.pid")" 2>/dev/null; then echo "daemon alive"; else echo "daemon gone"; fi >> "$MARK"' }\n`,
      );
      // sh is PID 1 of the namespace; hookvisor its child, a subreaper, with the machine's /proc.
      const cmd = `"${process.execPath}" "${CLI}" --hooks "${hooks}" --allow-insecure-hooks -- sh -c 'setsid sleep 777 & echo $! > "$MARK.pid"; exit 4'; echo "hookvisor exited $?"`;
      const hv = startHookvisor([], { env: { MARK: mark }, prefix: ['unshare', '--pid', '--fork', '--kill-child', 'sh', '-c', cmd, 'sh'] });
      await hv.exited;
      expect(hv.stdout).toContain('hookvisor exited 4');
      expect(readMarks(mark)).toEqual(['daemon gone']);
    }),
  );

  it.skipIf(NO_UNSHARE)('without any /proc, main is still reaped, its status passed on, and what it left stopped before postStop', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 30s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      // An empty tmpfs over /proc: nothing of /proc can be read, not even /proc/self.
      const cmd = `mount -t tmpfs none /proc && exec "${process.execPath}" "${CLI}" --hooks "${hooks}" --allow-insecure-hooks -- sh -c 'sleep 1000 & exit 3'`;
      const hv = startHookvisor([], {
        env: { MARK: mark },
        prefix: ['unshare', '--pid', '--fork', '--mount', '--mount-proc', '--kill-child', 'sh', '-c', cmd, 'sh'],
      });
      expect((await hv.exited).code).toBe(3);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      expect(eventsNamed(hv.events(), 'internal.error')).toEqual([]);
      expect(eventsNamed(hv.events(), 'stop.stuck')).toEqual([]);
    }),
  );

  it('a leftover that is stopped (SIGSTOP) is continued, so it acts on the stop signal instead of waiting for SIGKILL', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 3s }\n`);
      const leftover = `trap "echo leftover got TERM >> \\"$MARK\\"; exit 0" TERM; kill -STOP $$; while :; do sleep 0.05; done`;
      // Main waits until its leftover (a session of its own) has stopped itself, then exits.
      const main = `setsid bash -c '${leftover}' & p=$!; until grep -q '^State:.*T' /proc/$p/status; do sleep 0.01; done; exit 0`;
      const hv = startHookvisor(['--hooks', hooks, '--', 'bash', '-c', main], { env: { MARK: mark } });
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['leftover got TERM']);
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
    }));

  it('a postStop the grace period cut short stays owed: the state record is kept for the next start', () =>
    withDir(async ({ dir, mark }) => {
      const state = `${dir}/state`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `state: ${state}\nstop: { gracePeriod: 3s }\nhooks:\n  postStop:\n    - { name: slow, run: [sleep, "30"], timeout: 60s }\n    - { name: after, run: [${fixture('mark.sh')}, after] }\n`,
      );
      // Main ends by itself; the stop signal comes while postStop runs and starts the grace clock there.
      const hv = startHookvisor(['--hooks', hooks, '--allow-insecure-hooks', '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'slow');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      const ends = eventsNamed(hv.events(), 'hook.end');
      expect(ends.find((e) => e.task === 'slow')).toMatchObject({ ok: false, cut: true });
      // The task after the cut one never ran: that postStop did not get to its end.
      expect(readMarks(mark)).toEqual(['main started']);
      expect(existsSync(`${state}/poststop-owed.json`)).toBe(true);
      expect(eventsNamed(hv.events(), 'state.left')).toHaveLength(1);
    }));

  it.skipIf(NO_UNSHARE)("with a /proc that is not its namespace's, it says so once, reads no pid from it, and still stops what main left", () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 30s }\nhooks:\n  postStop:\n    - ${ALIVE}\n`);
      // unshare --pid --fork without --mount-proc: hookvisor is PID 1, but /proc is still this machine's.
      const hv = startAsPid1(['--hooks', hooks, '--', 'sh', '-c', 'sleep 1000 & exit 5'], { env: { MARK: mark }, ownProc: false });
      expect((await hv.exited).code).toBe(5);
      expect(readMarks(mark)).toEqual(['postStop: all gone']);
      const events = hv.events();
      const mainPid = eventsNamed(events, 'main.start')[0]!.pid;
      expect(eventsNamed(events, 'proc.foreign')).toHaveLength(1);
      // Only what main left is spoken of, by its pid in the namespace: nothing of the machine outside.
      expect(eventsNamed(events, 'stop.straggler').map((e) => e.command)).toEqual(['sleep']);
      expect(eventsNamed(events, 'stop.straggler')[0]!.pid).toBeGreaterThan(mainPid as number);
      expect(eventsNamed(events, 'stop.escalate')).toEqual([]);
      expect(eventsNamed(events, 'stop.stuck')).toEqual([]);
    }),
  );
});
