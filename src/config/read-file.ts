import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { ConfigError } from '../errors/errors.js';
import { inDir, walk } from '../files/walk.js';
import type { TrustCheck } from './trust.js';

/** Hooks files are a few kilobytes; anything this large is a mistake, not a config. */
export const MAX_HOOKS_FILE_BYTES = 1024 * 1024;

/** Never blocks on a FIFO or a device, never makes a terminal ours, never follows a last-moment symlink. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * The hooks file's text, read from one descriptor: only a regular file, never more than the limit, and with
 * `trust` every directory and symlink on the way and the file itself judged on that descriptor's way there.
 */
export function readHooksFile(file: string, trust?: TrustCheck): string {
  let fd: number | undefined;
  try {
    fd = trust ? openJudged(file, trust) : openPlain(file);
    const st = fstatSync(fd);
    regularOnly(file, st);
    trust?.file(fd, st);
    if (st.size > MAX_HOOKS_FILE_BYTES) throw issue(file, `is ${st.size} bytes; a hooks file may be at most ${MAX_HOOKS_FILE_BYTES}`);
    const buf = readAtMost(fd, MAX_HOOKS_FILE_BYTES + 1);
    // A file that grew since fstat (or a /proc file, whose size says 0) is still held to the limit.
    if (buf.length > MAX_HOOKS_FILE_BYTES) throw issue(file, `is more than ${MAX_HOOKS_FILE_BYTES} bytes, the most a hooks file may be`);
    if (buf.includes(0)) throw issue(file, 'holds binary data (a NUL byte), not YAML text');
    return buf.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'ENOPROC'
            ? `cannot be read: ${(err as Error).message}`
            : `cannot be read (${code ?? String(err)})`;
    throw issue(file, why);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Looked at before it is opened, so a device is never opened at all; the fstat after the open is what counts. */
function openPlain(file: string): number {
  regularOnly(file, statSync(file));
  return openSync(file, READ_FLAGS);
}

function openJudged(file: string, trust: TrustCheck): number {
  const end = walk(file, trust.guard, true);
  try {
    if (!end.stat) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    regularOnly(file, end.stat);
    return openSync(inDir(end.dir.fd, end.name), READ_FLAGS | constants.O_NOFOLLOW);
  } finally {
    closeSync(end.dir.fd);
  }
}

function regularOnly(file: string, st: Stats): void {
  if (st.isFile()) return;
  if (st.isDirectory()) throw issue(file, 'is a directory, not a hooks file');
  throw issue(file, `is not a regular file (${kind(st)}): only a regular file is read`);
}

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a symlink';
}

function readAtMost(fd: number, max: number): Buffer {
  const buf = Buffer.alloc(max);
  let n = 0;
  for (let got = -1; got !== 0 && n < max; n += got) got = readSync(fd, buf, n, max - n, null);
  return buf.subarray(0, n);
}

function issue(file: string, what: string): ConfigError {
  return new ConfigError(file, [{ path: '', message: `the hooks file ${what}` }]);
}
