import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessInfo } from './ports.js';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

/** Fields of /proc/PID/stat after the command, which may itself hold spaces and parentheses. */
export function parseStat(pid: number, text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  return { pid, state: f[0] ?? '?', ppid: Number(f[1]), pgrp: Number(f[2]) };
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every process visible in /proc, or undefined where there is no /proc. */
export function readProcTable(): ProcEntry[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const table: ProcEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const entry = stat && parseStat(Number(name), stat);
    if (entry) table.push(entry);
  }
  return table;
}

export function commandOf(pid: number): string {
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (cmdline) return cmdline.replace(/\0+$/, '').replaceAll('\0', ' ');
  return read(`/proc/${pid}/comm`)?.trim() ?? '?';
}

/**
 * What is left of main: living members of its process group, plus every living descendant of hookvisor
 * (orphans re-parented to it included), outside the subtrees of `exclude` (running tasks). A group id
 * stays main's only while the group has members: once a look finds it empty (`emptied` remembers), its
 * id may be a new group's that took main's old pid, and its members are never listed again.
 */
export function leftoverProcesses(
  table: readonly ProcEntry[],
  pgid: number,
  self: number,
  exclude: ReadonlySet<number>,
  emptied: Set<number> = new Set(),
): ProcessInfo[] {
  const children = new Map<number, ProcEntry[]>();
  for (const e of table) children.set(e.ppid, [...(children.get(e.ppid) ?? []), e]);
  const walk = (from: readonly ProcEntry[], skip: (e: ProcEntry) => boolean): ProcEntry[] => {
    const seen: ProcEntry[] = [];
    const queue = [...from];
    for (let e = queue.shift(); e; e = queue.shift()) {
      if (skip(e)) continue;
      seen.push(e);
      queue.push(...(children.get(e.pid) ?? []));
    }
    return seen;
  };
  const tasks = new Set(
    walk(
      table.filter((e) => exclude.has(e.pid)),
      () => false,
    ).map((e) => e.pid),
  );
  const found = new Map<number, ProcEntry>();
  const members = emptied.has(pgid) ? [] : table.filter((e) => e.pgrp === pgid && !tasks.has(e.pid) && e.state !== 'Z' && e.state !== 'X');
  if (members.length === 0) emptied.add(pgid);
  for (const e of members) found.set(e.pid, e);
  for (const e of walk(children.get(self) ?? [], (x) => exclude.has(x.pid))) found.set(e.pid, e);
  return [...found.values()]
    .filter((e) => e.pid !== self && e.state !== 'Z' && e.state !== 'X')
    .map((e) => ({ pid: e.pid, pgrp: e.pgrp, command: commandOf(e.pid) }));
}

/**
 * hookvisor's own children, as pids of its namespace. The kernel lists them under our main thread (libuv
 * forks there, orphans are re-parented there). Through a foreign /proc (`procSelf` is our pid out there)
 * the list holds outer pids, each turned into ours by the last field of its NSpid line; they are only
 * ever waited for, never signalled.
 */
export function ownChildren(pid: number, ownProc: boolean, procSelf: string): number[] {
  const me = ownProc ? String(pid) : procSelf;
  if (!me) return [];
  const listed = read(`/proc/${me}/task/${me}/children`)?.split(' ').filter(Boolean) ?? [];
  if (ownProc) return listed.map(Number);
  return listed.map((outer) => Number(/^NSpid:.*?(\d+)\s*$/m.exec(read(`/proc/${outer}/status`) ?? '')?.[1])).filter((n) => n > 0);
}

/** The last field of an NS* line of /proc/PID/status: the value in the innermost namespace, ours. */
const innermost = (status: string, key: string) => Number(new RegExp(`^${key}:.*?(\\d+)\\s*$`, 'm').exec(status)?.[1]);

/**
 * hookvisor's descendants through a /proc that is not its namespace's (`procSelf`: our pid out there):
 * only our own task entries are followed, from child to child, and each is named by its pid and pgid
 * in our namespace (NSpid, NSpgid), so nothing outside our subtree is ever listed. `exclude` (running
 * tasks, by their pid in our namespace) and their subtrees are left out.
 */
export function foreignDescendants(procSelf: string, exclude: ReadonlySet<number>): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const queue = [procSelf];
  for (let outer = queue.shift(); outer; outer = queue.shift()) {
    const tasks = (() => {
      try {
        return readdirSync(`/proc/${outer}/task`);
      } catch {
        return [];
      }
    })();
    for (const tid of tasks) {
      for (const child of read(`/proc/${outer}/task/${tid}/children`)?.split(' ').filter(Boolean) ?? []) {
        const status = read(`/proc/${child}/status`) ?? '';
        const pid = innermost(status, 'NSpid');
        if (!(pid > 0) || exclude.has(pid) || /^State:\s*[ZX]/m.test(status)) continue;
        found.push({ pid, pgrp: innermost(status, 'NSpgid'), command: read(`/proc/${child}/comm`)?.trim() ?? '?' });
        queue.push(child);
      }
    }
  }
  return found;
}
