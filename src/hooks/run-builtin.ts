import type { BuiltinTask } from '../plan/types.js';
import type { Timer } from '../process/ports.js';
import { type AttemptResult, type TaskPorts, whenAborted } from './attempt.js';
import { type KindContext, type KindResult, runCryptClose, runDetachLoop, runHttp, runSleep, runUnmount, runWaitFor } from './kinds/index.js';
import { runHelper } from './run-helper.js';

function dispatch(task: BuiltinTask, ctx: KindContext): Promise<KindResult> {
  switch (task.kind) {
    case 'sleep':
      return runSleep(task.sleepMs, ctx);
    case 'http':
      return runHttp(task.http, ctx);
    case 'waitFor':
      return runWaitFor(task.waitFor, ctx);
    case 'unmount':
      return runUnmount(task.unmount, ctx);
    case 'cryptClose':
      return runCryptClose(task.cryptClose, ctx);
    case 'detachLoop':
      return runDetachLoop(task.detachLoop, ctx);
  }
}

/** One attempt of a built-in task, aborted at `limitMs`; its helper programs get the task's environment. */
export async function runBuiltin(
  task: BuiltinTask,
  env: Record<string, string>,
  limitMs: number,
  attempt: number,
  ports: TaskPorts,
  cut?: AbortSignal,
): Promise<AttemptResult> {
  const { clock, logger } = ports;
  const controller = new AbortController();
  const timer = clock.delay(limitMs);
  let timedOut = false;
  const end = () => {
    timedOut = true;
    controller.abort();
  };
  void timer.promise.then(end);
  const cutOff = whenAborted(cut);
  void cutOff.promise.then(end);
  const early: Timer[] = [];
  const ctx: KindContext = {
    signal: controller.signal,
    log: (line) => logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream: 'stdout', line }),
    run: (argv, signal = controller.signal) => runHelper(argv, env, signal, ports),
    beforeEnd: (ms) => {
      const before = new AbortController();
      const t = clock.delay(Math.max(0, limitMs - ms));
      early.push(t);
      void t.promise.then(() => before.abort());
      return AbortSignal.any([controller.signal, before.signal]);
    },
  };
  logger.log({ event: 'hook.start', phase: task.phase, task: task.name, attempt });
  let result: KindResult;
  try {
    result = await dispatch(task, ctx);
  } catch (err) {
    result = { ok: false, error: (err as Error).message ?? String(err) };
  } finally {
    timer.cancel();
    cutOff.dispose();
    for (const t of early) t.cancel();
  }
  // A sleep cut short by its own timeout did what it was asked within the time it had.
  if (task.kind === 'sleep' && timedOut) return cut?.aborted ? { ok: false, timedOut: true, cut: true } : { ok: true, timedOut: false };
  return { ok: result.ok, timedOut, ...(timedOut && cut?.aborted ? { cut: true } : {}), error: result.ok ? undefined : result.error };
}
