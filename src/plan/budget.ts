import { formatDuration as d } from '../config/duration.js';
import { GRACE_MARGIN_MS, overrunMs } from '../limits/timing.js';
import type { Budget, PlannedTask, StopPlan } from './types.js';
import { underDefaults } from './unknown-grace.js';

/** A task's worst case: every attempt to its timeout and past it by the kill, and the delays between them. */
export function worstCaseMs(t: Pick<PlannedTask, 'kind' | 'timeoutMs' | 'retries' | 'retryDelayMs'>): number {
  const attempt = t.timeoutMs + overrunMs(t.kind);
  return attempt * (t.retries + 1) + t.retryDelayMs * t.retries;
}

const sum = (tasks: readonly PlannedTask[]) => tasks.reduce((total, t) => total + worstCaseMs(t), 0);

/** The postStop tasks that can run after a stop signal (when: exit and when: recovery ones cannot). */
export const afterSignal = (postStop: readonly PlannedTask[]) => postStop.filter((t) => t.when !== 'exit' && t.when !== 'recovery');

/**
 * Plans a stop after a signal. Without a grace period every part gets its configured time. With one,
 * postStop's worst case is reserved in full before the deadline, and preStop and the wait for main are
 * cut so SIGKILL, and then postStop, always come in time.
 */
export function computeBudget(preStop: readonly PlannedTask[], stop: StopPlan, postStop: readonly PlannedTask[]): Budget {
  const preStopWorst = sum(preStop);
  const postStopMs = sum(afterSignal(postStop));
  const killWaitMs = stop.killWaitMs;
  const G = stop.gracePeriodMs;
  if (G === undefined) {
    const totalMs = preStopWorst + stop.timeoutMs + killWaitMs + postStopMs;
    const budget: Budget = { preStopMs: preStopWorst, waitMs: stop.timeoutMs, killWaitMs, postStopMs, totalMs, marginMs: 0, cuts: [] };
    if (afterSignal(postStop).length > 0) budget.unknownGrace = underDefaults(budget);
    return budget;
  }
  const postStopAtMs = G - GRACE_MARGIN_MS - postStopMs;
  const killAtMs = Math.max(0, postStopAtMs - killWaitMs);
  const preStopMs = Math.min(preStopWorst, killAtMs);
  const waitMs = Math.min(stop.timeoutMs, killAtMs - preStopMs);
  const cuts: string[] = [];
  if (preStopMs < preStopWorst) cuts.push(`preStop cut from ${d(preStopWorst)} to ${d(preStopMs)}`);
  if (waitMs < stop.timeoutMs) cuts.push(`wait for main cut from ${d(stop.timeoutMs)} to ${d(waitMs)}`);
  const budget: Budget = {
    preStopMs,
    waitMs,
    killWaitMs,
    postStopMs,
    totalMs: preStopMs + waitMs + killWaitMs + postStopMs,
    gracePeriodMs: G,
    marginMs: GRACE_MARGIN_MS,
    deadlines: { preStopEndMs: preStopMs, killAtMs, postStopAtMs: Math.max(0, postStopAtMs) },
    cuts,
  };
  if (postStopAtMs < killWaitMs) {
    const need = postStopMs + killWaitMs + GRACE_MARGIN_MS;
    budget.problem = `postStop needs up to ${d(postStopMs)}, plus ${d(killWaitMs)} after SIGKILL and a ${d(GRACE_MARGIN_MS)} margin: ${d(need)}, more than the ${d(G)} grace period. Raise the grace period to at least ${d(need)} or shorten postStop's timeouts and retries.`;
  }
  return budget;
}
