export interface KindContext {
  /** Aborted at the task's timeout (or when hookvisor gives up); an executor must return promptly then. */
  signal: AbortSignal;
  /** One line of output for the logs (shown like a command task's stdout). */
  log(line: string): void;
}

/** Executors never throw: every failure, an abort included, is a result. */
export interface KindResult {
  ok: boolean;
  error?: string;
}
