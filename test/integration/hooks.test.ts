// Hook tasks (issue 2, "Hooks file" and "A TASK"): timeouts, onFailure, environment, cwd, `${...}`
// expansion, arguments that stay literal, output logging, and a program that does not exist.
import { mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, type Hv, killLeftovers, readMarks, startHookvisor, waitNotRunning, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const MARK_SH = fixture('mark.sh');
const markTask = (what: string) => `[sh, ${MARK_SH}, "${what}"]`;

/** Stops a running main-trap.sh main once postStart (when it has tasks) has finished, so marks come in a fixed order. */
async function stopAfterPostStart(hv: Hv, hasPostStart: boolean): Promise<void> {
  await hv.waitFor('READY');
  if (hasPostStart) await hv.waitForEvent((e) => e.event === 'phase.end' && e.phase === 'postStart');
  hv.signal('SIGTERM');
}

describe('hooks', () => {
  describe('a hung hook is killed at its timeout, with its child', () => {
    // A gated task after the hung one holds the phase, so the check below sees what the timeout did, not the stop.
    it.each(['preStart', 'postStart', 'preStop', 'postStop'] as const)('in %s', (phase) =>
      withDir(async ({ dir, mark }) => {
        const go = join(dir, 'go');
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `stop:\n  timeout: 1s\nhooks:\n  ${phase}:\n    - name: hang\n      run: [sh, ${fixture('hang.sh')}]\n      timeout: 300ms\n      onFailure: continue\n    - run: [sh, ${fixture('gate.sh')}, "${phase} after hang"]\n      timeout: 5s\n`,
        );
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go, TRAP_EXIT: '9' } });
        if (phase === 'preStop' || phase === 'postStop') {
          await hv.waitFor('READY');
          hv.signal('SIGTERM');
        }
        const end = await hv.waitForEvent((e) => e.event === 'hook.end' && e.task === 'hang');
        const marks = readMarks(mark);
        const pidOf = (prefix: string) => Number(marks.find((m) => m.startsWith(prefix))!.slice(prefix.length));
        const hangPid = pidOf('hang started ');
        const childPid = pidOf('hang child ');
        expect(await waitNotRunning(hangPid)).toBe(true);
        expect(await waitNotRunning(childPid)).toBe(true);
        writeFileSync(go, '');
        if (phase === 'preStart' || phase === 'postStart') {
          await hv.waitFor('READY');
          await hv.waitForEvent((e) => e.event === 'phase.end' && e.phase === phase);
          hv.signal('SIGTERM');
        }
        expect(await hv.exited).toEqual({ code: 9, signal: null });

        expect(readMarks(mark).filter((m) => m.startsWith(phase))).toEqual([`${phase} after hang begin`, `${phase} after hang end`]);
        expect(end).toMatchObject({ level: 50, phase, ok: false, timedOut: true, signal: 'SIGKILL' });
        expect(end.durationMs).toBeGreaterThanOrEqual(300);
        expect(eventsNamed(hv.events(), 'hook.start').find((e) => e.task === 'hang')!.pid).toBe(hangPid);
      }),
    );

    it('in preStart with the default onFailure: main never starts, exit 1', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  preStart:\n    - run: [sh, ${fixture('hang.sh')}]\n      timeout: 300ms\n`);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
        expect(await hv.exited).toEqual({ code: 1, signal: null });
        const marks = readMarks(mark);
        expect(marks.map((m) => m.replace(/\d+$/, 'N'))).toEqual(['hang started N', 'hang child N']);
        for (const m of marks) expect(await waitNotRunning(Number(m.split(' ').at(-1)))).toBe(true);
        const end = eventsNamed(hv.events(), 'hook.end')[0]!;
        expect(end).toMatchObject({ timedOut: true, ok: false, limitMs: 300 });
        // The message (the pretty line) says what the task ran into.
        expect(end.msg).toMatch(/^preStart task ".*" timed out after its 300ms limit \(ended by SIG(KILL|TERM)\) in \d+ms$/);
      }));
  });

  describe('onFailure', () => {
    const rows = [
      { phase: 'preStart', policy: 'continue', phaseMarks: ['preStart failed', 'preStart after'] },
      { phase: 'postStart', policy: 'continue', phaseMarks: ['postStart failed', 'postStart after'] },
      { phase: 'postStart', policy: 'abort', phaseMarks: ['postStart failed'] },
      { phase: 'preStop', policy: 'continue', phaseMarks: ['preStop failed', 'preStop after'] },
      // abort skips the rest of preStop; the stop itself goes on.
      { phase: 'preStop', policy: 'abort', phaseMarks: ['preStop failed'] },
      { phase: 'postStop', policy: 'continue', phaseMarks: ['postStop failed', 'postStop after'] },
      { phase: 'postStop', policy: 'abort', phaseMarks: ['postStop failed'] },
    ] as const;

    it.each(rows)('$policy in $phase', ({ phase, policy, phaseMarks }) =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `stop:\n  timeout: 1s\nhooks:\n  ${phase}:\n    - run: [sh, ${fixture('fail.sh')}, "4"]\n      onFailure: ${policy}\n    - run: ${markTask(`${phase} after`)}\n`,
        );
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, MARK_TEXT: `${phase} failed`, TRAP_EXIT: '0' } });
        await stopAfterPostStart(hv, phase === 'postStart');
        expect(await hv.exited).toEqual({ code: 0, signal: null });
        const marks = readMarks(mark);
        expect(marks.filter((m) => m.startsWith(phase))).toEqual(phaseMarks);
        expect(marks.filter((m) => m.startsWith('main'))).toEqual(['main started', 'main got TERM']);
        // Each phase keeps its place in the lifecycle.
        const term = marks.indexOf('main got TERM');
        const last = marks.lastIndexOf(phaseMarks.at(-1)!);
        if (phase === 'postStop') expect(last).toBeGreaterThan(term);
        else expect(last).toBeLessThan(term);
        if (phase === 'preStart') expect(last).toBeLessThan(marks.indexOf('main started'));
        const phaseEnd = eventsNamed(hv.events(), 'phase.end').find((e) => e.phase === phase);
        expect(phaseEnd).toMatchObject({ failed: 1, aborted: policy === 'abort' });
        const skipped = eventsNamed(hv.events(), 'hook.skip').filter((e) => e.phase === phase);
        expect(skipped.map((e) => e.task)).toEqual(policy === 'abort' ? [`sh ${MARK_SH} ${phase} after`] : []);
      }),
    );
  });

  it('task environment: file env, task env over it, HOOKVISOR_PHASE and HOOKVISOR_MAIN_PID in every phase', () =>
    withDir(async ({ dir, mark }) => {
      const report = `'echo "$HOOKVISOR_PHASE top=$TOP both=$BOTH own=\${OWN:-unset} outer=$OUTER derived=$DERIVED pid=\${HOOKVISOR_MAIN_PID:-unset}" >> "$MARK"'`;
      const task = `    - shell: ${report}\n      env: { BOTH: from-task, OWN: own }\n`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `env:\n  TOP: top\n  BOTH: from-top\n  DERIVED: "\${OUTER}-derived"\nstop:\n  timeout: 1s\nhooks:\n  preStart:\n${task}  postStart:\n${task}  preStop:\n${task}  postStop:\n${task}    - shell: ${report}\n`,
      );
      const main = `echo "main top=$TOP both=$BOTH own=\${OWN:-unset} outer=$OUTER phase=\${HOOKVISOR_PHASE:-unset}" >> "$MARK"; exec ${fixture('main-trap.sh')}`;
      const hv = startHookvisor(['--hooks', hooks, '--', 'sh', '-c', main], { env: { MARK: mark, OUTER: 'outer', BOTH: 'from-outer' } });
      await stopAfterPostStart(hv, true);
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const pid = eventsNamed(hv.events(), 'main.start')[0]!.pid as number;
      const marks = readMarks(mark);
      // postStart runs beside main, so its line and main's own "main started" come in either order.
      expect([...marks.slice(0, 2), ...marks.slice(2, 4).sort(), ...marks.slice(4)]).toEqual([
        'preStart top=top both=from-task own=own outer=outer derived=outer-derived pid=unset',
        'main top=top both=from-top own=unset outer=outer phase=unset',
        'main started',
        `postStart top=top both=from-task own=own outer=outer derived=outer-derived pid=${pid}`,
        `preStop top=top both=from-task own=own outer=outer derived=outer-derived pid=${pid}`,
        'main got TERM',
        `postStop top=top both=from-task own=own outer=outer derived=outer-derived pid=${pid}`,
        `postStop top=top both=from-top own=unset outer=outer derived=outer-derived pid=${pid}`,
      ]);
    }));

  it('cwd: runs the task in the given directory, with ${VAR} expanded in it', () =>
    withDir(async ({ dir, mark }) => {
      const work = join(dir, 'work dir');
      mkdirSync(work);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `env:\n  SUB: "work dir"\nhooks:\n  preStart:\n    - run: [sh, -c, 'echo "preStart $(pwd -P)" >> "$MARK"']\n      cwd: "${dir}/\${SUB}"\n  postStop:\n    - shell: 'echo "postStop $(pwd -P)" >> "$MARK"'\n      cwd: "\${HOOKVISOR_TEST_CWD:-/}"\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual([`preStart ${realpathSync(work)}`, 'postStop /']);
    }));

  it('a cwd that does not exist fails the task cleanly', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - run: ${markTask('preStart')}\n      cwd: ${dir}/missing\n      onFailure: continue\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started']);
      const end = eventsNamed(hv.events(), 'hook.end')[0]!;
      expect(end).toMatchObject({ level: 50, ok: false, timedOut: false });
      expect(end.error).toContain(`${dir}/missing`);
      expect(eventsNamed(hv.events(), 'internal.error')).toEqual([]);
    }));

  it('${VAR} and ${VAR:-default} are expanded in run arguments and main.command, from the environment, env: and the task env', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `env:\n  A: alpha\n  EMPTY: ""\nmain:\n  command: [sh, ${MARK_SH}, "main \${A}", "\${B:-bee}", "\${EMPTY:-empty-default}", "\${OUTER}"]\nhooks:\n  preStart:\n    - run: [sh, ${MARK_SH}, "preStart \${A}-\${OWN}", "\${B:-bee}", "\${OUTER:-unused}", "x\${EMPTY}y"]\n      env: { OWN: own }\n`,
      );
      const hv = startHookvisor(['--hooks', hooks], { env: { MARK: mark, OUTER: 'outer', B: undefined } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['preStart alpha-own bee outer xy', 'main alpha bee empty-default outer']);
      expect(eventsNamed(hv.events(), 'main.start')[0]!.command).toEqual(['sh', MARK_SH, 'main alpha', 'bee', 'empty-default', 'outer']);
    }));

  describe('${HOOKVISOR_*} in a postStop run: argument', () => {
    const args = `"code=\${HOOKVISOR_EXIT_CODE}", "signal=\${HOOKVISOR_EXIT_SIGNAL}", "reason=\${HOOKVISOR_STOP_REASON}", "phase=\${HOOKVISOR_PHASE}", "pid=\${HOOKVISOR_MAIN_PID}"`;
    it.each([
      { main: ['5'], code: 5, line: 'code=5 signal= reason=exit phase=postStop' },
      { main: ['0', 'TERM'], code: 143, line: 'code= signal=SIGTERM reason=exit phase=postStop' },
    ])('main exit-with.sh $main → "$line"', ({ main, code, line }) =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [sh, ${MARK_SH}, ${args}]\n`);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), ...main], { env: { MARK: mark } });
        expect(await hv.exited).toEqual({ code, signal: null });
        const pid = eventsNamed(hv.events(), 'main.start')[0]!.pid;
        expect(readMarks(mark)).toEqual(['main started', `${line} pid=${pid}`]);
      }),
    );

    it('after a stop signal → the code main exited with and reason signal', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [sh, ${MARK_SH}, ${args}]\n`);
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '12' } });
        await hv.waitFor('READY');
        hv.signal('SIGTERM');
        expect(await hv.exited).toEqual({ code: 12, signal: null });
        const pid = eventsNamed(hv.events(), 'main.start')[0]!.pid;
        expect(readMarks(mark)).toEqual(['main started', 'main got TERM', `code=12 signal= reason=signal phase=postStop pid=${pid}`]);
      }));
  });

  it('a variable holding "; rm -rf /" stays one literal argument (run) and one literal word (shell)', () =>
    withDir(async ({ dir, mark }) => {
      const evil = '; rm -rf / $(touch pwned1) `touch pwned2` && touch pwned3';
      const work = join(dir, 'work');
      mkdirSync(work);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - run: [sh, -c, 'printf "[%s]" "$@" >> "$MARK"; echo >> "$MARK"', argv0, "x\${EVIL}y", "\${EVIL}"]\n      cwd: ${work}\n    - shell: 'printf "[%s]\\n" "\${EVIL}" >> "$MARK"'\n      cwd: ${work}\nmain:\n  command: [sh, -c, 'printf "[%s]" "$@" >> "$MARK"; echo >> "$MARK"', argv0, "\${EVIL}"]\n`,
      );
      const hv = startHookvisor(['--hooks', hooks], { env: { MARK: mark, EVIL: evil }, cwd: work });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual([`[x${evil}y][${evil}]`, `[${evil}]`, `[${evil}]`]);
      expect(readdirSync(work)).toEqual([]);
    }));

  it("a hook's stdout and stderr lines are logged as hook.output events, not passed to hookvisor's stdout", () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - name: say things\n      shell: 'echo one; echo two >&2; printf "three\\nfour"'\n  postStop:\n    - run: [sh, ${fixture('fail.sh')}, "3"]\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const out = eventsNamed(hv.events(), 'hook.output').map((e) => [e.level, e.phase, e.task, e.stream, e.line]);
      const byStream = (s: string) => out.filter((o) => o[3] === s);
      expect(byStream('stdout')).toEqual([
        [30, 'preStart', 'say things', 'stdout', 'one'],
        [30, 'preStart', 'say things', 'stdout', 'three'],
        [30, 'preStart', 'say things', 'stdout', 'four'],
        [30, 'postStop', `sh ${fixture('fail.sh')} 3`, 'stdout', 'fail.sh stdout line'],
      ]);
      expect(byStream('stderr')).toEqual([
        [30, 'preStart', 'say things', 'stderr', 'two'],
        [30, 'postStop', `sh ${fixture('fail.sh')} 3`, 'stderr', 'fail.sh stderr line'],
      ]);
      expect(hv.stdout).toBe('');
      expect(hv.stderr).not.toMatch(/^(one|two|three|fail\.sh)/m);
    }));

  describe('a hook whose program does not exist fails cleanly', () => {
    it.each(['preStart', 'postStart', 'preStop', 'postStop'] as const)('in %s (onFailure continue): hook.end with an error, the phase goes on', (phase) =>
      withDir(async ({ dir, mark }) => {
        const missing = join(dir, 'no-such-program');
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `stop:\n  timeout: 1s\nhooks:\n  ${phase}:\n    - run: [${missing}, arg]\n      onFailure: continue\n    - run: ${markTask(`${phase} after`)}\n`,
        );
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '3' } });
        await stopAfterPostStart(hv, phase === 'postStart');
        expect(await hv.exited).toEqual({ code: 3, signal: null });
        expect(readMarks(mark)).toContain(`${phase} after`);
        const end = eventsNamed(hv.events(), 'hook.end')[0]!;
        expect(end).toMatchObject({ level: 50, phase, task: `${missing} arg`, ok: false, timedOut: false });
        expect(end.error).toBe(`${missing}: command not found`);
        expect(eventsNamed(hv.events(), 'internal.error')).toEqual([]);
      }),
    );

    it('in preStart with the default onFailure: main never starts, postStop still runs, exit 1', () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `hooks:\n  preStart:\n    - run: [hookvisor-test-no-such-program]\n  postStop:\n    - run: ${markTask('postStop')}\n`,
        );
        const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '0'], { env: { MARK: mark } });
        expect(await hv.exited).toEqual({ code: 1, signal: null });
        expect(readMarks(mark)).toEqual(['postStop']);
        expect(eventsNamed(hv.events(), 'hook.end')[0]).toMatchObject({ ok: false, error: 'hookvisor-test-no-such-program: command not found' });
      }));
  });
});
