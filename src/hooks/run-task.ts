import { CUT_SLACK_MS, overrunMs } from '../limits/timing.js';
import { fillHttp } from '../plan/plan-http.js';
import { isCommandTask, type PlannedTask } from '../plan/types.js';
import { NEVER, waitUntil } from '../process/wait.js';
import type { AttemptResult, TaskPorts } from './attempt.js';
import { runBuiltin } from './run-builtin.js';
import { runCommand } from './run-command.js';

export type { TaskPorts } from './attempt.js';

export interface TaskResult extends AttemptResult {
  task: string;
  attempts: number;
  durationMs: number;
}

/**
 * Runs a task with its retries. A `deadline` (clock time, from the grace period) caps every attempt
 * and delay; a task that reaches it stops there as timed out.
 */
export async function runTask(
  task: PlannedTask,
  baseEnv: Record<string, string>,
  runtime: Record<string, string>,
  ports: TaskPorts,
  deadline?: number,
  cut?: AbortSignal,
): Promise<TaskResult> {
  const { clock, logger } = ports;
  const started = clock.now();
  const env = { ...baseEnv, ...task.env, ...runtime };
  // An attempt can run past its limit by the kill (budget.ts): at a deadline, that must fit before it too.
  const left = () => (deadline === undefined ? Number.POSITIVE_INFINITY : deadline - clock.now() - overrunMs(task.kind));
  // No attempt at all: the stop's deadline left none, which is a cut, not a timeout.
  let result: AttemptResult = { ok: false, timedOut: true, cut: true, error: 'no time left in the grace period' };
  let attempts = 0;
  let limit: number | undefined;
  while (attempts <= task.retries && left() > 0 && !cut?.aborted) {
    attempts++;
    limit = Math.min(task.timeoutMs, left());
    if (isCommandTask(task)) result = await runCommand(task, env, runtime, limit, attempts, ports, cut);
    else if (task.kind === 'http') result = await runBuiltin({ ...task, http: fillHttp(task.http, runtime) }, env, limit, attempts, ports, cut);
    else result = await runBuiltin(task, env, limit, attempts, ports, cut);
    // An attempt whose limit the deadline shortened and that ran to it was cut, not timed out (a sleep included).
    if (limit < task.timeoutMs - CUT_SLACK_MS && (result.timedOut || task.kind === 'sleep') && !result.cut)
      result = { ...result, ok: false, timedOut: true, cut: true };
    if (result.ok || attempts > task.retries || cut?.aborted) break;
    const delay = Math.min(task.retryDelayMs, left());
    logger.log({ event: 'hook.retry', phase: task.phase, task: task.name, attempt: attempts, delayMs: delay, error: describe(result) });
    if (delay > 0) await pause(delay, cut, ports);
    // A retry the cut or the deadline took away: the task ends cut, whatever the last attempt said.
    if (cut?.aborted || (attempts <= task.retries && left() <= 0)) result = { ...result, cut: true };
  }
  const done: TaskResult = { task: task.name, ...result, attempts, durationMs: Math.round(clock.now() - started) };
  // The limit the last attempt ran into, so a timeout says which (the task's, or what the grace period left).
  logger.log({ event: 'hook.end', phase: task.phase, ...done, ...(done.timedOut && !done.cut && limit !== undefined ? { limitMs: Math.round(limit) } : {}) });
  return done;
}

/** A retry delay that a cut ends early. */
async function pause(ms: number, cut: AbortSignal | undefined, ports: TaskPorts): Promise<void> {
  await waitUntil(ports.clock, ports.clock.now() + ms, cut ?? NEVER);
}

function describe(r: AttemptResult): string {
  if (r.cut) return 'cut by the stop deadline';
  if (r.timedOut) return 'timed out';
  if (r.error) return r.error;
  return r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
}
