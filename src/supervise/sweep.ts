import { TASK_KILL_WAIT_MS } from '../limits/timing.js';
import { NEVER } from '../process/wait.js';
import type { SignalName } from '../signals/names.js';
import type { StopDeadline } from './deadline.js';
import type { SupervisorPorts } from './ports.js';
import type { Sender } from './send.js';
import { pollUntil, reportStragglers } from './terminate.js';

/**
 * The last step before postStop, on every path: nothing hookvisor started may still run. What the stop
 * of main did not reach (a preStart task's daemon, main never started, a process that forked its way
 * past the census) gets `signal`, then SIGKILL at the deadline. Returns whether everything is gone.
 */
export async function clearEverything(signal: SignalName, deadline: StopDeadline, ports: SupervisorPorts, send: Sender): Promise<boolean> {
  const { processes, logger, clock } = ports;
  const first = processes.everything();
  if (!first.any) return true;
  reportStragglers(first.named, ports);
  const gone = () => !processes.everything().any;
  if (!deadline.cut.aborted) {
    logger.log({ event: 'stop.sweep', signal, count: first.named.length });
    send.everything(signal);
    // A stopped process (SIGSTOP, SIGTSTP) acts on nothing until it is continued.
    send.everything('SIGCONT');
    if ((await pollUntil(gone, undefined, deadline.cut, ports)) === 'gone') return true;
  }
  logger.log({ event: 'stop.sweep', signal: 'SIGKILL', count: processes.everything().named.length });
  send.everything('SIGKILL');
  const killedAt = clock.now();
  // Again at each look: a child forked while the kernel was delivering the first one is killed too.
  const killedAll = () => {
    if (gone()) return true;
    send.everything('SIGKILL');
    return false;
  };
  // The kill wait ends where the deadline says postStop starts; a SIGKILL that came later still gets a moment to land.
  const until = Math.max(deadline.postStopAt ?? 0, killedAt + TASK_KILL_WAIT_MS);
  if ((await pollUntil(killedAll, until, NEVER, ports)) === 'gone') return true;
  logger.log({ event: 'stop.stuck', waitedMs: Math.round(clock.now() - killedAt) });
  return false;
}
