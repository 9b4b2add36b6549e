import { expand } from '../config/expand.js';
import type { Logger } from '../log/logger.js';
import type { PlannedTask } from '../plan/types.js';
import type { Clock, ExitStatus, ProcessPort, TaskProcess } from '../process/ports.js';
import { readLines } from './output.js';

export interface TaskResult {
  task: string;
  ok: boolean;
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  error?: string;
  durationMs: number;
}

export interface TaskPorts {
  processes: ProcessPort;
  clock: Clock;
  logger: Logger;
}

/** After a task's exit, how long its output may keep arriving before the result is logged. */
const OUTPUT_DRAIN_MS = 200;
/** After SIGKILL at the timeout, how long to wait for the task to be reaped. */
const KILL_WAIT_MS = 2000;

/**
 * Runs one task to completion or to its timeout, when its whole process group is SIGKILLed.
 * `runtime` holds the HOOKVISOR_* variables; they fill the task's deferred `${...}` and its environment.
 */
export async function runTask(task: PlannedTask, baseEnv: Record<string, string>, runtime: Record<string, string>, ports: TaskPorts): Promise<TaskResult> {
  const { processes, clock, logger } = ports;
  const argv = task.kind === 'run' ? task.argv.map((a) => expand(a, (name) => runtime[name] ?? '')) : task.argv;
  const started = clock.now();
  let child: TaskProcess;
  try {
    child = processes.spawnTask(argv, { ...baseEnv, ...task.env, ...runtime }, task.cwd);
  } catch (err) {
    // A task that cannot even be set up is a failed task, not a reason to skip the rest of the phase.
    const result: TaskResult = { task: task.name, ok: false, timedOut: false, error: (err as Error).message ?? String(err), durationMs: 0 };
    logger.log({ event: 'hook.end', phase: task.phase, ...result });
    return result;
  }
  logger.log({ event: 'hook.start', phase: task.phase, task: task.name, pid: child.pid });
  const log = (stream: 'stdout' | 'stderr') => (line: string) => logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream, line });
  const outputDone = Promise.all([child.stdout && readLines(child.stdout, log('stdout')), child.stderr && readLines(child.stderr, log('stderr'))]);

  const timer = clock.delay(task.timeoutMs);
  let status = await Promise.race([child.exited, timer.promise.then(() => undefined)]);
  timer.cancel();
  const timedOut = status === undefined;
  if (status === undefined) {
    if (child.pid !== undefined) processes.kill(child.pid, 'SIGKILL', true);
    const wait = clock.delay(KILL_WAIT_MS);
    status = (await Promise.race([child.exited, wait.promise.then((): ExitStatus => ({}))])) ?? {};
    wait.cancel();
  }
  const drain = clock.delay(OUTPUT_DRAIN_MS);
  await Promise.race([outputDone, drain.promise]);
  drain.cancel();

  const error = 'error' in status ? (status.error as string | undefined) : undefined;
  const result: TaskResult = {
    task: task.name,
    ok: !timedOut && !error && status.exitCode === 0,
    exitCode: status.exitCode,
    signal: status.signal,
    timedOut,
    error,
    durationMs: Math.round(clock.now() - started),
  };
  logger.log({ event: 'hook.end', phase: task.phase, ...result });
  return result;
}
