import type { Budget, PlannedTask, StopPlan } from './types.js';

const sum = (tasks: readonly PlannedTask[]) => tasks.reduce((t, task) => t + task.timeoutMs, 0);

/** Worst case of a stop after a signal: every preStop and applicable postStop task runs to its timeout. */
export function computeBudget(preStop: readonly PlannedTask[], stop: StopPlan, postStop: readonly PlannedTask[]): Budget {
  const preStopMs = sum(preStop);
  const terminateMs = stop.timeoutMs + stop.killWaitMs;
  const postStopMs = sum(postStop.filter((t) => t.when !== 'exit'));
  return { preStopMs, terminateMs, postStopMs, totalMs: preStopMs + terminateMs + postStopMs };
}
