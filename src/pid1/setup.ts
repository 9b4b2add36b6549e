import { errnoName } from '../libc/errno.js';
import { type Libc, loadLibc } from '../libc/libc.js';
import type { Logger } from '../log/logger.js';
import type { RunningMain } from '../process/ports.js';
import { resolveProgram } from '../process/resolve-program.js';
import type { SignalSource } from '../signals/source.js';
import { startReaper } from './reaper.js';

export interface Pid1Options {
  pid: number;
  owned: ReadonlySet<number>;
  childSignals: SignalSource;
  logger: Logger;
  /** Our children, as pids of our namespace (process/proc.ts ownChildren). */
  listChildren: () => number[];
}

/**
 * Takes on PID 1's duties: reap orphans, and when not PID 1 become a child subreaper so main's orphans
 * still come back to us. Without the FFI hookvisor keeps working and says once what is lost.
 */
export async function setupPid1(opts: Pid1Options): Promise<Pid1> {
  const { logger } = opts;
  let libc: Libc;
  try {
    libc = await loadLibc();
  } catch (err) {
    logger.log({
      event: 'pid1.degraded',
      error: `cannot call libc through koffi (${(err as Error).message})`,
      lost:
        opts.pid === 1
          ? 'orphaned processes will stay zombies'
          : 'orphans of main are not re-parented to hookvisor and not waited for outside its process group',
      advice: 'Install hookvisor with its koffi package, or run an init in front of it (docker run --init, or tini).',
    });
    return { reapNow: () => 0, stop: () => {} };
  }
  try {
    libc.closeExtraFdsOnExec();
  } catch (err) {
    // No /proc/self/fd to list (no /proc): hookvisor goes on, and says what that costs.
    logger.log({
      event: 'pid1.degraded',
      error: `cannot list open descriptors (${(err as Error).message})`,
      lost: 'descriptors hookvisor inherited are passed on to main and tasks',
      advice: 'Mount /proc in the container.',
    });
  }
  let mode: 'pid1' | 'subreaper' = 'pid1';
  if (opts.pid !== 1) {
    try {
      libc.becomeSubreaper();
      mode = 'subreaper';
    } catch (err) {
      logger.log({
        event: 'pid1.degraded',
        error: (err as Error).message,
        lost: 'orphans of main go to the real init instead of hookvisor',
        advice: 'Run hookvisor as PID 1 of the container.',
      });
    }
  }
  const reaper = startReaper({ libc, owned: opts.owned, childSignals: opts.childSignals, logger, listChildren: opts.listChildren });
  logger.log({ event: 'pid1.ready', mode, libc: libc.name });
  const fg = libc.foreground;
  return {
    reapNow: reaper.scan,
    stop: reaper.stop,
    spawnOwn(argv, env, terminal) {
      const pid = fg.spawnInOwnGroup(resolveProgram(argv[0]!, env), argv, env);
      const { exited, reaped } = reaper.watch(pid);
      // libuv knows nothing of this child: hold the event loop open until the reaper has its status.
      const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
      void exited.then(() => clearInterval(keepAlive));
      if (!terminal) return { pid, exited, reaped };
      const errno = fg.giveTerminal(pid);
      if (errno !== 0)
        logger.log({
          event: 'pid1.degraded',
          error: `cannot give the terminal to main (${errnoName(errno)})`,
          lost: 'Ctrl-C reaches main through hookvisor as a stop',
          advice: 'Start hookvisor in the foreground of its terminal.',
        });
      // Take the terminal back once main is gone, so postStop output and the shell after us are not stopped.
      void exited.then(() => fg.giveTerminal(fg.getpgrp()));
      return { pid, exited, reaped };
    },
  };
}

export interface Pid1 {
  /**
   * Starts main in its own process group outside libuv, so the reaper gets its raw wait status (libuv
   * reports a death by a signal Node has no name for, such as SIGRTMIN+1, as exit 0). With `terminal`,
   * main becomes the terminal's foreground process group.
   */
  spawnOwn?: (argv: readonly string[], env: Record<string, string>, terminal: boolean) => RunningMain;
  /** Reaps finished orphans at once, so what is left can be judged without waiting for the next SIGCHLD tick. */
  reapNow(): number;
  stop(): void;
}
