import type { StopReason } from '../plan/types.js';
import type { ExitStatus } from '../process/ports.js';
import { signalNumber } from '../signals/names.js';

/** How the supervised run ended: everything postStop tasks and the exit status need. */
export interface Stopped {
  reason: StopReason;
  /** Main's pid, when it was started. */
  mainPid?: number;
  /** Main's status, when it was started and has been reaped. */
  main?: ExitStatus;
  /** 127/126 when main could not be executed. */
  spawnExitCode?: number;
}

/** Exit status of a preStart failure or a stop before main started: main never ran. */
export const NEVER_STARTED = 1;

/**
 * The exit-status contract: main's code, 128+N for signal N, 127/126 when it cannot execute, 1 when it
 * never started. `remap` (exit.remap) translates main's status, never hookvisor's own.
 */
export function exitCodeOf(stopped: Stopped, remap: Readonly<Record<number, number>> = {}): number {
  if (stopped.spawnExitCode !== undefined) return stopped.spawnExitCode;
  const main = stopped.main;
  const status = main?.exitCode ?? (main?.signal ? 128 + signalNumber(main.signal) : undefined);
  if (status === undefined) return NEVER_STARTED;
  return remap[status] ?? status;
}

/** HOOKVISOR_* variables for a task; postStop ones also carry the stop reason and main's status. */
export function runtimeEnv(phase: string, mainPid: number | undefined, stopped?: Stopped, signal?: string): Record<string, string> {
  const env: Record<string, string> = { HOOKVISOR_PHASE: phase };
  if (signal) env.HOOKVISOR_SIGNAL = signal;
  if (mainPid !== undefined) env.HOOKVISOR_MAIN_PID = String(mainPid);
  if (stopped) {
    env.HOOKVISOR_STOP_REASON = stopped.reason;
    env.HOOKVISOR_EXIT_CODE = stopped.spawnExitCode !== undefined ? String(stopped.spawnExitCode) : (stopped.main?.exitCode?.toString() ?? '');
    env.HOOKVISOR_EXIT_SIGNAL = stopped.main?.signal ?? '';
  }
  return env;
}
