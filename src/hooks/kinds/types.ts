export interface KindContext {
  /** Aborted at the task's timeout (or when hookvisor gives up); an executor must return promptly then. */
  signal: AbortSignal;
  /** One line of output for the logs (shown like a command task's stdout). */
  log(line: string): void;
  /**
   * Runs a program with the task's environment through hookvisor's process table (so the PID 1 reaper
   * never steals its exit); it is killed when `signal` (default: the task's) aborts, and its code is then undefined.
   */
  run?(argv: readonly string[], signal?: AbortSignal): Promise<{ code: number | undefined; output: string }>;
  /** A signal that aborts `ms` before the task's time is up (or with it): room kept for a last resort. */
  beforeEnd?(ms: number): AbortSignal;
}

/** Executors never throw: every failure, an abort included, is a result. */
export interface KindResult {
  ok: boolean;
  error?: string;
}
