import type { BuiltinTask } from '../plan/types.js';
import type { AttemptResult, TaskPorts } from './attempt.js';
import { runCryptClose, runDetachLoop, runHttp, runSleep, runUnmount, runWaitFor, type KindContext, type KindResult } from './kinds/index.js';


function dispatch(task: BuiltinTask, ctx: KindContext): Promise<KindResult> {
  switch (task.kind) {
    case 'sleep': return runSleep(task.sleepMs, ctx);
    case 'http': return runHttp(task.http, ctx);
    case 'waitFor': return runWaitFor(task.waitFor, ctx);
    case 'unmount': return runUnmount(task.unmount, ctx);
    case 'cryptClose': return runCryptClose(task.cryptClose, ctx);
    case 'detachLoop': return runDetachLoop(task.detachLoop, ctx);
  }
}

/** Runs a helper program (umount) to its end, its stdout and stderr gathered for the caller's message. */
async function runQuiet(argv: readonly string[], ports: TaskPorts): Promise<{ code: number | undefined; output: string }> {
  const child = ports.processes.spawnTask(argv, process.env as Record<string, string>);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const status = await child.exited;
  return { code: status.exitCode, output: output || (status.error ?? '') };
}

/** One attempt of a built-in task (sleep, http, waitFor, unmount), aborted at `limitMs`. */
export async function runBuiltin(task: BuiltinTask, limitMs: number, attempt: number, ports: TaskPorts): Promise<AttemptResult> {
  const { clock, logger } = ports;
  const controller = new AbortController();
  const timer = clock.delay(limitMs);
  let timedOut = false;
  void timer.promise.then(() => ((timedOut = true), controller.abort()));
  const endsAt = clock.now() + limitMs;
  const ctx: KindContext = {
    signal: controller.signal,
    log: (line) => logger.log({ event: 'hook.output', phase: task.phase, task: task.name, stream: 'stdout', line }),
    run: (argv) => runQuiet(argv, ports),
    deadlineNear: () => endsAt - clock.now() < 500,
  };
  logger.log({ event: 'hook.start', phase: task.phase, task: task.name, attempt });
  let result: KindResult;
  try {
    result = await dispatch(task, ctx);
  } catch (err) {
    result = { ok: false, error: (err as Error).message ?? String(err) };
  } finally {
    timer.cancel();
  }
  // A sleep cut short by its own timeout did what it was asked within the time it had.
  if (task.kind === 'sleep' && timedOut) return { ok: true, timedOut: false };
  return { ok: result.ok, timedOut, error: result.ok ? undefined : result.error };
}
