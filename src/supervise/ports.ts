import type { TaskPorts } from '../hooks/run-task.js';
import type { SignalSource } from '../signals/source.js';
import type { StatePort } from '../state/ports.js';

/** All process-level effects the supervisor may use; the CLI passes the real ones, tests pass fakes. */
export interface SupervisorPorts extends TaskPorts {
  signals: SignalSource;
  /** With `state:` in the hooks file: the record of an owed postStop, for recovery after a hard kill. */
  state?: StatePort;
}
