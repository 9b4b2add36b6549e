// Defaults that keep the cleanup (issue 12, point 9): with postStop tasks and no grace period configured,
// a stop by an orchestrator on its default clock still gets its postStop.
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { orchestratorStop } from '../helpers/orchestrator.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(() => {
  killLeftovers();
  killPid1s();
});

const HOOKS = `hooks:
  postStop:
    - { name: release, shell: 'echo "postStop $HOOKVISOR_STOP_REASON" >> "$MARK"', timeout: 2s }
`;

describe('no grace period configured, postStop has tasks', () => {
  it.skipIf(NO_UNSHARE)(
    "a main that ignores SIGTERM, stopped on Docker's default 10s clock: postStop completes before the SIGKILL",
    () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
        const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-ignore-term.sh')], { env: { MARK: mark, HOOKVISOR_GRACE_PERIOD: undefined } });
        await hv.waitFor('READY');
        const stop = await orchestratorStop(hv, 10_000, { signal: hv.signalPid1 });
        expect(stop).toMatchObject({ killed: false, code: 137 });
        expect(readMarks(mark)).toEqual(['main started', 'postStop signal']);
        // Said at start, before main runs: what the defaults give, and how to do better.
        const events = hv.events();
        const warned = events.findIndex((e) => e.event === 'budget.unknown');
        expect(warned).toBeGreaterThanOrEqual(0);
        expect(warned).toBeLessThan(events.findIndex((e) => e.event === 'main.start'));
        expect(events[warned]).toMatchObject({
          level: 40,
          timeoutMs: 5000,
          outcomes: [expect.stringContaining("Docker's and podman's default of 10s"), expect.stringContaining("Kubernetes' default of 30s")],
        });
      }),
    30_000,
  );

  it("dry-run says what happens under Docker's 10s and Kubernetes' 30s, and that the wait for main defaults to 5s", () =>
    withDir(async ({ dir }) => {
      const dry = await runHookvisor(['dry-run', '--hooks', writeFile(dir, 'hooks.yaml', HOOKS)], { env: { HOOKVISOR_GRACE_PERIOD: undefined } });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(
        'wait up to 5s for main and everything it started to exit (the default while no grace period is known and postStop has tasks; otherwise 10s)',
      );
      expect(dry.stdout).toContain(
        "WARNING: no grace period is known (stop.gracePeriod, --grace-period, HOOKVISOR_GRACE_PERIOD), so postStop's time is not reserved:",
      );
      expect(dry.stdout).toContain("under Docker's and podman's default of 10s: postStop starts by +7s and its worst case ends by +9.4s: it fits");
      expect(dry.stdout).toContain("under Kubernetes' default of 30s: postStop starts by +7s and its worst case ends by +9.4s: it fits");
    }));

  it('an explicit stop.timeout is kept, and dry-run says plainly when it loses the cleanup under a default', () =>
    withDir(async ({ dir }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 10s }\n${HOOKS}`);
      const dry = await runHookvisor(['dry-run', '--hooks', hooks], { env: { HOOKVISOR_GRACE_PERIOD: undefined } });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('wait up to 10s for main and everything it started to exit\n');
      expect(dry.stdout).toContain(
        "under Docker's and podman's default of 10s: postStop starts only at +12s when main ignores the stop signal: SIGKILL at 10s comes first and the cleanup is lost",
      );
      expect(dry.stdout).toContain("under Kubernetes' default of 30s: postStop starts by +12s and its worst case ends by +14.4s: it fits");
    }));

  it('with a grace period, or with no postStop task, nothing is assumed: stop.timeout stays 10s and nothing is warned', () =>
    withDir(async ({ dir }) => {
      const withGrace = await runHookvisor(['dry-run', '--grace-period', '30', '--hooks', writeFile(dir, 'hooks.yaml', HOOKS)]);
      expect(withGrace.stdout).toContain('wait up to 10s for main');
      expect(withGrace.stdout).not.toContain('no grace period is known');
      const noPostStop = await runHookvisor(['--hooks', writeFile(dir, 'plain.yaml', 'hooks: {}\n'), '--', 'true'], {
        env: { HOOKVISOR_GRACE_PERIOD: undefined },
      });
      expect(noPostStop.code).toBe(0);
      expect(eventsNamed(noPostStop.events, 'budget.unknown')).toEqual([]);
    }));
});
