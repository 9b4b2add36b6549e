import type { Logger } from '../log/logger.js';
import type { ProcessPort, Sent } from '../process/ports.js';
import type { SignalName } from '../signals/names.js';

/** Process control for the stop: what a signal did comes back as a value; a refused one is logged once per target. */
export interface Sender {
  kill(pid: number, signal: SignalName, group: boolean): Sent;
  everything(signal: SignalName): Sent;
}

export function sender(processes: ProcessPort, logger: Logger): Sender {
  const denied = new Set<string>();
  const noteDenied = (target: string, signal: SignalName, r: Sent): Sent => {
    if (r === 'denied' && !denied.has(target)) {
      denied.add(target);
      logger.log({ event: 'signal.denied', signal, target });
    }
    return r;
  };
  return {
    kill: (pid, signal, group) => noteDenied(group ? `group ${pid}` : `pid ${pid}`, signal, processes.kill(pid, signal, group)),
    everything: (signal) => noteDenied('everything', signal, processes.signalEverything(signal)),
  };
}
