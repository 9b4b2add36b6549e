import type { SignalName } from '../signals/names.js';

export const PHASES = ['preStart', 'postStart', 'preStop', 'postStop'] as const;
export type Phase = (typeof PHASES)[number];

/** Why the stop happened; passed to postStop tasks as HOOKVISOR_STOP_REASON. */
export type StopReason = 'signal' | 'exit' | 'start-failed';

/** Variables hookvisor fills in when a task starts; `${...}` references to them are kept until then. */
export const RUNTIME_VARIABLES = new Set([
  'HOOKVISOR_PHASE',
  'HOOKVISOR_MAIN_PID',
  'HOOKVISOR_STOP_REASON',
  'HOOKVISOR_EXIT_CODE',
  'HOOKVISOR_EXIT_SIGNAL',
]);

export interface PlannedTask {
  phase: Phase;
  /** Position in its phase, from 0. */
  index: number;
  name: string;
  kind: 'run' | 'shell';
  /**
   * run: a template with file variables filled in, `${HOOKVISOR_*}` kept and literal `$` written `$$`;
   * the rest is filled in when the task starts. shell: [/bin/sh, -c, script]; sh expands the script itself.
   */
  argv: string[];
  timeoutMs: number;
  onFailure: 'continue' | 'abort';
  /** Only meaningful in postStop; elsewhere always. */
  when: 'always' | 'signal' | 'exit';
  /** The task's own variables (file env is in Plan.env). */
  env: Record<string, string>;
  cwd?: string;
}

export interface StopPlan {
  /** Received signals that start a graceful stop. */
  signals: SignalName[];
  /** Signal sent to main; undefined means the one received. */
  forward?: SignalName;
  /** Wait for main and its group after forwarding, before SIGKILL. */
  timeoutMs: number;
  /** Deliver signals to main's whole process group. */
  group: boolean;
  /** After SIGKILL, how long to wait for the group to vanish before postStop runs anyway. */
  killWaitMs: number;
}

export interface Budget {
  preStopMs: number;
  /** stop.timeout plus the wait after SIGKILL. */
  terminateMs: number;
  postStopMs: number;
  /** Worst case from the stop signal to hookvisor's exit. */
  totalMs: number;
}

/** Everything `run` will do, decided up front; `dry-run` prints this same object. */
export interface Plan {
  hooksFile?: string;
  /** Undefined only for a dry-run without a command. */
  main?: { argv: string[]; from: 'command line' | 'hooks file' };
  /** Environment of main: inherited plus the file's env. Tasks add their own env and HOOKVISOR_* on top. */
  env: Record<string, string>;
  /** Names of the variables the hooks file adds (values are never printed). */
  fileEnvNames: string[];
  stop: StopPlan;
  tasks: Record<Phase, PlannedTask[]>;
  budget: Budget;
}
