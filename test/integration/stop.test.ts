// The stop (issue 2, lifecycle steps 3 to 5): escalation to SIGKILL, stop.forward, stop.group, a second
// stop signal, a stop during preStart, main ending on its own, postStop `when`, SIGINT as a stop signal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, isRunning, killLeftovers, type LogRecord, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const markTask = (what: string) => `[sh, ${fixture('mark.sh')}, "${what}"]`;
const gate = (what: string) => `[sh, ${fixture('gate.sh')}, "${what}"]`;
/** A postStop task that records how the run ended. */
const REPORT = `shell: 'echo "postStop $HOOKVISOR_STOP_REASON code=$HOOKVISOR_EXIT_CODE signal=$HOOKVISOR_EXIT_SIGNAL" >> "$MARK"'`;

const time = (e: LogRecord | undefined) => Date.parse(String(e?.time));

describe('stop', () => {
  it('escalates to SIGKILL at stop.timeout when main ignores the signal, then still runs postStop (exit 137)', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 500ms\nhooks:\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      const exit = await hv.exited;
      expect(exit).toEqual({ code: 137, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'postStop signal code= signal=SIGKILL']);
      const events = hv.events();
      const mainPid = eventsNamed(events, 'main.start')[0]!.pid;
      const forward = eventsNamed(events, 'signal.forward')[0];
      const escalate = eventsNamed(events, 'stop.escalate');
      expect(forward).toMatchObject({ signal: 'SIGTERM', pid: mainPid, group: true });
      expect(escalate).toHaveLength(1);
      expect(escalate[0]).toMatchObject({ level: 40, signal: 'SIGKILL', afterMs: 500, pid: mainPid });
      // The SIGKILL came no earlier than the timeout after the forward (log times have ms resolution).
      expect(time(escalate[0]) - time(forward)).toBeGreaterThanOrEqual(490);
      expect(eventsNamed(events, 'main.exit')[0]).toMatchObject({ pid: mainPid, signal: 'SIGKILL' });
      expect(events.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: 137, reason: 'signal' });
    }));

  it('does not escalate when main exits within stop.timeout', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 500ms\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '6' } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 6, signal: null });
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM']);
    }));

  it('stop.forward: SIGINT sends SIGINT to main instead of the SIGTERM received', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  forward: SIGINT\n  timeout: 1s\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-exit-on-signal.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got INT']);
      const events = hv.events();
      expect(eventsNamed(events, 'stop.start')[0]).toMatchObject({ signal: 'SIGTERM' });
      expect(eventsNamed(events, 'signal.forward').map((e) => e.signal)).toEqual(['SIGINT']);
      expect(eventsNamed(events, 'stop.escalate')).toEqual([]);
    }));

  it('without stop.forward, main gets the signal hookvisor received (SIGINT stays SIGINT)', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 1s\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-exit-on-signal.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGINT');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got INT']);
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
    }));

  it('group: true delivers the stop signal to main and to the child in its process group', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 1s\n  group: true\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-with-child.sh')], { env: { MARK: mark } });
      await hv.waitFor('child READY');
      await hv.waitFor('main READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const marks = readMarks(mark);
      const childPid = Number(marks.find((m) => m.startsWith('child pid '))!.slice('child pid '.length));
      expect(marks.filter((m) => !m.startsWith('child pid ')).sort()).toEqual(['child got TERM', 'main got TERM', 'main started']);
      const events = hv.events();
      expect(eventsNamed(events, 'signal.forward')[0]).toMatchObject({ signal: 'SIGTERM', group: true });
      expect(eventsNamed(events, 'stop.escalate')).toEqual([]);
      expect(isRunning(childPid)).toBe(false);
    }));

  it('group: false delivers the stop signal to main alone; the child is only SIGKILLed at stop.timeout', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 500ms\n  group: false\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-with-child.sh')], { env: { MARK: mark } });
      await hv.waitFor('child READY');
      await hv.waitFor('main READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 137, signal: null });
      const marks = readMarks(mark);
      const childPid = Number(marks.find((m) => m.startsWith('child pid '))!.slice('child pid '.length));
      // main waits for its child, which never got TERM: both end by the SIGKILL to the group.
      expect(marks.filter((m) => !m.startsWith('child pid '))).toEqual(['main started', 'main got TERM']);
      const events = hv.events();
      expect(eventsNamed(events, 'signal.forward')[0]).toMatchObject({ signal: 'SIGTERM', group: false });
      expect(eventsNamed(events, 'stop.escalate')[0]).toMatchObject({ signal: 'SIGKILL', afterMs: 500 });
      expect(isRunning(childPid)).toBe(false);
    }));

  it.each(['SIGTERM', 'SIGINT'] as const)('a second stop signal (%s) during a slow postStop is logged and ignored', (second) =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  timeout: 1s\nhooks:\n  postStop:\n    - run: ${gate('postStop')}\n      timeout: 5s\n    - run: ${markTask('postStop 2')}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go, TRAP_EXIT: '5' } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.phase === 'postStop');
      hv.signal(second);
      await hv.waitForEvent((e) => e.event === 'signal.ignored' && e.signal === second);
      writeFileSync(go, '');
      expect(await hv.exited).toEqual({ code: 5, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop begin', 'postStop end', 'postStop 2']);
      const events = hv.events();
      expect(eventsNamed(events, 'signal.ignored')).toEqual([expect.objectContaining({ level: 40, signal: second, why: 'a stop is already under way' })]);
      expect(eventsNamed(events, 'stop.start')).toHaveLength(1);
      expect(eventsNamed(events, 'hook.end').map((e) => [e.ok, e.timedOut])).toEqual([
        [true, false],
        [true, false],
      ]);
      expect(events.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: 5, reason: 'signal' });
    }),
  );

  it('a SIGTERM during postStop after main ended on its own starts the stop clock; postStop runs once, the reason stays exit', () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStop:\n    - run: ${markTask('preStop')}\n  postStop:\n    - run: ${gate('postStop')}\n      timeout: 5s\n    - ${REPORT}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '4'], { env: { MARK: mark, GO: go } });
      await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'postStop begin');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'stop.start' && e.phase === 'postStop');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'signal.ignored' && e.signal === 'SIGTERM');
      writeFileSync(go, '');
      expect(await hv.exited).toEqual({ code: 4, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'postStop begin', 'postStop end', 'postStop exit code=4 signal=']);
    }));

  it('a second SIGTERM during a slow preStop is ignored: main gets exactly one TERM, after preStop', () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  timeout: 1s\nhooks:\n  preStop:\n    - run: ${gate('preStop')}\n      timeout: 5s\n  postStop:\n    - ${REPORT}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go, TRAP_EXIT: '5' } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.phase === 'preStop');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'signal.ignored');
      writeFileSync(go, '');
      expect(await hv.exited).toEqual({ code: 5, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'preStop begin', 'preStop end', 'main got TERM', 'postStop signal code=5 signal=']);
      expect(eventsNamed(hv.events(), 'signal.forward')).toHaveLength(1);
    }));

  it('a stop signal during preStart: the rest of preStart is skipped, main never starts, postStop runs with reason signal, exit 1', () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - run: ${gate('preStart')}\n      timeout: 5s\n    - run: ${markTask('preStart 2')}\n  postStart:\n    - run: ${markTask('postStart')}\n  preStop:\n    - run: ${markTask('preStop')}\n  postStop:\n    - ${REPORT}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go } });
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.phase === 'preStart');
      hv.signal('SIGTERM');
      await hv.waitForEvent((e) => e.event === 'signal.received' && e.signal === 'SIGTERM');
      writeFileSync(go, '');
      expect(await hv.exited).toEqual({ code: 1, signal: null });
      expect(readMarks(mark)).toEqual(['preStart begin', 'preStart end', 'postStop signal code= signal=']);
      const events = hv.events();
      expect(eventsNamed(events, 'main.start')).toEqual([]);
      expect(eventsNamed(events, 'hook.skip')).toEqual([expect.objectContaining({ phase: 'preStart', task: `sh ${fixture('mark.sh')} preStart 2` })]);
      expect(events.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: 1, reason: 'signal' });
    }));

  it('main ending on its own skips preStop and gives postStop the reason exit with its code', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  preStop:\n    - run: ${markTask('preStop')}\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '4'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 4, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'postStop exit code=4 signal=']);
      const events = hv.events();
      expect(eventsNamed(events, 'stop.start')).toEqual([]);
      expect(eventsNamed(events, 'hook.start').map((e) => e.phase)).toEqual(['postStop']);
      expect(events.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: 4, reason: 'exit' });
    }));

  it('main ending on its own by a signal gives postStop the reason exit and the signal name', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0', 'USR1'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 128 + 10, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'postStop exit code= signal=SIGUSR1']);
    }));

  it('main ending on its own: what it left in its process group is stopped before postStop runs', () =>
    withDir(async ({ dir, mark }) => {
      // main leaves a sleep in its group and exits; postStop checks whether that process still runs.
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  timeout: 1s\nhooks:\n  postStop:\n    - shell: 'p=$(cat "$MARK.pid"); s=$(cut -d" " -f3 "/proc/$p/stat" 2>/dev/null); if [ -n "$s" ] && [ "$s" != Z ]; then echo "postStop: leftover running" >> "$MARK"; else echo "postStop: leftover gone" >> "$MARK"; fi'\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', 'sh', '-c', 'sleep 1000 & echo $! > "$MARK.pid"; echo "main exits" >> "$MARK"'], {
        env: { MARK: mark },
      });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const sleepPid = Number(readFileSync(`${mark}.pid`, 'utf8'));
      expect(readMarks(mark)).toEqual(['main exits', 'postStop: leftover gone']);
      const events = hv.events();
      expect(eventsNamed(events, 'stop.straggler').map((e) => e.pid)).toEqual([sleepPid]);
      expect(eventsNamed(events, 'stop.escalate')).toEqual([]);
    }));

  it('main runs in a process group of its own', () =>
    withDir(async ({ mark }) => {
      const script = 'echo "pgid $(cut -d" " -f5 /proc/$$/stat)" >> "$MARK"; echo READY; exec sleep 1000';
      const hv = startHookvisor(['--', 'sh', '-c', script], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 143, signal: null });
      const mainPid = eventsNamed(hv.events(), 'main.start')[0]!.pid;
      expect(readMarks(mark)).toEqual([`pgid ${mainPid}`]);
      expect(mainPid).not.toBe(hv.child.pid);
    }));

  it('preStop runs while main still runs; postStop only once main is gone', () =>
    withDir(async ({ dir, mark }) => {
      const probe = (phase: string) =>
        `shell: 'if kill -0 "$HOOKVISOR_MAIN_PID" 2>/dev/null; then echo "${phase}: main running"; else echo "${phase}: main gone"; fi >> "$MARK"'`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  timeout: 1s\nhooks:\n  preStop:\n    - ${probe('preStop')}\n  postStop:\n    - ${probe('postStop')}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'preStop: main running', 'main got TERM', 'postStop: main gone']);
    }));

  it('postStart does not block signal handling: a stop proceeds while a postStart task still runs', () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  timeout: 1s\nhooks:\n  postStart:\n    - run: ${gate('postStart')}\n      timeout: 5s\n  preStop:\n    - run: ${markTask('preStop')}\n  postStop:\n    - ${REPORT}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go, TRAP_EXIT: '3' } });
      await hv.waitFor('READY');
      await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'postStart begin');
      hv.signal('SIGTERM');
      // main is stopped while the postStart task is still waiting for its gate.
      await hv.waitForEvent((e) => e.event === 'main.exit');
      writeFileSync(go, '');
      expect(await hv.exited).toEqual({ code: 3, signal: null });
      const marks = readMarks(mark);
      expect(marks.filter((m) => m !== 'main started')).toEqual([
        'postStart begin',
        'preStop',
        'main got TERM',
        'postStart end',
        'postStop signal code=3 signal=',
      ]);
    }));

  it('postStop after a failed start gets HOOKVISOR_STOP_REASON=start-failed', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  preStart:\n    - run: [sh, -c, 'exit 1']\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 1, signal: null });
      expect(readMarks(mark)).toEqual(['postStop start-failed code= signal=']);
    }));

  it('postStop after main could not be executed gets reason start-failed and the 127 hookvisor exits with', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', join(dir, 'no-such-program')], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 127, signal: null });
      expect(readMarks(mark)).toEqual(['postStop start-failed code=127 signal=']);
    }));

  describe('postStop `when`', () => {
    const whenHooks = `stop:\n  timeout: 1s\nhooks:\n  preStart:\n    - run: [sh, -c, 'test -z "$FAIL_START"']\n  postStop:\n    - run: ${markTask('when signal')}\n      when: signal\n    - run: ${markTask('when exit')}\n      when: exit\n    - run: ${markTask('when always')}\n      when: always\n    - run: ${markTask('when default')}\n`;

    it('after a stop signal runs when: signal, always and the default, not when: exit', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', whenHooks);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
        await hv.waitFor('READY');
        hv.signal('SIGTERM');
        expect(await hv.exited).toEqual({ code: 0, signal: null });
        expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'when signal', 'when always', 'when default']);
        expect(eventsNamed(hv.events(), 'hook.skip').map((e) => e.task)).toEqual([`sh ${fixture('mark.sh')} when exit`]);
      }));

    it('when main exits on its own runs when: exit, always and the default, not when: signal', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', whenHooks);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
        expect(await hv.exited).toEqual({ code: 0, signal: null });
        expect(readMarks(mark)).toEqual(['main started', 'when exit', 'when always', 'when default']);
      }));

    it('when preStart failed runs only when: always and the default', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', whenHooks);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark, FAIL_START: '1' } });
        expect(await hv.exited).toEqual({ code: 1, signal: null });
        expect(readMarks(mark)).toEqual(['when always', 'when default']);
      }));
  });

  it('SIGINT is a stop signal by default: preStop runs, main gets SIGINT, postStop has reason signal', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  timeout: 1s\nhooks:\n  preStop:\n    - run: ${markTask('preStop')}\n  postStop:\n    - ${REPORT}\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-exit-on-signal.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGINT');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'preStop', 'main got INT', 'postStop signal code=0 signal=']);
      expect(eventsNamed(hv.events(), 'stop.start')[0]).toMatchObject({ signal: 'SIGINT' });
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
    }));

  it('stop.signals replaces the default: SIGUSR1 starts the stop, and SIGTERM is then forwarded as an ordinary signal', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop:\n  signals: [SIGUSR1]\n  forward: SIGTERM\n  timeout: 1s\nhooks:\n  preStop:\n    - run: ${markTask('preStop')}\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '8' } });
      await hv.waitFor('READY');
      hv.signal('SIGINT');
      await hv.waitFor('got INT');
      hv.signal('SIGUSR1');
      expect(await hv.exited).toEqual({ code: 8, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got INT', 'preStop', 'main got TERM']);
      expect(eventsNamed(hv.events(), 'stop.start')).toEqual([expect.objectContaining({ signal: 'SIGUSR1' })]);
    }));
});
