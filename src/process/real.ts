import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { SpawnError } from '../errors/errors.js';
import type { SignalName } from '../signals/names.js';
import { asUser, userEnv } from './as-user.js';
import { censusOf, sendSignal, viewProc } from './census.js';
import type { Clock, ExitStatus, ProcessPort, RunningMain, TaskProcess } from './ports.js';

/** Pids of tasks still running: their process trees are not main's leftovers. */
const runningTasks = new Set<number>();

/** Every child libuv spawned and has not reaped yet; the PID 1 reaper must leave these alone. */
export const ownedPids = new Set<number>();

/** Tracks a child until libuv reaps it; the returned function says, synchronously, whether it has been. */
function own(sub: { pid?: number; once(e: 'exit', fn: () => void): unknown }, also?: Set<number>): () => boolean {
  const pid = sub.pid;
  if (pid === undefined) return () => true;
  let reaped = false;
  ownedPids.add(pid);
  also?.add(pid);
  sub.once('exit', () => {
    reaped = true;
    ownedPids.delete(pid);
    also?.delete(pid);
  });
  return () => reaped;
}

/** How this process sees the others: read once, since neither its pid nor its /proc changes. */
export const procView = viewProc(process.pid);
const census = censusOf(procView, process.pid, runningTasks);

// cleanup: false keeps execa from adding its own signal handlers; all signals are ours.
const COMMON = { detached: true, extendEnv: false, reject: false, cleanup: false, buffer: false } as const;

// execa runs the tasks; it is loaded only when a run has tasks (tasksReady), not before main starts.
let execa: typeof import('execa').execa | undefined;
let loading: Promise<void> | undefined;

export const realProcesses: ProcessPort = {
  // Main's output is never captured, so node:child_process is all it needs (execa is for the tasks).
  async spawnMain(command, env, user) {
    const argv = asUser(command, user);
    const sub = spawn(argv[0]!, argv.slice(1), { detached: true, env: userEnv(env, user), stdio: 'inherit' });
    const exited = new Promise<ExitStatus>((resolve) =>
      sub.once('exit', (code, signal) => resolve({ exitCode: code ?? undefined, signal: (signal as SignalName | null) ?? undefined })),
    );
    if (sub.pid === undefined) {
      // ENOENT, EACCES, EMFILE...: Node reports them on the next tick as an 'error' with the errno code.
      const code = await new Promise<string>((resolve) => sub.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN')));
      throw new SpawnError(argv[0]!, code);
    }
    const reaped = own(sub);
    return { pid: sub.pid, exited, reaped } satisfies RunningMain;
  },

  tasksReady: () => (loading ??= import('execa').then((m) => void (execa = m.execa))),

  spawnTask(command, env, cwd, user) {
    if (!execa) throw new Error('internal: a task was started before the task runner was loaded (tasksReady)');
    const execa_ = execa;
    const argv = asUser(command, user);
    const sub = spawnOrShortage(() =>
      execa_(argv[0]!, argv.slice(1), { ...COMMON, env: userEnv(env, user), cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' }),
    );
    if (typeof sub === 'string') return { stdout: null, stderr: null, exited: Promise.resolve({ error: describeSpawnError(sub, argv[0]!, cwd) }) };
    const pid = sub.pid;
    own(sub, runningTasks);
    const onExit = new Promise<ExitStatus & { error?: string }>((resolve) => {
      sub.once('exit', (code, signal) => resolve({ exitCode: code ?? undefined, signal: (signal as SignalName | null) ?? undefined }));
    });
    // A program that never ran emits no 'exit'; execa's result then carries the errno code.
    type Outcome = ExitStatus & { error?: string };
    const neverRan = sub.then((r): Promise<Outcome> | Outcome =>
      r.code && r.exitCode === undefined && r.signal === undefined ? { error: describeSpawnError(r.code, argv[0]!, cwd) } : onExit,
    );
    const exited: TaskProcess['exited'] = Promise.race([onExit, neverRan]);
    return { pid, stdout: sub.stdout, stderr: sub.stderr, exited } satisfies TaskProcess;
  },

  kill: (pid, signal, group) => sendSignal(group ? -pid : pid, signal),
  leftovers: census.leftovers,
  everything: census.everything,
  signalEverything: census.signalEverything,
};

/**
 * Out of descriptors (EMFILE, ENFILE), Node's spawn gives up before it sets up stdio and execa then throws
 * a TypeError ("c.stdio is not iterable"); that is turned back into the errno, the one Node reports.
 */
function spawnOrShortage<T>(spawn: () => T): T | 'EMFILE' | 'ENFILE' {
  try {
    return spawn();
  } catch (err) {
    if (!(err instanceof TypeError && /stdio/.test(err.message))) throw err;
    try {
      closeSync(openSync('/dev/null', 'r'));
      return 'EMFILE'; // one descriptor was left, not the several a spawn needs
    } catch (probe) {
      return (probe as NodeJS.ErrnoException).code === 'ENFILE' ? 'ENFILE' : 'EMFILE';
    }
  }
}

function describeSpawnError(code: string, program: string, cwd?: string): string {
  if (code === 'ENOENT') return cwd ? `${program} or the directory ${cwd} not found` : `${program}: command not found`;
  if (code === 'EACCES') return `${program}: permission denied (not executable?)`;
  if (code === 'EMFILE') return `${program}: cannot start it: EMFILE, hookvisor is out of file descriptors (raise the container's ulimit -n)`;
  if (code === 'ENFILE') return `${program}: cannot start it: ENFILE, the system is out of file descriptors`;
  return `${program}: ${code}`;
}

const ORIGIN = process.hrtime.bigint();

export const realClock: Clock = {
  // Not performance.now(): its first use loads perf_hooks, and that came in the middle of the first stop.
  now: () => Number(process.hrtime.bigint() - ORIGIN) / 1e6,
  delay(ms) {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return { promise, cancel: () => clearTimeout(timer) };
  },
};
