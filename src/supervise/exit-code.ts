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

/** The exit-status contract: main's code, 128+N for signal N, 127/126 when it cannot execute, 1 when it never started. */
export function exitCodeOf(stopped: Stopped): number {
  if (stopped.spawnExitCode !== undefined) return stopped.spawnExitCode;
  const main = stopped.main;
  if (!main) return NEVER_STARTED;
  if (main.exitCode !== undefined) return main.exitCode;
  if (main.signal) return 128 + signalNumber(main.signal);
  return NEVER_STARTED;
}

/** HOOKVISOR_* variables for a task; postStop ones also carry the stop reason and main's status. */
export function runtimeEnv(phase: string, mainPid: number | undefined, stopped?: Stopped): Record<string, string> {
  const env: Record<string, string> = { HOOKVISOR_PHASE: phase };
  if (mainPid !== undefined) env.HOOKVISOR_MAIN_PID = String(mainPid);
  if (stopped) {
    env.HOOKVISOR_STOP_REASON = stopped.reason;
    env.HOOKVISOR_EXIT_CODE = stopped.spawnExitCode !== undefined ? String(stopped.spawnExitCode) : (stopped.main?.exitCode?.toString() ?? '');
    env.HOOKVISOR_EXIT_SIGNAL = stopped.main?.signal ?? '';
  }
  return env;
}
