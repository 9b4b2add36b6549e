import type { Logger } from '../log/logger.js';
import type { Clock, ProcessPort } from '../process/ports.js';

export interface AttemptResult {
  ok: boolean;
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  error?: string;
}

export interface TaskPorts {
  processes: ProcessPort;
  clock: Clock;
  logger: Logger;
}
