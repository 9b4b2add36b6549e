import type { TaskPorts } from '../hooks/run-task.js';
import type { SignalSource } from '../signals/source.js';

/** All process-level effects the supervisor may use; the CLI passes the real ones, tests pass fakes. */
export interface SupervisorPorts extends TaskPorts {
  signals: SignalSource;
}
