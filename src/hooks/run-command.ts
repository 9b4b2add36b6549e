import { expand } from '../config/expand.js';
import { OUTPUT_DRAIN_MS, TASK_KILL_WAIT_MS } from '../limits/timing.js';
import type { CommandTask } from '../plan/types.js';
import type { ExitStatus, TaskProcess } from '../process/ports.js';
import { type AttemptResult, type TaskPorts, whenAborted } from './attempt.js';
import { readLines } from './output.js';

/** Lines of one attempt's output that are logged; past this they are counted, so a chatty task cannot flood the logs. */
export const MAX_LOGGED_LINES = 10_000;

/**
 * One attempt of a run or shell task, to its exit or to `limitMs`, when its whole process group is SIGKILLed.
 * `runtime` holds the HOOKVISOR_* variables; they fill the task's deferred `${...}` and its environment.
 */
export async function runCommand(
  task: CommandTask,
  env: Record<string, string>,
  runtime: Record<string, string>,
  limitMs: number,
  attempt: number,
  ports: TaskPorts,
  cut?: AbortSignal,
): Promise<AttemptResult> {
  const { processes, clock, logger } = ports;
  const argv = task.kind === 'run' ? task.argv.map((a) => expand(a, (name) => runtime[name] ?? '')) : task.argv;
  let child: TaskProcess;
  try {
    await processes.tasksReady?.();
    child = processes.spawnTask(argv, env, task.cwd, task.user);
  } catch (err) {
    // A task that cannot even be set up is a failed task, not a reason to skip the rest of the phase.
    return { ok: false, timedOut: false, error: (err as Error).message ?? String(err) };
  }
  logger.log({ event: 'hook.start', phase: task.phase, task: task.name, pid: child.pid, attempt });
  let lines = 0;
  const log = (stream: 'stdout' | 'stderr') => (line: string) => {
    if (++lines <= MAX_LOGGED_LINES) logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream, line });
  };
  const outputDone = Promise.all([
    child.stdout && readLines(child.stdout, log('stdout'), ports.redact),
    child.stderr && readLines(child.stderr, log('stderr'), ports.redact),
  ]);

  // The limit, or a cut (the stop's SIGKILL time reached a task beside main), ends the attempt the same way.
  const timer = clock.delay(limitMs);
  const cutOff = whenAborted(cut);
  let status = await Promise.race([child.exited, timer.promise.then(() => undefined), cutOff.promise.then(() => undefined)]);
  timer.cancel();
  cutOff.dispose();
  const timedOut = status === undefined;
  const wasCut = timedOut && cut?.aborted === true;
  if (status === undefined) {
    // A refused kill (a setuid program in the task) is said once; the task ends as timed out or cut either way.
    if (child.pid !== undefined && processes.kill(child.pid, 'SIGKILL', true) === 'denied')
      logger.log({ event: 'signal.denied', signal: 'SIGKILL', target: `group ${child.pid}` });
    const wait = clock.delay(TASK_KILL_WAIT_MS);
    status = (await Promise.race([child.exited, wait.promise.then((): ExitStatus => ({}))])) ?? {};
    wait.cancel();
  }
  const drain = clock.delay(OUTPUT_DRAIN_MS);
  await Promise.race([outputDone, drain.promise]);
  drain.cancel();
  if (lines > MAX_LOGGED_LINES)
    logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream: 'stdout', line: `[${lines - MAX_LOGGED_LINES} more lines not logged]` });

  const error = 'error' in status ? (status.error as string | undefined) : undefined;
  return {
    ok: !timedOut && !error && status.exitCode === 0,
    exitCode: status.exitCode,
    signal: status.signal,
    timedOut,
    ...(wasCut ? { cut: true } : {}),
    error,
  };
}
