import type { Readable } from 'node:stream';
import type { SignalName } from '../signals/names.js';

/** A user resolved from the image's /etc/passwd and /etc/group, as processes are started with it. */
export interface ProcessUser {
  spec: string;
  uid: number;
  gid: number;
  groups: number[];
  /** HOME for the process: the user's home from /etc/passwd, as `docker run --user` sets it; unset when the hooks file gives HOME. */
  home?: string;
}

export interface ExitStatus {
  exitCode?: number;
  signal?: SignalName;
}

export interface RunningMain {
  pid: number;
  /** Resolves when main has been reaped. */
  exited: Promise<ExitStatus>;
  /** True from the moment main is reaped (before `exited` settles): its pid may then be another process's. */
  reaped(): boolean;
}

export interface TaskProcess {
  /** Undefined when the program could not be started. */
  pid?: number;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Resolves on exit (not on stdio close: a forked daemon may keep the pipes). `error` is set when it never ran. */
  exited: Promise<ExitStatus & { error?: string }>;
}

export interface ProcessInfo {
  pid: number;
  pgrp: number;
  command: string;
}

/** What a signal did: delivered, nobody there (ESRCH), or refused (EPERM). Never an exception. */
export type Sent = 'sent' | 'gone' | 'denied';

/** Every process left besides hookvisor, as one look at the process table sees it. */
export interface Census {
  /** True while any process other than hookvisor (zombies not yet reaped included) exists. */
  any: boolean;
  /** The ones that can be named (from this namespace's /proc); may be fewer than exist. */
  named: ProcessInfo[];
}

/** Everything hookvisor does to processes, behind one narrow interface. */
export interface ProcessPort {
  /** Starts main in its own process group with the real stdio, as `user` when given. Throws SpawnError when it cannot run. */
  spawnMain(argv: readonly string[], env: Record<string, string>, user?: ProcessUser): Promise<RunningMain>;
  /** Loads what spawnTask needs (the real port: execa), once; awaited before every task, so a run without tasks never loads it. */
  tasksReady?(): Promise<void>;
  /** Starts a task in its own process group, stdin closed, stdout and stderr piped; as `user` when given. */
  spawnTask(argv: readonly string[], env: Record<string, string>, cwd?: string, user?: ProcessUser): TaskProcess;
  /** Sends a signal to a pid or a process group; never throws. */
  kill(pid: number, signal: SignalName, group: boolean): Sent;
  /** Living processes left of main: its process group, and hookvisor's descendants that are not running tasks. */
  leftovers(mainPid: number): ProcessInfo[];
  /** Everything left besides hookvisor: as PID 1 of its namespace, every process there; else its descendants. */
  everything(): Census;
  /** Signals everything `everything()` counts, at once where the kernel can (kill(-1) as PID 1). */
  signalEverything(signal: SignalName): Sent;
}

export interface Timer {
  promise: Promise<void>;
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** A cancellable delay; a cancelled delay never resolves and holds nothing. */
  delay(ms: number): Timer;
}
