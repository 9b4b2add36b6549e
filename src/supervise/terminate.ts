import type { ProcessInfo } from '../process/ports.js';
import { NEVER, waitUntil } from '../process/wait.js';
import type { SignalName } from '../signals/names.js';
import type { StopDeadline } from './deadline.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import type { Sender } from './send.js';

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
 * Sends each step's signal at its time from `start` (clock time) until main and everything it left are gone; when the deadline's
 * cut fires, SIGKILL, then waits until `postStopAt`. When main exits mid-way, the last signal also goes to
 * what it left outside its group, and later steps go to all of them. Returns whether everything is gone.
 */
export async function escalate(
  main: WatchedMain,
  steps: readonly EscalationStep[],
  start: number,
  deadline: StopDeadline,
  ports: SupervisorPorts,
  send: Sender,
): Promise<boolean> {
  let last: EscalationStep | undefined;
  const report = once(() => reportStragglers(ports.processes.leftovers(main.pid), ports));
  const onMainExit = () => last && deliver(main, last, ports, send, last.group, report);
  for (const [i, step] of steps.entries()) {
    const r = await waitGone(main, start + step.atMs, deadline.cut, ports, onMainExit);
    if (r === 'gone') return true;
    if (r === 'cut') break;
    // The first step is the forward itself; every later one is an escalation.
    if (i > 0) logEscalation(main, step.signal, step.atMs, ports);
    deliver(main, step, ports, send, false, report, i === 0);
    last = step;
  }
  if ((await waitGone(main, undefined, deadline.cut, ports, onMainExit)) === 'gone') return true;
  const kill: EscalationStep = { signal: 'SIGKILL', atMs: Math.round((deadline.killAt ?? ports.clock.now()) - start), group: true };
  logEscalation(main, kill.signal, kill.atMs, ports);
  deliver(main, kill, ports, send, false, report);
  last = kill;
  const killedAt = ports.clock.now();
  if ((await waitGone(main, deadline.postStopAt, NEVER, ports, onMainExit)) === 'gone') return true;
  ports.logger.log({ event: 'stop.stuck', waitedMs: Math.round(ports.clock.now() - killedAt) });
  return false;
}

/** `afterMs`: the step's planned time from the forward. */
function logEscalation(main: WatchedMain, signal: SignalName, afterMs: number, ports: SupervisorPorts): void {
  ports.logger.log({ event: 'stop.escalate', signal, afterMs, pid: main.pid, to: main.reaped() ? 'leftovers' : 'main' });
}

/**
 * Signals main as the step says, or, once main is reaped, its group and each leftover outside it. The
 * list is read and signalled in one synchronous step: nothing is reaped in between, so no pid is stale.
 */
function deliver(
  main: WatchedMain,
  step: EscalationStep,
  ports: SupervisorPorts,
  send: Sender,
  groupAlreadyHasIt: boolean,
  report: () => void,
  isForward = false,
): void {
  if (!main.reaped()) {
    if (send.kill(main.pid, step.signal, step.group) === 'sent' && isForward) {
      ports.logger.log({ event: 'signal.forward', signal: step.signal, pid: main.pid, group: step.group });
    }
    return;
  }
  report();
  const left = ports.processes.leftovers(main.pid);
  // Only while one of our own leftovers still holds main's pgid is the group signalled: then the id is still main's.
  const signals: SignalName[] = step.signal === 'SIGKILL' ? ['SIGKILL'] : [step.signal, 'SIGCONT'];
  for (const signal of signals) {
    // A stopped leftover (SIGSTOP, SIGTSTP) acts on the signal only once it is continued.
    if (!groupAlreadyHasIt && left.some((p) => p.pgrp === main.pid)) send.kill(main.pid, signal, true);
    for (const p of left) if (p.pgrp !== main.pid) send.kill(p.pid, signal, false);
  }
}

/** Stragglers named one by one, up to this many; the rest are counted. */
const MAX_NAMED_STRAGGLERS = 20;

export function reportStragglers(left: readonly ProcessInfo[], ports: SupervisorPorts): void {
  for (const p of left.slice(0, MAX_NAMED_STRAGGLERS)) ports.logger.log({ event: 'stop.straggler', pid: p.pid, command: p.command });
  if (left.length > MAX_NAMED_STRAGGLERS) ports.logger.log({ event: 'stop.stragglers', count: left.length, named: MAX_NAMED_STRAGGLERS });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

/**
 * 'gone' as soon as main has exited and nothing is left of it; 'time' at `at`; 'cut' when `cut` aborts.
 * `onMainExit` runs once if main exits during the wait.
 */
export async function waitGone(
  main: WatchedMain,
  at: number | undefined,
  cut: AbortSignal,
  ports: SupervisorPorts,
  onMainExit?: () => void,
): Promise<'gone' | 'time' | 'cut'> {
  const { clock, processes } = ports;
  if (!main.status()) {
    const r = await Promise.race([main.exited.then(() => 'exited' as const), waitUntil(clock, at, cut)]);
    if (r !== 'exited') return r;
    onMainExit?.();
  }
  return pollUntil(() => processes.leftovers(main.pid).length === 0, at, cut, ports);
}

/** Polls `gone` (10 ms, doubling to 200 ms) until it holds ('gone'), `at` passes ('time') or `cut` aborts ('cut'). */
export async function pollUntil(
  gone: () => boolean,
  at: number | undefined,
  cut: AbortSignal,
  ports: Pick<SupervisorPorts, 'clock'>,
): Promise<'gone' | 'time' | 'cut'> {
  const { clock } = ports;
  for (let poll = POLL_MIN_MS; ; poll = Math.min(poll * 2, POLL_MAX_MS)) {
    if (gone()) return 'gone';
    if (cut.aborted) return 'cut';
    if (at !== undefined && clock.now() >= at) return 'time';
    const r = await waitUntil(clock, at === undefined ? clock.now() + poll : Math.min(at, clock.now() + poll), cut);
    if (r === 'cut' && !gone()) return 'cut';
  }
}
