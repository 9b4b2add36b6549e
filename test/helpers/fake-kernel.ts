import type { Census, ExitStatus, ProcessInfo, ProcessPort, RunningMain, Sent, TaskProcess } from '../../src/process/ports.js';
import type { SignalName } from '../../src/signals/names.js';

/** How a fake process answers signals: it dies `afterMs` after one of `diesOn` (SIGKILL always, at once). */
export interface Behaviour {
  diesOn: readonly SignalName[];
  afterMs: number;
  /** Exits by itself after this long, with `code`. */
  exitsAfterMs?: number;
  code?: number;
}

interface Proc {
  pid: number;
  pgid: number;
  command: string;
  alive: boolean;
  reaped: boolean;
  behaviour: Behaviour;
  finish: (s: ExitStatus) => void;
  exited: Promise<ExitStatus>;
  dying?: NodeJS.Timeout;
  task: boolean;
}

/**
 * A process table that behaves like the kernel in the ways the stop depends on: processes exit some
 * time after a signal (or ignore it), leave orphans outside their group, and are reaped when they die.
 * `onSpawn` and `onKill` let a test act at that exact point (deliver a stop signal, say).
 */
export class FakeKernel implements ProcessPort {
  private next = 100;
  private readonly procs = new Map<number, Proc>();
  readonly log: string[] = [];
  /** Tasks by their first argument: how they behave, and what they leave behind when they start. */
  tasks: Record<string, Behaviour & { leaves?: Behaviour }> = {};
  main: Behaviour & { leaves?: Behaviour; spawnMs?: number } = { diesOn: ['SIGTERM'], afterMs: 10 };
  onSpawn: (command: string) => void = () => {};
  onKill: (command: string, signal: SignalName) => void = () => {};
  onExit: (command: string) => void = () => {};
  /** At each postStop task's start: the processes other than it that were still alive. */
  readonly aliveAtPostStop: string[][] = [];

  private start(command: string, behaviour: Behaviour, pgid?: number, task = false): Proc {
    const pid = this.next++;
    let finish!: (s: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => (finish = resolve));
    const p: Proc = { pid, pgid: pgid ?? pid, command, alive: true, reaped: false, behaviour, finish, exited, task };
    this.procs.set(pid, p);
    if (behaviour.exitsAfterMs !== undefined) setTimeout(() => this.die(p, { exitCode: behaviour.code ?? 0 }), behaviour.exitsAfterMs);
    return p;
  }

  private die(p: Proc, status: ExitStatus): void {
    if (!p.alive) return;
    p.alive = false;
    p.reaped = true;
    clearTimeout(p.dying);
    this.log.push(`exit ${p.command}`);
    this.onExit(p.command);
    p.finish(status);
  }

  private deliver(p: Proc, signal: SignalName): void {
    this.log.push(`${signal} ${p.command}`);
    this.onKill(p.command, signal);
    if (signal === 'SIGKILL') {
      this.die(p, { signal });
      return;
    }
    if (p.behaviour.diesOn.includes(signal) && !p.dying) p.dying = setTimeout(() => this.die(p, { signal }), p.behaviour.afterMs);
  }

  async spawnMain(argv: readonly string[]): Promise<RunningMain> {
    this.onSpawn('main');
    if (this.main.spawnMs) await new Promise((r) => setTimeout(r, this.main.spawnMs));
    const p = this.start('main', this.main);
    this.log.push('start main');
    if (this.main.leaves) this.start(`orphan of ${argv[0]}`, this.main.leaves);
    return { pid: p.pid, exited: p.exited, reaped: () => p.reaped };
  }

  spawnTask(argv: readonly string[], env: Record<string, string>): TaskProcess {
    const name = argv[0]!;
    const phase = env.HOOKVISOR_PHASE!;
    if (phase === 'postStop') this.aliveAtPostStop.push(this.alive().map((p) => p.command));
    const spec = this.tasks[name] ?? { diesOn: ['SIGTERM'], afterMs: 0, exitsAfterMs: 5 };
    const p = this.start(name, spec, undefined, true);
    this.log.push(`start ${name}`);
    if (spec.leaves) this.start(`daemon of ${name}`, spec.leaves);
    this.onSpawn(name);
    return { pid: p.pid, stdout: null, stderr: null, exited: p.exited };
  }

  kill(pid: number, signal: SignalName, group: boolean): Sent {
    const hit = [...this.procs.values()].filter((p) => p.alive && (group ? p.pgid === pid : p.pid === pid));
    for (const p of hit) this.deliver(p, signal);
    return hit.length ? 'sent' : 'gone';
  }

  leftovers(mainPid: number): ProcessInfo[] {
    return this.alive()
      .filter((p) => p.pgid === mainPid || !p.task)
      .filter((p) => p.command !== 'main' || p.pid === mainPid)
      .map(info);
  }

  everything(): Census {
    const named = this.alive().map(info);
    return { any: named.length > 0, named };
  }

  signalEverything(signal: SignalName): Sent {
    const hit = this.alive();
    for (const p of hit) this.deliver(p, signal);
    return hit.length ? 'sent' : 'gone';
  }

  alive(): Proc[] {
    return [...this.procs.values()].filter((p) => p.alive);
  }

  /** Every process that was started: for tests' cleanup of their timers. */
  killAll(): void {
    for (const p of this.alive()) this.die(p, { signal: 'SIGKILL' });
  }
}

const info = (p: Proc): ProcessInfo => ({ pid: p.pid, pgrp: p.pgid, command: p.command });
