import type { ProcessInfo } from '../process/ports.js';
import type { SignalName } from '../signals/names.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';

export interface EscalationStep {
  signal: SignalName;
  /** When to send it, from the start of the escalation. */
  atMs: number;
  /** While main runs: to its whole process group, or to main alone. */
  group: boolean;
}

/** First leftover poll after main's exit; doubles up to POLL_MAX_MS while processes remain. */
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 200;

/**
 * Sends each step's signal at its time until main and everything it left are gone, then waits up to
 * `finalWaitMs` more. When main exits mid-way, the last signal also goes to what it left outside its
 * group (re-parented orphans), and later steps go to all of them. Returns whether everything is gone.
 */
export async function escalate(main: WatchedMain, steps: readonly EscalationStep[], finalWaitMs: number, ports: SupervisorPorts): Promise<boolean> {
  const start = ports.clock.now();
  let last: EscalationStep | undefined;
  const report = once(() => reportStragglers(ports.processes.leftovers(main.pid), ports));
  const onMainExit = () => last && deliver(main, last, ports, last.group, report);
  for (const [i, step] of steps.entries()) {
    if (await waitGone(main, start + step.atMs, ports, onMainExit)) return true;
    // The first step is the forward itself; every later one is an escalation.
    if (i > 0) ports.logger.log({ event: 'stop.escalate', signal: step.signal, afterMs: step.atMs, pid: main.pid });
    deliver(main, step, ports, false, report, i === 0);
    last = step;
  }
  if (await waitGone(main, start + (last?.atMs ?? 0) + finalWaitMs, ports, onMainExit)) return true;
  ports.logger.log({ event: 'stop.stuck', waitedMs: finalWaitMs });
  return false;
}

/** Signals main as the step says, or, once main is gone, its group and each leftover outside it. */
function deliver(main: WatchedMain, step: EscalationStep, ports: SupervisorPorts, groupAlreadyHasIt: boolean, report: () => void, isForward = false): void {
  const { processes, logger } = ports;
  if (!main.status()) {
    if (processes.kill(main.pid, step.signal, step.group) === 'sent' && isForward) {
      logger.log({ event: 'signal.forward', signal: step.signal, pid: main.pid, group: step.group });
    }
    return;
  }
  report();
  const left = processes.leftovers(main.pid);
  if (!groupAlreadyHasIt && left.some((p) => p.pgrp === main.pid)) processes.kill(main.pid, step.signal, true);
  for (const p of left) if (p.pgrp !== main.pid) processes.kill(p.pid, step.signal, false);
}

/** Stragglers named one by one, up to this many; the rest are counted. */
const MAX_NAMED_STRAGGLERS = 20;

function reportStragglers(left: readonly ProcessInfo[], ports: SupervisorPorts): void {
  for (const p of left.slice(0, MAX_NAMED_STRAGGLERS)) ports.logger.log({ event: 'stop.straggler', pid: p.pid, command: p.command });
  if (left.length > MAX_NAMED_STRAGGLERS) ports.logger.log({ event: 'stop.stragglers', count: left.length, named: MAX_NAMED_STRAGGLERS });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) (done = true), fn();
  };
}

/**
 * Resolves true as soon as main has exited and nothing is left of it, false at `deadline`.
 * `onMainExit` runs once if main exits during the wait.
 */
export async function waitGone(main: WatchedMain, deadline: number, ports: SupervisorPorts, onMainExit?: () => void): Promise<boolean> {
  const { clock, processes } = ports;
  if (!main.status()) {
    const timer = clock.delay(Math.max(0, deadline - clock.now()));
    await Promise.race([main.exited, timer.promise]);
    timer.cancel();
    if (!main.status()) return false;
    onMainExit?.();
  }
  for (let poll = POLL_MIN_MS; ; poll = Math.min(poll * 2, POLL_MAX_MS)) {
    if (processes.leftovers(main.pid).length === 0) return true;
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await clock.delay(Math.min(poll, left)).promise;
  }
}
