import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, startHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';
import { orchestratorStop } from '../helpers/orchestrator.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(() => {
  killLeftovers();
  killPid1s();
});

// postStop's worst case is 2 x 500ms attempts + 100ms delay = 1.1s; stop.timeout alone would wait 60s.
const HOOKS = `stop: { timeout: 60s }
hooks:
  preStop:
    - { name: slow drain, run: [sleep, "30"], timeout: 30s }
  postStop:
    - name: close device
      shell: 'n=$(cat "$MARK.tries" 2>/dev/null || echo 0); echo $((n + 1)) > "$MARK.tries"; [ "$n" -ge 1 ] && echo "postStop done" >> "$MARK"'
      timeout: 500ms
      retries: 1
      retryDelay: 100ms
`;

describe('grace period', () => {
  it.skipIf(NO_UNSHARE).each([4000, 6000, 8000])(
    'with a daemon that never stops on SIGTERM, postStop finishes before the orchestrator SIGKILLs at %d ms',
    async (graceMs) => {
      const { dir, cleanup } = tempDir();
      try {
        const mark = `${dir}/marks`;
        const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
        const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-ignore-term.sh')], {
          env: { MARK: mark, HOOKVISOR_GRACE_PERIOD: String(graceMs / 1000) },
        });
        await hv.waitFor('READY');
        const stop = await orchestratorStop(hv, graceMs, { signal: hv.signalPid1 });
        expect(stop.killed).toBe(false);
        expect(stop.code).toBe(137);
        expect(readMarks(mark)).toEqual(['main started', 'postStop done']);
        const preStop = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'slow drain');
        expect(preStop).toMatchObject({ ok: false, timedOut: true });
        expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([expect.objectContaining({ signal: 'SIGKILL' })]);
      } finally {
        cleanup();
      }
    },
    20_000,
  );

  it.skipIf(NO_UNSHARE).each([
    ['a postStart task', 'postStart:\n    - { name: beside, run: [sleep, "30"], timeout: 60s }\n    - { name: beside too, sleep: 30s, timeout: 60s }', false],
    ['an on: SIGHUP task', 'preStop: []', true],
  ])(
    '%s still running at the stop is cut at the grace deadline, so postStop finishes in time',
    async (_, tasks, hup) => {
      const { dir, cleanup } = tempDir();
      try {
        const mark = `${dir}/marks`;
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `stop: { timeout: 60s }\non:\n  SIGHUP:\n    tasks: [{ name: reload, run: [sleep, "30"], timeout: 60s }]\n    forward: false\nhooks:\n  ${tasks}\n  postStop:\n    - { shell: 'echo "postStop done" >> "$MARK"', timeout: 1s }\n`,
        );
        // 5s - 500ms margin - postStop's 1.4s - 2s after SIGKILL: SIGKILL, and the cut, at +1.1s.
        const hv = startAsPid1(['--hooks', hooks, '--grace-period', '5s', '--', fixture('main-trap.sh')], { env: { MARK: mark } });
        await hv.waitFor('READY');
        if (hup) {
          hv.signalPid1('SIGHUP');
          await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'reload');
        }
        const stop = await orchestratorStop(hv, 5000, { signal: hv.signalPid1 });
        expect(stop.killed).toBe(false);
        expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop done']);
        const cut = eventsNamed(hv.events(), 'hook.end').filter((e) => e.phase === 'postStart' || e.phase === 'on');
        expect(cut.map((e) => [e.task, e.timedOut])).toEqual(hup ? [['reload', true]] : [['beside', true]]);
        // Cut at the SIGKILL time (+1.1s), not at once: main had ended at SIGTERM already.
        expect(cut[0]!.durationMs).toBeGreaterThanOrEqual(1000);
      } finally {
        cleanup();
      }
    },
    20_000,
  );

  it("a preStart task still running at a stop gets until the stop's SIGKILL time (stop.timeout), then is cut and postStop runs", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 1s }\nhooks:\n  preStart:\n    - { name: slow mount, run: [sleep, "30"], timeout: 60s }\n  postStop:\n    - { shell: 'echo "postStop $HOOKVISOR_STOP_REASON" >> "$MARK"' }\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark } });
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'slow mount');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(1);
      expect(readMarks(mark)).toEqual(['postStop signal']);
      const end = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'slow mount');
      expect(end).toMatchObject({ ok: false, timedOut: true });
      expect(end!.durationMs).toBeGreaterThanOrEqual(900);
    } finally {
      cleanup();
    }
  });

  it.skipIf(NO_UNSHARE)(
    'counts a pod preStop hook that ran first when the grace period passed to hookvisor is the rest',
    async () => {
      const { dir, cleanup } = tempDir();
      try {
        const mark = `${dir}/marks`;
        const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
        const hv = startAsPid1(['--hooks', hooks, '--grace-period', '4s', '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
        await hv.waitFor('READY');
        // The pod's own preStop hook, a command that takes 1s, runs first on the same clock.
        const podPreStop = () =>
          promisify(execFile)('sh', ['-c', 'sleep 1; echo "pod preStop" >> "$MARK"'], { env: { ...process.env, MARK: mark } }).then(() => undefined);
        const stop = await orchestratorStop(hv, 5000, { preStop: podPreStop, signal: hv.signalPid1 });
        expect(stop).toMatchObject({ killed: false, code: 137 });
        expect(readMarks(mark)).toEqual(['main started', 'pod preStop', 'postStop done']);
      } finally {
        cleanup();
      }
    },
    20_000,
  );

  it.skipIf(NO_UNSHARE)(
    'without a grace period the same stop outlives the orchestrator, and postStop never runs',
    async () => {
      const { dir, cleanup } = tempDir();
      try {
        const mark = `${dir}/marks`;
        const hv = startAsPid1(['--hooks', writeFile(dir, 'hooks.yaml', HOOKS), '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
        await hv.waitFor('READY');
        expect((await orchestratorStop(hv, 3000, { signal: hv.signalPid1 })).killed).toBe(true);
        expect(readMarks(mark)).toEqual(['main started']);
      } finally {
        cleanup();
      }
    },
    20_000,
  );

  it('says when postStop cannot fit: dry-run fails with the numbers, run warns at start', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'stop: { gracePeriod: 3s }\nhooks:\n  postStop:\n    - { run: ["true"], timeout: 2s, retries: 1, retryDelay: 1s }\n',
      );
      const dry = await runHookvisor(['dry-run', '--hooks', hooks]);
      expect(dry.code).toBe(2);
      expect(dry.stderr).toContain(
        `hookvisor: ${hooks}: stop budget: postStop needs up to 5.8s, plus 2s after SIGKILL and a 500ms margin: 8.3s, more than the 3s grace period.`,
      );
      expect(dry.stdout).toContain('ERROR: postStop needs up to 5.8s');
      const run = await runHookvisor(['--hooks', hooks, '--', 'true']);
      expect(run.code).toBe(0);
      expect(eventsNamed(run.events, 'budget.problem')).toEqual([
        expect.objectContaining({ level: 40, problem: expect.stringContaining('8.3s, more than the 3s grace period') }),
      ]);
    } finally {
      cleanup();
    }
  });
});
