import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { unescapeMountField } from '../../files/mounts.js';

export function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Whether `path` is a mount point in this mount namespace. */
export function isMountPoint(path: string): boolean {
  const target = resolved(path);
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line && unescapeMountField(line.split(' ')[4] ?? '') === target);
}

/** Processes with a file open, or their working directory, under `path`: what makes umount say EBUSY. */
export function holders(path: string): { pid: number; command: string; paths: string[] }[] {
  const root = resolved(path);
  const under = (p: string) => p === root || p.startsWith(`${root}/`);
  const out: { pid: number; command: string; paths: string[] }[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const paths: string[] = [];
    const look = (link: string) => {
      try {
        const target = readlinkSync(link);
        if (under(target)) paths.push(target);
      } catch {
        // gone, or not ours to read
      }
    };
    look(`/proc/${name}/cwd`);
    try {
      for (const fd of readdirSync(`/proc/${name}/fd`)) look(`/proc/${name}/fd/${fd}`);
    } catch {
      continue;
    }
    if (paths.length === 0) continue;
    let command = '?';
    try {
      command = readFileSync(`/proc/${name}/comm`, 'utf8').trim();
    } catch {
      // exited meanwhile
    }
    out.push({ pid: Number(name), command, paths: [...new Set(paths)] });
  }
  return out;
}
