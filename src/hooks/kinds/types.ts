export interface KindContext {
  /** Aborted at the task's timeout (or when hookvisor gives up); an executor must return promptly then. */
  signal: AbortSignal;
  /** One line of output for the logs (shown like a command task's stdout). */
  log(line: string): void;
  /** Runs a program through hookvisor's process table (so the PID 1 reaper never steals its exit). */
  run?(argv: readonly string[]): Promise<{ code: number | undefined; output: string }>;
  /** True when less than a retry's worth of the task's time is left. */
  deadlineNear?(): boolean;
}

/** Executors never throw: every failure, an abort included, is a result. */
export interface KindResult {
  ok: boolean;
  error?: string;
}
