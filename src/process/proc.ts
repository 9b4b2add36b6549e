import { readdirSync, readFileSync } from 'node:fs';
import type { ProcessInfo } from './ports.js';

interface Stat {
  state: string;
  ppid: number;
  pgrp: number;
}

/** Fields of /proc/PID/stat after the command, which may itself hold spaces and parentheses. */
export function parseStat(text: string): Stat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  return { state: f[0] ?? '?', ppid: Number(f[1]), pgrp: Number(f[2]) };
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function commandOf(pid: number): string {
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (cmdline) return cmdline.replace(/\0+$/, '').replaceAll('\0', ' ');
  return read(`/proc/${pid}/comm`)?.trim() ?? '?';
}

/** Living members of a process group, read from /proc; zombies are gone for our purposes. */
export function procGroupMembers(pgid: number): ProcessInfo[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: ProcessInfo[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    const s = stat && parseStat(stat);
    if (!s || s.pgrp !== pgid || s.state === 'Z' || s.state === 'X') continue;
    const pid = Number(name);
    out.push({ pid, command: commandOf(pid) });
  }
  return out;
}
