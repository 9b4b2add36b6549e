import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeFileDurable, writeFileAtomic } from '../files/atomic.js';
import type { TryLock } from '../libc/flock.js';
import type { Owed, OwedEntry, OwedRecord, StatePort } from './ports.js';

/** The file in the state directory that says postStop is owed. */
export const OWED_FILE = 'poststop-owed.json';

/** The file a run holds an flock on while it runs; the kernel releases it when the run ends, however it ends. */
export const LOCK_FILE = '.lock';

/** The state port on a directory, typically a persistent volume: write, fsync, rename; unlink, fsync. */
export function fileState(dir: string, pid: number, flock?: TryLock): StatePort {
  const path = join(dir, OWED_FILE);
  let lockFd: number | undefined;
  return {
    path,
    tryLock() {
      if (!flock) return 'unsupported';
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Node opens with O_CLOEXEC: main and tasks never inherit the lock. flock needs no write access,
      // so a lock file on a volume that went read-only still serves.
      lockFd ??= openLock(join(dir, LOCK_FILE));
      return flock(lockFd);
    },
    read: () => readOwed(path),
    write(entry: OwedEntry) {
      const record: OwedRecord = { version: 1, pid, ...entry };
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`, 0o600);
    },
    clear: () => removeFileDurable(path),
  };
}

function openLock(path: string): number {
  try {
    return openSync(path, 'a', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES') return openSync(path, 'r');
    throw err;
  }
}

/** A file that is there but cannot be read or parsed still means postStop is owed: running it again is safe, skipping it is not. */
export function readOwed(path: string): Owed | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { unreadable: (err as Error).message };
  }
  try {
    const record = JSON.parse(text) as OwedRecord;
    if (record?.version !== 1 || typeof record.since !== 'string') return { unreadable: 'not a hookvisor state record (version 1)' };
    return { record };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}
