import { EventEmitter } from 'node:events';
import { memoryLogger } from '../../src/log/logger.js';
import type { Census, Clock, ExitStatus, ProcessPort, RunningMain, Sent, TaskProcess } from '../../src/process/ports.js';
import type { SignalName } from '../../src/signals/names.js';
import { installSignals } from '../../src/signals/source.js';
import type { Owed, OwedEntry, StatePort } from '../../src/state/ports.js';
import type { SupervisorPorts } from '../../src/supervise/ports.js';

/** An in-memory process table: main dies on the signals listed in `mainDiesOn`; tasks exit with `taskExit(argv)`. */
export class FakeProcesses implements ProcessPort {
  readonly calls: string[] = [];
  mainDiesOn: SignalName[] = ['SIGTERM', 'SIGINT', 'SIGKILL'];
  taskExit: (argv: readonly string[]) => number | Error = () => 0;
  private finishMain?: (s: ExitStatus) => void;
  private mainAlive = false;

  async spawnMain(argv: readonly string[]): Promise<RunningMain> {
    this.calls.push(`main ${argv.join(' ')}`);
    this.mainAlive = true;
    const exited = new Promise<ExitStatus>((resolve) => (this.finishMain = resolve));
    return { pid: 100, exited, reaped: () => !this.mainAlive };
  }

  exitMain(status: ExitStatus): void {
    this.mainAlive = false;
    this.finishMain?.(status);
  }

  spawnTask(argv: readonly string[], env: Record<string, string>): TaskProcess {
    this.calls.push(`task ${argv.join(' ')} [${env.HOOKVISOR_PHASE}${env.HOOKVISOR_STOP_REASON === 'recovery' ? ', recovery' : ''}]`);
    const result = this.taskExit(argv);
    if (result instanceof Error) throw result;
    return { pid: 200, stdout: null, stderr: null, exited: Promise.resolve({ exitCode: result }) };
  }

  kill(pid: number, signal: SignalName, group: boolean): Sent {
    this.calls.push(`kill ${group ? -pid : pid} ${signal}`);
    if (pid !== 100 || !this.mainAlive) return 'gone';
    if (this.mainDiesOn.includes(signal)) this.exitMain({ signal });
    return 'sent';
  }

  leftovers(): { pid: number; pgrp: number; command: string }[] {
    return this.mainAlive ? [{ pid: 100, pgrp: 100, command: 'main' }] : [];
  }

  everything(): Census {
    const named = this.leftovers();
    return { any: named.length > 0, named };
  }

  signalEverything(signal: SignalName): Sent {
    this.calls.push(`kill everything ${signal}`);
    return this.mainAlive ? this.kill(100, signal, false) : 'gone';
  }
}

export const realTimeClock: Clock = {
  now: () => performance.now(),
  delay(ms) {
    let t: NodeJS.Timeout | undefined;
    return { promise: new Promise((r) => (t = setTimeout(r, ms))), cancel: () => clearTimeout(t) };
  },
};

/** Ports with a fake process table, an EventEmitter standing in for `process` signals, and a memory logger. */
export function fakePorts() {
  const emitter = new EventEmitter();
  const signals = installSignals(emitter as never, ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGWINCH']);
  const processes = new FakeProcesses();
  const logger = memoryLogger();
  const ports: SupervisorPorts = { signals, processes, clock: realTimeClock, logger };
  return { ports, emitter, signals, processes, logger };
}

/** A state port in memory that logs its writes and clears into `calls`, beside the process calls, in one order. */
export class FakeState implements StatePort {
  readonly path = '/fake/state/poststop-owed.json';
  owed?: Owed;
  failWrites = false;
  /** What tryLock answers, in turn ('error' throws); then 'locked'. */
  locks: ('locked' | 'busy' | 'unsupported' | 'error')[] = [];
  /** Called at each lock attempt, before it is answered. */
  onLock: () => void = () => {};
  constructor(private readonly calls: string[]) {}

  tryLock(): 'locked' | 'busy' | 'unsupported' {
    this.onLock();
    const answer = this.locks.shift() ?? 'locked';
    this.calls.push(`state lock ${answer}`);
    if (answer === 'error') throw new Error('EIO: i/o error');
    return answer;
  }

  read(): Owed | undefined {
    return this.owed;
  }

  write(entry: OwedEntry): void {
    if (this.failWrites) throw new Error('EROFS: read-only file system');
    this.calls.push(`state owed preStartCompleted=${entry.preStartCompleted}`);
    this.owed = { record: { version: 1, pid: 1, ...entry } };
  }

  clear(): void {
    this.calls.push('state cleared');
    this.owed = undefined;
  }
}

/** Lets the event loop turn until `check` holds, for up to 5 s (the fakes' own delays are real time); fails the test otherwise. */
export async function waitUntil(check: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !check() && Date.now() < deadline; ) await new Promise((r) => setImmediate(r));
  if (!check()) throw new Error(`never happened: ${check.toString()}`);
}
