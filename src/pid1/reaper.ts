import type { Libc } from '../libc/libc.js';
import type { Logger } from '../log/logger.js';
import type { ExitStatus } from '../process/ports.js';
import type { SignalSource } from '../signals/source.js';

export interface ReaperOptions {
  libc: Pick<Libc, 'reap' | 'peekZombie'>;
  /** Pids libuv spawned and will reap itself: reaping one would lose its exit event. */
  owned: ReadonlySet<number>;
  /** SIGCHLD deliveries. */
  childSignals: SignalSource;
  logger: Logger;
  /** Our children, as pids of our namespace. */
  listChildren: () => number[];
  /** How often to look again while orphans are still running, in case a SIGCHLD was missed. */
  backstopMs?: number;
}

export interface Reaper {
  /** Reaps now every child that is not owned; returns how many were reaped. */
  scan(): number;
  /** The exit status of a child we started outside libuv, once the reaper collects it; `reaped` says so at once. */
  watch(pid: number): { exited: Promise<ExitStatus>; reaped(): boolean };
  stop(): void;
}

/**
 * Reaps orphaned zombies without stealing libuv's children: on each SIGCHLD (coalesced to one scan per
 * tick) it waits, without blocking, for every child not in `owned`. It never calls waitpid(-1).
 * While orphans still run, an unref'd backstop timer rescans; with none, nothing wakes hookvisor up.
 */
export function startReaper(opts: ReaperOptions): Reaper {
  const { libc, owned, logger } = opts;
  const list = opts.listChildren;
  let pending = false;
  let backstop: NodeJS.Timeout | undefined;
  const watchers = new Map<number, (s: ExitStatus) => void>();

  /** Reaps `pid` if it is a zombie; 'running' or 'gone' otherwise. */
  const reapOne = (pid: number): 'reaped' | 'running' | 'gone' => {
    const status = libc.reap(pid);
    if (status === 'running' || status === 'gone') return status;
    const watcher = watchers.get(pid);
    if (watcher) {
      watchers.delete(pid);
      watcher(status);
    } else logger.log({ event: 'reaper.reaped', pid, exitCode: status.exitCode, signal: status.signal });
    return 'reaped';
  };

  const scan = (): number => {
    let reaped = 0;
    let running = false;
    // Watched children (main) by pid, so they are reaped even where /proc cannot list them.
    for (const pid of [...watchers.keys()]) if (reapOne(pid) === 'reaped') reaped++;
    for (const pid of list()) {
      if (owned.has(pid) || watchers.has(pid)) continue;
      const r = reapOne(pid);
      if (r === 'running') running = true;
      else if (r === 'reaped') reaped++;
    }
    // Zombies no list named (no /proc to read): asked of the kernel one at a time, never one libuv owns.
    for (let pid = libc.peekZombie(); pid > 0 && !owned.has(pid); pid = libc.peekZombie()) {
      if (reapOne(pid) !== 'reaped') break;
      reaped++;
    }
    if (running && !backstop) {
      backstop = setTimeout(() => {
        backstop = undefined;
        scan();
      }, opts.backstopMs ?? 1000);
      backstop.unref();
    }
    return reaped;
  };

  const unsubscribe = opts.childSignals.subscribe(() => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      scan();
    });
  });
  scan();
  return {
    scan,
    watch(pid) {
      let reaped = false;
      const exited = new Promise<ExitStatus>((resolve) =>
        watchers.set(pid, (s) => {
          reaped = true;
          resolve(s);
        }),
      );
      return { exited, reaped: () => reaped };
    },
    stop() {
      unsubscribe();
      clearTimeout(backstop);
    },
  };
}
