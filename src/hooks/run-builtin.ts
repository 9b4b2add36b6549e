import type { BuiltinTask } from '../plan/types.js';
import type { AttemptResult, TaskPorts } from './attempt.js';
import { runHttp, runSleep, runWaitFor, type KindContext, type KindResult } from './kinds/index.js';


/** One attempt of a sleep, http or waitFor task, aborted at `limitMs`. */
export async function runBuiltin(task: BuiltinTask, limitMs: number, attempt: number, ports: TaskPorts): Promise<AttemptResult> {
  const { clock, logger } = ports;
  const controller = new AbortController();
  const timer = clock.delay(limitMs);
  let timedOut = false;
  void timer.promise.then(() => ((timedOut = true), controller.abort()));
  const ctx: KindContext = {
    signal: controller.signal,
    log: (line) => logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream: 'stdout', line }),
  };
  logger.log({ event: 'hook.start', phase: task.phase, task: task.name, attempt });
  let result: KindResult;
  try {
    result = task.kind === 'sleep' ? await runSleep(task.sleepMs, ctx) : task.kind === 'http' ? await runHttp(task.http, ctx) : await runWaitFor(task.waitFor, ctx);
  } catch (err) {
    result = { ok: false, error: (err as Error).message ?? String(err) };
  } finally {
    timer.cancel();
  }
  // A sleep cut short by its own timeout did what it was asked within the time it had.
  if (task.kind === 'sleep' && timedOut) return { ok: true, timedOut: false };
  return { ok: result.ok, timedOut, error: result.ok ? undefined : result.error };
}
