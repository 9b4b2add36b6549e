import type { PlannedTask } from '../plan/types.js';
import { runTask, type TaskPorts, type TaskResult } from './run-task.js';

export interface PhaseResult {
  results: TaskResult[];
  failed: number;
  /** A task with onFailure: abort failed, or the phase was cancelled; the rest did not run. */
  aborted: boolean;
}

export interface PhaseOptions {
  baseEnv: Record<string, string>;
  runtime: Record<string, string>;
  /** Aborted: the tasks not yet started are skipped (a stop signal during preStart, say). */
  skip?: AbortSignal;
  /** Clock time by which every task must end (the grace period's budget). */
  deadline?: number;
  /** Aborted when the running task must end now and the rest be skipped (a stop reached its SIGKILL time). */
  cut?: AbortSignal;
}

/** Runs a phase's tasks in order, honouring each task's onFailure. */
export async function runPhase(tasks: readonly PlannedTask[], ports: TaskPorts, opts: PhaseOptions): Promise<PhaseResult> {
  const results: TaskResult[] = [];
  const phase = tasks[0]?.phase;
  if (phase === undefined) return { results, failed: 0, aborted: false };
  ports.logger.log({ event: 'phase.start', phase, tasks: tasks.length });
  let aborted = false;
  for (const task of tasks) {
    const stopping = opts.skip?.aborted || opts.cut?.aborted;
    if (aborted || stopping) {
      aborted = true;
      ports.logger.log({ event: 'hook.skip', phase, task: task.name, why: stopping ? 'stopping' : 'an earlier task failed with onFailure: abort' });
      continue;
    }
    const result = await runTask(task, opts.baseEnv, opts.runtime, ports, opts.deadline, opts.cut);
    results.push(result);
    if (!result.ok && task.onFailure === 'abort') aborted = true;
  }
  const failed = results.filter((r) => !r.ok).length;
  ports.logger.log({ event: 'phase.end', phase, failed, aborted });
  return { results, failed, aborted };
}
