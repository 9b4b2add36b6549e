import type { Logger } from '../log/logger.js';
import type { ExitStatus } from '../process/ports.js';
import type { SignalSource } from '../signals/source.js';
import type { Libc } from './libc.js';

export interface ReaperOptions {
  libc: Pick<Libc, 'reap'>;
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

  const scan = (): number => {
    let reaped = 0;
    let running = false;
    for (const pid of list()) {
      if (owned.has(pid)) continue;
      const status = libc.reap(pid);
      if (status === 'running') running = true;
      else if (status !== 'gone') {
        reaped++;
        const watcher = watchers.get(pid);
        if (watcher) {
          watchers.delete(pid);
          watcher(status);
        } else logger.log({ event: 'reaper.reaped', pid, exitCode: status.exitCode, signal: status.signal });
      }
    }
    if (running && !backstop) {
      backstop = setTimeout(() => ((backstop = undefined), scan()), opts.backstopMs ?? 1000);
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
