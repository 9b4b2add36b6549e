import type { LogEvent, Logger } from '../log/logger.js';
import { describeAction } from '../plan/describe.js';
import type { Plan, PlannedTask } from '../plan/types.js';

/** Lines of a task's output kept for the report. */
export const REPORT_LINES = 20;

interface TaskRecord {
  phase: string;
  name: string;
  command: string;
  start?: string;
  durationMs?: number;
  attempts?: number;
  outcome: 'ok' | 'failed' | 'timed out' | 'cut' | 'skipped' | 'running';
  exitCode?: number;
  signal?: string;
  error?: string;
  lastLines: string[];
}

export interface StopReport {
  version: 1;
  reason?: string;
  exitCode?: number;
  main?: { pid: number; command: string[]; start: string; exitCode?: number; signal?: string; end?: string };
  startedAt: string;
  stoppedAt?: string;
  tasks: TaskRecord[];
  /** When this start first ran the postStop a killed run owed (`state:`): that record and those tasks. */
  recovery?: { since?: string; previousPid?: number; preStartCompleted?: boolean; unreadable?: string; tasks: TaskRecord[] };
}

/**
 * Builds the stop report from the log events themselves, so the report says exactly what the logs
 * say. Returns a logger that passes every event on, and the report as it stands.
 */
export function recordingLogger(inner: Logger, plan: Plan, now: () => Date = () => new Date()): { logger: Logger; report: () => StopReport } {
  const commands = new Map<string, string>();
  for (const t of [...Object.values(plan.tasks).flat(), ...Object.values(plan.on).flatMap((o) => o!.tasks)] as PlannedTask[])
    commands.set(`${t.phase}/${t.name}`, describeAction(t, plan.redact));
  const report: StopReport = { version: 1, startedAt: now().toISOString(), tasks: [] };
  const open = new Map<string, TaskRecord>();
  // Tasks go to the recovery's list while it runs, to the stop's list otherwise.
  let tasks = report.tasks;
  const record = (e: { phase: string; task: string }) => {
    const key = `${e.phase}/${e.task}`;
    let r = open.get(key);
    if (!r) {
      r = { phase: e.phase, name: e.task, command: commands.get(key) ?? e.task, outcome: 'running', lastLines: [] };
      open.set(key, r);
      tasks.push(r);
    }
    return r;
  };
  const take = (e: LogEvent) => {
    const at = now().toISOString();
    switch (e.event) {
      case 'hook.start': {
        const r = record(e);
        r.start ??= at;
        break;
      }
      case 'hook.output': {
        const r = record(e);
        r.lastLines.push(e.line);
        if (r.lastLines.length > REPORT_LINES) r.lastLines.shift();
        break;
      }
      case 'hook.skip':
        record(e).outcome = 'skipped';
        open.delete(`${e.phase}/${e.task}`);
        break;
      case 'hook.end': {
        const r = record(e);
        Object.assign(r, { durationMs: e.durationMs, attempts: e.attempts, exitCode: e.exitCode, signal: e.signal, error: e.error });
        r.outcome = e.ok ? 'ok' : e.cut ? 'cut' : e.timedOut ? 'timed out' : 'failed';
        open.delete(`${e.phase}/${e.task}`);
        break;
      }
      case 'main.start':
        report.main = { pid: e.pid, command: e.command, start: at };
        break;
      case 'main.exit':
        if (report.main) Object.assign(report.main, { exitCode: e.exitCode, signal: e.signal, end: at });
        break;
      case 'recovery.start': {
        const { event: _, path: __, ...found } = e;
        report.recovery = { ...found, tasks: [] };
        tasks = report.recovery.tasks;
        break;
      }
      case 'recovery.end':
        tasks = report.tasks;
        break;
      case 'hookvisor.exit':
        Object.assign(report, { reason: e.reason, exitCode: e.exitCode, stoppedAt: at });
        break;
    }
  };
  return {
    logger: {
      log(e) {
        take(e);
        inner.log(e);
      },
    },
    report: () => report,
  };
}
