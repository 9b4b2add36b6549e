import type { ProcessUser } from '../process/ports.js';
import type { SignalName } from '../signals/names.js';
import type { Redact } from './secrets.js';

export const PHASES = ['preStart', 'postStart', 'preStop', 'postStop'] as const;
/** A lifecycle phase, or `on` for tasks triggered by a signal (the `on:` section). */
export type Phase = (typeof PHASES)[number] | 'on';

/** Why the stop happened; passed to postStop tasks as HOOKVISOR_STOP_REASON. */
export type StopReason = 'signal' | 'exit' | 'start-failed' | 'recovery';

/** Variables hookvisor fills in when a task starts; `${...}` references to them are kept until then. */
export const RUNTIME_VARIABLES = new Set([
  'HOOKVISOR_PHASE',
  'HOOKVISOR_MAIN_PID',
  'HOOKVISOR_STOP_REASON',
  'HOOKVISOR_EXIT_CODE',
  'HOOKVISOR_EXIT_SIGNAL',
  'HOOKVISOR_SIGNAL',
]);

/** A user resolved from the image's /etc/passwd and /etc/group (the process port's own type). */
export type PlannedUser = ProcessUser;

export interface HttpSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus?: number[];
}

export interface WaitForSpec {
  port?: number;
  host: string;
  path?: string;
  state: 'open' | 'closed' | 'exists' | 'gone';
  intervalMs: number;
}

interface TaskCommon {
  phase: Phase;
  /** Position in its phase (or its `on:` entry), from 0. */
  index: number;
  /** For `on:` tasks, the signal that triggers them. */
  signal?: SignalName;
  name: string;
  /** Limit of one attempt. */
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  onFailure: 'continue' | 'abort';
  /** Only meaningful in postStop; elsewhere always. */
  when: 'always' | 'signal' | 'exit' | 'failure' | 'success' | 'recovery';
  /** The task's own variables (file env is in Plan.env). */
  env: Record<string, string>;
}

interface ProcessTask {
  /**
   * run: a template with file variables filled in, `${HOOKVISOR_*}` kept and literal `$` written `$$`;
   * the rest is filled in when the task starts. shell: [/bin/sh, -c, script]; sh expands the script itself.
   */
  argv: string[];
  cwd?: string;
  user?: PlannedUser;
}

export type CommandTask = TaskCommon & ProcessTask & { kind: 'run' | 'shell' };
export type BuiltinTask = TaskCommon &
  (
    | { kind: 'sleep'; sleepMs: number }
    | { kind: 'http'; http: HttpSpec }
    | { kind: 'waitFor'; waitFor: WaitForSpec }
    | { kind: 'unmount'; unmount: { path: string; lazy: boolean } }
    | { kind: 'cryptClose'; cryptClose: string }
    | { kind: 'detachLoop'; detachLoop: string }
  );
export type PlannedTask = CommandTask | BuiltinTask;

export const isCommandTask = (t: PlannedTask): t is CommandTask => t.kind === 'run' || t.kind === 'shell';

export interface StopPlan {
  /** Received signals that start a graceful stop. */
  signals: SignalName[];
  /** Signal sent to main; undefined means the one received. */
  forward?: SignalName;
  /** Wait for main and its group after forwarding, before SIGKILL. */
  timeoutMs: number;
  /** stop.timeout was not given and defaults to 5s, not 10s, since postStop has tasks and no grace period is known. */
  cleanupDefault?: boolean;
  /** Deliver signals to main's whole process group. */
  group: boolean;
  /** After SIGKILL, how long to wait for the group to vanish before postStop runs anyway. */
  killWaitMs: number;
  /** The orchestrator's clock: from the first stop signal to its SIGKILL. */
  gracePeriodMs?: number;
  /** Signals between the forward and SIGKILL (stop.escalation), at their offsets from the forward. */
  ladder: { signal: SignalName; atMs: number }[];
}

/** The worst case of a stop after a signal, fitted into the grace period when there is one. */
export interface Budget {
  /** preStop's worst case, after any cut. */
  preStopMs: number;
  /** From the forwarded signal to SIGKILL, after any cut. */
  waitMs: number;
  killWaitMs: number;
  /** postStop's worst case (timeouts, retries and delays), reserved in full. */
  postStopMs: number;
  /** Worst case from the stop signal to exit. */
  totalMs: number;
  gracePeriodMs?: number;
  /** Kept free before the grace period ends, for hookvisor's own exit. */
  marginMs: number;
  /** With a grace period: the latest offsets, from the stop signal, at which each part must end or start. */
  deadlines?: { preStopEndMs: number; killAtMs: number; postStopAtMs: number };
  /** What the grace period shortened, for people. */
  cuts: string[];
  /** Set when postStop's worst case does not fit in the grace period. */
  problem?: string;
  /** Set when postStop has tasks and no grace period is known: what happens under Docker's and Kubernetes' defaults. */
  unknownGrace?: string[];
}

/** Tasks run when a signal arrives, and whether the signal is then forwarded. */
export interface SignalTasks {
  tasks: PlannedTask[];
  forward: boolean;
}

/** Everything `run` will do, decided up front; `dry-run` prints this same object. */
export interface Plan {
  hooksFile?: string;
  /** Undefined only for a dry-run without a command. */
  main?: { argv: string[]; from: 'command line' | 'hooks file'; user?: PlannedUser };
  /** Environment of main: inherited plus the file's env. Tasks add their own env and HOOKVISOR_* on top. */
  env: Record<string, string>;
  /** Names of the variables the hooks file adds (values are never printed). */
  fileEnvNames: string[];
  stop: StopPlan;
  /** Main's status → hookvisor's exit status. */
  exitRemap: Record<number, number>;
  tasks: Record<(typeof PHASES)[number], PlannedTask[]>;
  on: Partial<Record<SignalName, SignalTasks>>;
  budget: Budget;
  /** Where the stop report goes, if anywhere. */
  reportPath?: string;
  /** The state directory (`state:`): where an owed postStop is recorded, for recovery after a hard kill. */
  stateDir?: string;
  /** Masks the values of secret-looking variables (secrets.ts) in text for people: logs, dry-run, the report. */
  redact: Redact;
}
