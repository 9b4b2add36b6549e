import type { Readable } from 'node:stream';
import type { PlannedUser } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';

export interface ExitStatus {
  exitCode?: number;
  signal?: SignalName;
}

export interface RunningMain {
  pid: number;
  /** Resolves when libuv has reaped main. */
  exited: Promise<ExitStatus>;
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

/** Everything hookvisor does to processes, behind one narrow interface. */
export interface ProcessPort {
  /** Starts main in its own process group with the real stdio, as `user` when given. Throws SpawnError when it cannot run. */
  spawnMain(argv: readonly string[], env: Record<string, string>, user?: PlannedUser): Promise<RunningMain>;
  /** Starts a task in its own process group, stdin closed, stdout and stderr piped; as `user` when given. */
  spawnTask(argv: readonly string[], env: Record<string, string>, cwd?: string, user?: PlannedUser): TaskProcess;
  /** Sends a signal to a pid or a process group; 'gone' (ESRCH) is an answer, not an error. */
  kill(pid: number, signal: SignalName, group: boolean): 'sent' | 'gone';
  /** Living processes left of main: its process group, and hookvisor's descendants that are not running tasks. */
  leftovers(mainPid: number): ProcessInfo[];
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
