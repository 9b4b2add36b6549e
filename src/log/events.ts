import { formatDuration as d } from '../config/duration.js';
import type { Phase, StopReason } from '../plan/types.js';

/** Every thing hookvisor logs: one typed event each, so logs can be filtered by `event`. */
export type LogEvent =
  | { event: 'hookvisor.start'; version: string; pid: number; hooksFile?: string }
  | { event: 'budget.problem'; problem: string }
  | { event: 'budget.unknown'; timeoutMs: number; outcomes: string[] }
  | { event: 'phase.start'; phase: Phase; tasks: number }
  | { event: 'phase.end'; phase: Phase; failed: number; aborted: boolean }
  | { event: 'hook.start'; phase: Phase; task: string; pid?: number; attempt: number }
  | { event: 'hook.retry'; phase: Phase; task: string; attempt: number; delayMs: number; error: string }
  | { event: 'hook.output'; phase: Phase; task: string; stream: 'stdout' | 'stderr'; line: string }
  | {
      event: 'hook.end';
      phase: Phase;
      task: string;
      ok: boolean;
      exitCode?: number;
      signal?: string;
      timedOut: boolean;
      limitMs?: number;
      cut?: boolean;
      error?: string;
      attempts: number;
      durationMs: number;
    }
  | { event: 'hook.skip'; phase: Phase; task: string; why: string }
  | { event: 'main.start'; pid: number; command: string[] }
  | { event: 'main.spawn-error'; command: string[]; code: string; exitCode: number }
  | { event: 'main.exit'; pid: number; exitCode?: number; signal?: string }
  | { event: 'signal.received'; signal: string }
  | { event: 'signal.forward'; signal: string; pid: number; group: boolean }
  | { event: 'signal.ignored'; signal: string; why: string }
  | { event: 'signal.not-stop'; signal: string; stopSignals: string[] }
  | { event: 'stop.start'; signal: string; phase?: string }
  | { event: 'stop.deadline'; cause: 'signal' | 'exit' | 'start-failed' | 'preStop'; killInMs: number }
  | { event: 'stop.escalate'; signal: string; afterMs: number; pid: number; to?: 'main' | 'leftovers' }
  | { event: 'stop.sweep'; signal: string; count: number }
  | { event: 'signal.denied'; signal: string; target: string }
  | { event: 'proc.foreign'; procSelf: string; pid1?: boolean }
  | { event: 'stop.straggler'; pid: number; command: string }
  | { event: 'stop.stragglers'; count: number; named: number }
  | { event: 'stop.stuck'; waitedMs: number }
  | { event: 'internal.error'; error: string; during: string }
  | { event: 'pid1.ready'; mode: 'pid1' | 'subreaper'; libc: string }
  | { event: 'pid1.degraded'; error: string; lost: string; advice: string }
  | { event: 'reaper.reaped'; pid: number; exitCode?: number; signal?: string }
  | { event: 'hookvisor.exit'; exitCode: number; reason: StopReason }
  | { event: 'report.written'; path: string }
  | { event: 'report.error'; path: string; error: string; errno?: string }
  | { event: 'recovery.start'; path: string; since?: string; previousPid?: number; preStartCompleted?: boolean; unreadable?: string }
  | { event: 'recovery.end'; failed: number }
  | { event: 'state.error'; path: string; during: 'lock' | 'read' | 'write' | 'clear'; error: string }
  | { event: 'state.busy'; path: string }
  | { event: 'state.locked'; path: string; waitedMs: number }
  | { event: 'state.unlocked'; path: string }
  | { event: 'state.left'; path: string; why: string }
  | { event: 'log.dropped'; dropped: number };

export type EventName = LogEvent['event'];
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The level of an event: failures are errors, noise is debug, the lifecycle is info. */
export function levelOf(e: LogEvent): Level {
  switch (e.event) {
    case 'hook.end':
      return e.ok ? 'info' : 'error';
    case 'signal.received':
    case 'reaper.reaped':
    case 'stop.deadline':
      return 'debug';
    case 'signal.ignored':
    case 'signal.not-stop':
    case 'hook.retry':
    case 'stop.escalate':
    case 'stop.sweep':
    case 'signal.denied':
    case 'proc.foreign':
    case 'stop.straggler':
    case 'stop.stragglers':
    case 'stop.stuck':
    case 'pid1.degraded':
    case 'budget.problem':
    case 'budget.unknown':
    case 'log.dropped':
      return 'warn';
    case 'hook.skip':
      return 'debug';
    case 'main.spawn-error':
    case 'internal.error':
    case 'report.error':
    case 'state.error':
      return 'error';
    case 'recovery.start':
    case 'state.busy':
    case 'state.unlocked':
    case 'state.left':
      return 'warn';
    default:
      return 'info';
  }
}

/** One short sentence per event, for the `msg` field and the pretty format. */
export function describe(e: LogEvent): string {
  switch (e.event) {
    case 'hookvisor.start':
      return `hookvisor ${e.version} started (pid ${e.pid})`;
    case 'budget.problem':
      return `the stop budget does not fit: ${e.problem}`;
    case 'budget.unknown':
      return `no grace period is known, so postStop's time is not reserved (stop.gracePeriod, --grace-period or HOOKVISOR_GRACE_PERIOD); SIGKILL to main comes ${d(e.timeoutMs)} after the stop signal is forwarded; ${e.outcomes.join('; ')}`;
    case 'phase.start':
      return `${e.phase}: ${e.tasks} task(s)`;
    case 'phase.end':
      return `${e.phase} done${e.failed ? `, ${e.failed} failed` : ''}${e.aborted ? ', aborted' : ''}`;
    case 'hook.start':
      return `${e.phase} task "${e.task}" started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'hook.retry':
      return `${e.phase} task "${e.task}" attempt ${e.attempt} failed (${e.error}); retrying in ${d(e.delayMs)}`;
    case 'hook.output':
      return `${e.phase} "${e.task}" ${e.stream}: ${e.line}`;
    case 'hook.end':
      return `${e.phase} task "${e.task}" ${hookOutcome(e)} in ${d(e.durationMs)}${e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}`;
    case 'hook.skip':
      return `${e.phase} task "${e.task}" skipped: ${e.why}`;
    case 'main.start':
      return `main started (pid ${e.pid}): ${e.command.join(' ')}`;
    case 'main.spawn-error':
      return `cannot execute ${e.command[0]}: ${e.code}${e.code === 'EMFILE' || e.code === 'ENFILE' ? ' (out of file descriptors: raise the ulimit -n)' : ''}`;
    case 'main.exit':
      return `main (pid ${e.pid}) exited ${e.signal ? `on ${e.signal}` : `with code ${e.exitCode}`}`;
    case 'signal.received':
      return `received ${e.signal}`;
    case 'signal.forward':
      return `forwarded ${e.signal} to ${e.group ? 'process group' : 'pid'} ${e.pid}`;
    case 'signal.ignored':
      return `ignored ${e.signal}: ${e.why}`;
    case 'signal.not-stop':
      return `${e.signal} is not a stop signal (stop.signals: ${e.stopSignals.join(', ')}): forwarded to main as it is, with no preStop, though by default it ends main. If it is meant to stop the container (a STOPSIGNAL inherited from a base image, such as nginx's SIGQUIT), add it to stop.signals, or set STOPSIGNAL SIGTERM in the Dockerfile`;
    case 'stop.start':
      return `stopping on ${e.signal}${e.phase && e.phase !== 'running' ? ` (during ${e.phase})` : ''}`;
    case 'stop.deadline':
      return `SIGKILL to whatever is left in ${d(e.killInMs)} (${e.cause === 'signal' ? 'the stop signal started the clock' : e.cause === 'preStop' ? 'preStop is over: the wait for main' : e.cause === 'exit' ? 'main exited: the wait for what it left' : 'main never started: the wait for what preStart left'})`;
    case 'stop.escalate':
      return `still running after ${d(e.afterMs)}: sending ${e.signal} to ${e.to === 'leftovers' ? `what main (pid ${e.pid}) left` : e.pid}`;
    case 'stop.sweep':
      return `before postStop: sending ${e.signal} to everything still running (${e.count} named)`;
    case 'signal.denied':
      return `not allowed to send ${e.signal} to ${e.target} (EPERM); going on without it`;
    case 'proc.foreign':
      return `/proc is not this PID namespace's (/proc/self is ${e.procSelf || 'missing'}): only hookvisor's own descendants are followed through it, named in this namespace${e.pid1 ? '; the stop signals everything at once (kill -1)' : ''}`;
    case 'stop.straggler':
      return `still running: pid ${e.pid} (${e.command})`;
    case 'stop.stragglers':
      return `${e.count} processes still running (first ${e.named} named above)`;
    case 'stop.stuck':
      return `processes still present ${d(e.waitedMs)} after SIGKILL; running postStop anyway`;
    case 'pid1.ready':
      return e.mode === 'pid1' ? `PID 1: reaping orphans (${e.libc})` : `not PID 1: became child subreaper, reaping orphans (${e.libc})`;
    case 'pid1.degraded':
      return `${e.error}: ${e.lost}. ${e.advice}`;
    case 'reaper.reaped':
      return `reaped orphan ${e.pid} (${e.signal ?? `exit ${e.exitCode}`})`;
    case 'internal.error':
      return `internal error during ${e.during}: ${e.error}`;
    case 'report.written':
      return `stop report written to ${e.path}`;
    case 'report.error':
      return `cannot write the stop report to ${e.path}: ${e.error}`;
    case 'recovery.start':
      return `the last run was killed before its postStop finished${e.since ? ` (it began ${e.since})` : ''}${e.unreadable ? ` (record unreadable: ${e.unreadable})` : ''}: running postStop now, with HOOKVISOR_STOP_REASON=recovery`;
    case 'recovery.end':
      return `recovery done${e.failed ? `, ${e.failed} task(s) failed` : ''}; starting as usual`;
    case 'state.error':
      return `cannot ${e.during} the state record ${e.path}: ${e.error}`;
    case 'state.busy':
      return `another hookvisor holds the state directory of ${e.path} (a run still stopping, or a second container on the volume): waiting for it`;
    case 'state.locked':
      return `took the state directory of ${e.path} after ${d(e.waitedMs)}`;
    case 'state.unlocked':
      return `cannot lock the state directory of ${e.path} without the FFI: a second run sharing it would not be noticed`;
    case 'state.left':
      return `leaving the state record ${e.path} as it is: ${e.why}`;
    case 'log.dropped':
      return `${e.dropped} log line(s) dropped: stderr's reader fell behind`;
    case 'hookvisor.exit':
      return `exiting with ${e.exitCode} (${e.reason})`;
  }
}

/** How a task ended, in words; a timeout says why (the task's own words, when it had any). */
function hookOutcome(e: Extract<LogEvent, { event: 'hook.end' }>): string {
  if (e.ok) return 'succeeded';
  if (e.cut) return 'cut by the stop deadline';
  if (e.timedOut) {
    const limit = e.limitMs === undefined ? '' : ` after its ${d(e.limitMs)} limit`;
    if (e.error === undefined) return `timed out${limit}${e.signal ? ` (ended by ${e.signal})` : ''}`;
    return e.error.startsWith('timed out') ? `${e.error}${e.limitMs === undefined ? '' : ` (its ${d(e.limitMs)} limit)`}` : `timed out${limit}: ${e.error}`;
  }
  return e.error ? `failed: ${e.error}` : `failed (${e.signal ?? `exit ${e.exitCode}`})`;
}
