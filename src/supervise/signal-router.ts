import type { StopPlan } from '../plan/types.js';
import type { RunningMain } from '../process/ports.js';
import { endsByDefault, type SignalName } from '../signals/names.js';
import type { Lifecycle } from './lifecycle.js';
import type { SupervisorPorts } from './ports.js';
import type { Sender } from './send.js';

export interface SignalRouter {
  /** Where other signals go; undefined while there is no main. */
  forwardTo(main: Pick<RunningMain, 'pid' | 'reaped'> | undefined): void;
  /** Sends a signal to main as forwarding does (logged; ignored when there is no main, or it has been reaped). */
  forward(signal: SignalName): void;
  /** While main runs, gives other signals first to `handler`; a signal it returns true for is not forwarded here. */
  intercept(handler: (signal: SignalName) => boolean): void;
  dispose(): void;
}

/**
 * The single place that decides what each received signal does: stop signals go to the lifecycle, others to main.
 * `onSignals` are those with `on:` tasks: meant for main, so never warned about.
 */
export function routeSignals(
  stop: StopPlan,
  life: Lifecycle,
  ports: Pick<SupervisorPorts, 'signals' | 'logger'>,
  send: Sender,
  onSignals: readonly SignalName[] = [],
): SignalRouter {
  const { logger } = ports;
  let target: Pick<RunningMain, 'pid' | 'reaped'> | undefined;
  let interceptor: ((signal: SignalName) => boolean) | undefined;
  const warned = new Set<SignalName>();

  const unsubscribe = ports.signals.subscribe((signal, ageMs) => {
    logger.log({ event: 'signal.received', signal });
    if (stop.signals.includes(signal)) return life.onStopSignal(signal, ageMs);
    warnIfStopLike(signal);
    // Outside the running phase no new tasks start: an on: signal is forwarded like any other.
    if (life.phase !== 'running' || !interceptor?.(signal)) forward(signal);
  });

  // A runtime's STOPSIGNAL inherited from a base image (nginx's SIGQUIT) would otherwise end main with no drain.
  function warnIfStopLike(signal: SignalName): void {
    if (warned.has(signal) || !endsByDefault(signal) || onSignals.includes(signal)) return;
    warned.add(signal);
    logger.log({ event: 'signal.not-stop', signal, stopSignals: [...stop.signals] });
  }

  function forward(signal: SignalName): void {
    // A reaped main's pid may already be another process's: never signal it.
    if (target === undefined || target.reaped()) {
      logger.log({ event: 'signal.ignored', signal, why: target === undefined ? 'main is not running' : 'main is gone' });
      return;
    }
    const r = send.kill(target.pid, signal, stop.group);
    if (r === 'sent') logger.log({ event: 'signal.forward', signal, pid: target.pid, group: stop.group });
    else if (r === 'gone') logger.log({ event: 'signal.ignored', signal, why: 'main is gone' });
  }

  return {
    forwardTo: (main) => void (target = main),
    forward,
    intercept: (handler) => void (interceptor = handler),
    dispose: unsubscribe,
  };
}
