import { TASK_KILL_WAIT_MS } from '../limits/timing.js';
import type { Timer } from '../process/ports.js';
import type { TaskPorts } from './attempt.js';

export interface HelperResult {
  /** Undefined when it was killed at the task's timeout or could not run. */
  code: number | undefined;
  output: string;
}

/**
 * Runs a built-in task's helper program (umount, cryptsetup, losetup) with the task's environment, through
 * hookvisor's process table, its stdout and stderr gathered. When `signal` aborts (the task's time is up)
 * its process group is SIGKILLed: a umount hung on a dead NFS server must not hold the stop.
 */
export async function runHelper(argv: readonly string[], env: Record<string, string>, signal: AbortSignal, ports: TaskPorts): Promise<HelperResult> {
  await ports.processes.tasksReady?.();
  if (signal.aborted) return { code: undefined, output: `${argv[0]}: no time left` };
  const child = ports.processes.spawnTask(argv, env);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let killed: Timer | undefined;
  let onAbort = () => {};
  const givenUp = new Promise<undefined>((resolve) => {
    onAbort = () => {
      if (child.pid !== undefined) ports.processes.kill(child.pid, 'SIGKILL', true);
      killed = ports.clock.delay(TASK_KILL_WAIT_MS);
      void killed.promise.then(() => resolve(undefined));
    };
  });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const status = await Promise.race([child.exited, givenUp]);
    if (killed) return { code: undefined, output: `${argv.join(' ')}: killed at the timeout` };
    return { code: status!.exitCode, output: output || (status!.error ?? '') };
  } finally {
    killed?.cancel();
    signal.removeEventListener('abort', onAbort);
  }
}
