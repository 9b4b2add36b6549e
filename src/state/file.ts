import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
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

const { O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

/** Never through a symlink someone planted (root would create or lock a file anywhere), and only a regular file. */
function openLock(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES') throw err;
    fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${path} is not a regular file`);
  }
  return fd;
}

/** A record is a few hundred bytes; more than this is not one. */
const MAX_RECORD_BYTES = 64 * 1024;

/** The record's text: never through a symlink, only from a regular file, never more than the limit. */
function readRecord(path: string): string {
  const fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    const buf = Buffer.alloc(MAX_RECORD_BYTES + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_RECORD_BYTES) throw new Error(`larger than ${MAX_RECORD_BYTES} bytes`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/** A file that is there but cannot be read or parsed still means postStop is owed: running it again is safe, skipping it is not. */
export function readOwed(path: string): Owed | undefined {
  let text: string;
  try {
    text = readRecord(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // ELOOP: a symlink stands where the record should be; it is not followed, and still counts as owed.
    return { unreadable: code === 'ELOOP' ? 'a symlink, not a record: not followed' : (err as Error).message };
  }
  try {
    const record = JSON.parse(text) as OwedRecord;
    if (record?.version !== 1 || typeof record.since !== 'string') return { unreadable: 'not a hookvisor state record (version 1)' };
    return { record };
  } catch {
    // The parser's message quotes the text; the record's bytes are not shown, whatever file they are.
    return { unreadable: 'not valid JSON' };
  }
}
