import { describe, expect, it } from 'vitest';
import { ATTEMPT_OVERRUN_MS, GRACE_MARGIN_MS } from '../../../src/limits/timing.js';
import { computeBudget, worstCaseMs } from '../../../src/plan/budget.js';
import type { PlannedTask, StopPlan } from '../../../src/plan/types.js';

const task = (timeoutMs: number, retries = 0, retryDelayMs = 1000, when: PlannedTask['when'] = 'always') =>
  ({ kind: 'sleep', sleepMs: timeoutMs, timeoutMs, retries, retryDelayMs, when }) as PlannedTask;
const stop = (timeoutMs: number, gracePeriodMs?: number): StopPlan => ({
  signals: ['SIGTERM'],
  timeoutMs,
  group: true,
  killWaitMs: 2000,
  gracePeriodMs,
  ladder: [],
});

describe('worstCaseMs', () => {
  it('counts every attempt and the delays between them', () => {
    expect(worstCaseMs(task(10_000))).toBe(10_000);
    expect(worstCaseMs(task(10_000, 2, 1500))).toBe(33_000);
  });

  it('adds what an attempt that runs a program can take past its timeout: SIGKILL, the wait for it, its last output', () => {
    for (const kind of ['run', 'shell', 'unmount', 'cryptClose', 'detachLoop'] as const)
      expect(worstCaseMs({ kind, timeoutMs: 2000, retries: 2, retryDelayMs: 500 }), kind).toBe(3 * (2000 + ATTEMPT_OVERRUN_MS) + 2 * 500);
    for (const kind of ['sleep', 'http', 'waitFor'] as const) expect(worstCaseMs({ kind, timeoutMs: 2000, retries: 0, retryDelayMs: 500 }), kind).toBe(2000);
    expect(ATTEMPT_OVERRUN_MS).toBe(400);
  });
});

describe('computeBudget', () => {
  it('without a grace period gives every part its configured time', () => {
    // when: exit and when: recovery tasks never run after a stop signal.
    const b = computeBudget([task(5000)], stop(10_000), [task(3000, 1, 500), task(60_000, 0, 0, 'exit'), task(60_000, 0, 0, 'recovery')]);
    expect(b).toEqual({
      preStopMs: 5000,
      waitMs: 10_000,
      killWaitMs: 2000,
      postStopMs: 6500,
      totalMs: 23_500,
      marginMs: 0,
      cuts: [],
      // With postStop tasks and no grace period, what the orchestrators' default clocks make of it.
      unknownGrace: [
        "under Docker's and podman's default of 10s: postStop starts only at +17s when main ignores the stop signal: SIGKILL at 10s comes first and the cleanup is lost",
        "under Kubernetes' default of 30s: postStop starts by +17s and its worst case ends by +23.5s: it fits",
      ],
    });
  });

  it('leaves everything alone when the worst case fits the grace period', () => {
    const b = computeBudget([task(5000)], stop(10_000, 30_000), [task(3000)]);
    expect(b.deadlines).toEqual({ preStopEndMs: 5000, killAtMs: 30_000 - GRACE_MARGIN_MS - 3000 - 2000, postStopAtMs: 30_000 - GRACE_MARGIN_MS - 3000 });
    expect(b.waitMs).toBe(10_000);
    expect(b.cuts).toEqual([]);
    expect(b.problem).toBeUndefined();
  });

  it.each([
    // grace, preStop, stop.timeout, postStop → preStop, wait, killAt
    [30_000, 5000, 30_000, 10_000, 5000, 12_500, 17_500],
    [30_000, 40_000, 10_000, 10_000, 17_500, 0, 17_500],
    [10_000, 0, 10_000, 4000, 0, 3500, 3500],
  ])('grace %d: preStop %d and timeout %d are cut to fit postStop %d', (grace, pre, timeout, post, preMs, waitMs, killAt) => {
    const b = computeBudget(pre ? [task(pre)] : [], stop(timeout, grace), [task(post)]);
    expect([b.preStopMs, b.waitMs, b.deadlines!.killAtMs]).toEqual([preMs, waitMs, killAt]);
    expect(b.totalMs + b.marginMs).toBeLessThanOrEqual(grace);
    expect(b.cuts.length).toBeGreaterThan(0);
  });

  it('reports, with the numbers, a postStop that cannot fit', () => {
    const b = computeBudget([], stop(10_000, 5000), [task(2000, 1, 1000)]);
    expect(b.problem).toBe(
      "postStop needs up to 5s, plus 2s after SIGKILL and a 500ms margin: 7.5s, more than the 5s grace period. Raise the grace period to at least 7.5s or shorten postStop's timeouts and retries.",
    );
  });
});
