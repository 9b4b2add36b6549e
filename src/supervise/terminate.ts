import type { SignalName } from '../signals/names.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';

export interface EscalationStep {
  signal: SignalName;
  /** When to send it, from the start of the escalation. */
  atMs: number;
  /** To main's whole process group, or to main alone. */
  group: boolean;
}

/** First group poll after main's exit; doubles up to POLL_MAX_MS while stragglers remain. */
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 200;

/**
 * Sends each step's signal at its time unless main and its whole process group are already gone,
 * then waits up to `finalWaitMs` more. Returns whether everything is gone. Timers are cancelled on the way.
 */
export async function escalate(main: WatchedMain, steps: readonly EscalationStep[], finalWaitMs: number, ports: SupervisorPorts): Promise<boolean> {
  const start = ports.clock.now();
  let reported = false;
  for (const step of steps) {
    if (await waitGone(main, start + step.atMs, ports)) return true;
    if (!reported && main.status()) reported = reportStragglers(main.pid, ports);
    // Once main is gone only its group is left to signal.
    const toGroup = step.group || main.status() !== undefined;
    if (ports.processes.kill(main.pid, step.signal, toGroup) === 'gone') continue;
    ports.logger.log(step.atMs > 0 ? { event: 'stop.escalate', signal: step.signal, afterMs: step.atMs, pid: main.pid } : { event: 'signal.forward', signal: step.signal, pid: main.pid, group: toGroup });
  }
  const last = steps.at(-1)?.atMs ?? 0;
  if (await waitGone(main, start + last + finalWaitMs, ports)) return true;
  ports.logger.log({ event: 'stop.stuck', waitedMs: finalWaitMs });
  return false;
}

function reportStragglers(pgid: number, ports: SupervisorPorts): boolean {
  for (const p of ports.processes.groupMembers(pgid)) ports.logger.log({ event: 'stop.straggler', pid: p.pid, command: p.command });
  return true;
}

/** Resolves true as soon as main has exited and its group is empty, false at `deadline`. */
export async function waitGone(main: WatchedMain, deadline: number, ports: SupervisorPorts): Promise<boolean> {
  const { clock, processes } = ports;
  if (!main.status()) {
    const timer = clock.delay(Math.max(0, deadline - clock.now()));
    await Promise.race([main.exited, timer.promise]);
    timer.cancel();
    if (!main.status()) return false;
  }
  for (let poll = POLL_MIN_MS; ; poll = Math.min(poll * 2, POLL_MAX_MS)) {
    if (processes.groupMembers(main.pid).length === 0) return true;
    const left = deadline - clock.now();
    if (left <= 0) return false;
    const timer = clock.delay(Math.min(poll, left));
    await timer.promise;
  }
}
