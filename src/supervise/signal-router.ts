import type { StopPlan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import type { SupervisorPorts } from './ports.js';

export interface SignalRouter {
  /** Resolves with the first stop signal. */
  readonly stopSignal: Promise<SignalName>;
  /** True once a stop signal arrived. */
  stopRequested(): boolean;
  /** From now on stop signals are logged and ignored, and `on:` signals are forwarded without their tasks (a stop, or main's own exit, is being handled). */
  markStopping(): void;
  /** True once markStopping was called. */
  stopping(): boolean;
  /** Where other signals go; undefined while there is no main. */
  forwardTo(pid: number | undefined): void;
  /** Sends a signal to main as forwarding does (logged; ignored when there is no main). */
  forward(signal: SignalName): void;
  /** Gives other signals first to `handler`; a signal it returns true for is not forwarded here. */
  intercept(handler: (signal: SignalName) => boolean): void;
  dispose(): void;
}

/** The single place that decides what each received signal does. */
export function routeSignals(stop: StopPlan, ports: Pick<SupervisorPorts, 'signals' | 'processes' | 'logger'>): SignalRouter {
  const { logger, processes } = ports;
  let target: number | undefined;
  let interceptor: ((signal: SignalName) => boolean) | undefined;
  let requested = false;
  let stopping = false;
  let resolveStop!: (s: SignalName) => void;
  const stopSignal = new Promise<SignalName>((resolve) => (resolveStop = resolve));

  const unsubscribe = ports.signals.subscribe((signal) => {
    logger.log({ event: 'signal.received', signal });
    if (stop.signals.includes(signal)) {
      if (stopping) return logger.log({ event: 'signal.ignored', signal, why: 'a stop is already under way' });
      requested = stopping = true;
      return resolveStop(signal);
    }
    // During a stop no new tasks start: an on: signal is forwarded like any other.
    if (stopping || !interceptor?.(signal)) forward(signal);
  });

  function forward(signal: SignalName): void {
    if (target === undefined) return logger.log({ event: 'signal.ignored', signal, why: 'main is not running' });
    if (processes.kill(target, signal, stop.group) === 'sent') logger.log({ event: 'signal.forward', signal, pid: target, group: stop.group });
    else logger.log({ event: 'signal.ignored', signal, why: 'main is gone' });
  }

  return {
    stopSignal,
    stopRequested: () => requested,
    markStopping: () => void (stopping = true),
    stopping: () => stopping,
    forwardTo: (pid) => void (target = pid),
    forward,
    intercept: (handler) => void (interceptor = handler),
    dispose: unsubscribe,
  };
}
