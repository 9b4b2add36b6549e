import type { Hv } from './hookvisor.js';

export interface StopOutcome {
  /** The orchestrator had to SIGKILL hookvisor: its grace period ran out. */
  killed: boolean;
  code: number | null;
  /** From the start of the stop (the preStop hook, or SIGTERM) to hookvisor's exit or kill. */
  elapsedMs: number;
}

/**
 * Plays kubelet or `docker stop`: runs the pod's own preStop hook if given, sends SIGTERM, and SIGKILLs
 * hookvisor when the grace period, counted from the start of preStop, runs out.
 */
export async function orchestratorStop(
  hv: Hv,
  gracePeriodMs: number,
  opts: { preStop?: () => Promise<void>; signal?: (sig: NodeJS.Signals) => void } = {},
): Promise<StopOutcome> {
  const send = opts.signal ?? ((sig: NodeJS.Signals) => hv.signal(sig));
  const start = performance.now();
  await opts.preStop?.();
  send('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>(
    (resolve) => (timer = setTimeout(() => resolve('deadline'), Math.max(0, gracePeriodMs - (performance.now() - start)))),
  );
  const first = await Promise.race([hv.exited, deadline]);
  clearTimeout(timer);
  if (first === 'deadline') {
    send('SIGKILL');
    const exit = await hv.exited;
    return { killed: true, code: exit.code, elapsedMs: performance.now() - start };
  }
  return { killed: false, code: first.code, elapsedMs: performance.now() - start };
}
