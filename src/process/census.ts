import { readlinkSync } from 'node:fs';
import type { SignalName } from '../signals/names.js';
import type { Census, ProcessInfo, Sent } from './ports.js';
import { commandOf, foreignDescendants, leftoverProcesses, readProcTable } from './proc.js';

const NONE: ReadonlySet<number> = new Set();

/** How hookvisor can see and reach the processes it must stop. */
export interface ProcView {
  /** PID 1 of its own PID namespace: every other process there is ours, and kill(-1) reaches them all. */
  pid1: boolean;
  /** /proc belongs to this PID namespace (/proc/self is our own pid); a foreign /proc is never read for pids. */
  ownProc: boolean;
  /** What /proc/self pointed to, for the log when /proc is foreign. */
  procSelf: string;
}

export function viewProc(pid: number): ProcView {
  let procSelf = '';
  try {
    procSelf = readlinkSync('/proc/self');
  } catch {
    // No /proc at all: nothing can be read from it.
  }
  return { pid1: pid === 1, ownProc: procSelf === String(pid), procSelf };
}

/** kill(2) that never throws: ESRCH is 'gone', EPERM is 'denied', anything else (EINVAL: a bad signal) is 'denied' too. */
export function sendSignal(target: number, signal: SignalName | 0): Sent {
  try {
    process.kill(target, signal);
    return 'sent';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'denied';
  }
}

/**
 * The census of what is left, built on what the kernel can vouch for. As PID 1, kill(-1, 0) answers for
 * every process of the namespace at once, so a process that forks and exits faster than /proc can be
 * walked is still counted; outside, the walk of our descendants is the best there is.
 */
export function censusOf(view: ProcView, self: number, running: ReadonlySet<number>) {
  const emptied = new Set<number>();
  // Before postStop every descendant counts, a task that outlived its kill included.
  const descendants = (exclude: ReadonlySet<number> = NONE): ProcessInfo[] => {
    if (!view.ownProc) return view.procSelf ? foreignDescendants(view.procSelf, exclude) : [];
    const table = readProcTable();
    return table ? leftoverProcesses(table, -1, self, exclude) : [];
  };
  return {
    everything(): Census {
      if (view.pid1) {
        const named = view.ownProc
          ? (readProcTable() ?? [])
              .filter((e) => e.pid !== self && e.state !== 'Z' && e.state !== 'X')
              .map((e) => ({ pid: e.pid, pgrp: e.pgrp, command: commandOf(e.pid) }))
          : descendants();
        return { any: sendSignal(-1, 0) === 'sent', named };
      }
      const named = descendants();
      return { any: named.length > 0, named };
    },
    signalEverything(signal: SignalName): Sent {
      if (view.pid1) return sendSignal(-1, signal);
      let result: Sent = 'gone';
      for (const p of descendants()) {
        const r = sendSignal(p.pid, signal);
        if (r === 'sent' || result === 'gone') result = r;
      }
      return result;
    },
    leftovers(mainPid: number): ProcessInfo[] {
      const table = view.ownProc ? readProcTable() : undefined;
      if (table) return leftoverProcesses(table, mainPid, self, running, emptied);
      // A foreign /proc: our own subtree through it, named in our namespace.
      if (view.procSelf) return descendants(running);
      // No /proc at all: a signal 0 to the group says whether anything (possibly a zombie) is left.
      // Once it is empty its pgid may be another group's: it is never probed again.
      if (emptied.has(mainPid) || sendSignal(-mainPid, 0) === 'gone') {
        emptied.add(mainPid);
        return [];
      }
      return [{ pid: mainPid, pgrp: mainPid, command: `process group ${mainPid} (no /proc of this namespace to name its members)` }];
    },
  };
}
