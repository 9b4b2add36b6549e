import type { Plan } from '../plan/types.js';
import type { Timer } from '../process/ports.js';
import type { SupervisorPorts } from './ports.js';
import type { SignalRouter } from './signal-router.js';

/** From a stop signal to main's SIGKILL at the latest: the grace period's deadline, or stop.timeout. */
const killAfterStopMs = (plan: Plan) => plan.budget.deadlines?.killAtMs ?? plan.stop.timeoutMs;

/**
 * For preStart: a task still running when a stop came may go on until the stop's SIGKILL time, then it
 * is cut, so postStop starts in time. `dispose` once the phase is over.
 */
export function cutAfterStop(plan: Plan, router: SignalRouter, ports: SupervisorPorts): { signal: AbortSignal; dispose(): void } {
  const cut = new AbortController();
  let timer: Timer | undefined;
  let over = false;
  void router.stopSignal.then(() => {
    if (over) return;
    timer = ports.clock.delay(killAfterStopMs(plan));
    void timer.promise.then(() => cut.abort());
  });
  return { signal: cut.signal, dispose: () => void ((over = true), timer?.cancel()) };
}

/**
 * For the tasks beside main (postStart, on:): once main is stopped they may finish until the stop's
 * SIGKILL time (`killAt`, clock time); what still runs then is cut, so postStop starts in time.
 */
export async function settleBeside(running: Promise<unknown>, killAt: number, cut: AbortController, ports: SupervisorPorts): Promise<void> {
  const timer = ports.clock.delay(Math.max(0, killAt - ports.clock.now()));
  const finished = await Promise.race([running.then(() => true), timer.promise.then(() => false)]);
  timer.cancel();
  if (finished) return;
  cut.abort();
  await running;
}
