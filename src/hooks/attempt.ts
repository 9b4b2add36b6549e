import type { Logger } from '../log/logger.js';
import type { Redact } from '../plan/secrets.js';
import type { Clock, ProcessPort } from '../process/ports.js';

export interface AttemptResult {
  ok: boolean;
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  /** Ended by the stop's deadline (its SIGKILL time, or the grace period's end), not by its own timeout. */
  cut?: boolean;
  error?: string;
}

export interface TaskPorts {
  processes: ProcessPort;
  clock: Clock;
  logger: Logger;
  /** The plan's redactor: a task's output is masked before a long line is cut, so no part of a secret is logged (the logger masks the rest). Default none. */
  redact?: Redact;
}

/** Resolves when `signal` aborts (never without one); `dispose` removes the listener. */
export function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; dispose(): void } {
  if (!signal) return { promise: new Promise(() => {}), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
