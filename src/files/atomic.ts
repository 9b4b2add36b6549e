import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { openness, readOnlyMounts } from './mounts.js';
import { coded, type Guard, inDir, walk } from './walk.js';

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `text` so that readers see the old file or the whole new one, never a part: a new file under an
 * unguessable name, created exclusively in the opened directory (no symlink or planted file is ever written
 * through), every byte written and fsynced, renamed over `path` in that same directory, the directory
 * fsynced. Safe in a directory others can write; symlinks on the way are followed only where no one else
 * could have put them. On any failure the temporary file is removed and the old file is left as it was.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const end = walk(path, writerGuard(), false);
  const dirFd = end.dir.fd;
  try {
    if (end.name === '.' || end.name === '..') throw coded('EISDIR', `${path} is a directory`);
    const { fd, tmp } = createTemporary(dirFd, end.name, mode);
    let open = true;
    try {
      // The mode of O_CREAT goes through the umask; the report and the record get exactly theirs.
      fchmodSync(fd, mode);
      writeAll(fd, Buffer.from(text, 'utf8'));
      fsyncSync(fd);
      open = false;
      closeSync(fd);
      renameSync(inDir(dirFd, tmp), inDir(dirFd, end.name));
    } catch (err) {
      if (open) closeQuietly(fd);
      try {
        unlinkSync(inDir(dirFd, tmp));
      } catch {
        // already renamed, or never there: nothing of ours is left
      }
      throw err;
    }
    fsyncSync(dirFd);
  } finally {
    closeQuietly(dirFd);
  }
}

/** Removes `path` so that the removal survives a crash: unlink, then fsync the directory. A missing file is fine. */
export function removeFileDurable(path: string): void {
  const end = walk(path, writerGuard(), false);
  try {
    try {
      unlinkSync(inDir(end.dir.fd, end.name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    fsyncSync(end.dir.fd);
  } finally {
    closeQuietly(end.dir.fd);
  }
}

/** write(2) may write less than asked (a volume filling up): go on until all is written, and let the error of the write that fails through. */
function writeAll(fd: number, buf: Buffer): void {
  for (let done = 0; done < buf.length; ) {
    const n = writeSync(fd, buf, done, buf.length - done);
    if (n <= 0) throw coded('EIO', `write returned ${n}`);
    done += n;
  }
}

/** A new file beside `name` under a name no one can guess; one that exists already (planted) is never opened: another name. */
function createTemporary(dirFd: number, name: string, mode: number): { fd: number; tmp: string } {
  for (let tries = 0; ; tries++) {
    const tmp = `.${name}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      return { fd: openSync(inDir(dirFd, tmp), CREATE, mode), tmp };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 3) throw err;
    }
  }
}

/** As root, a symlink on the way to what we write is followed only if no one else could have put it there. */
function writerGuard(): Guard {
  const uid = process.geteuid?.() ?? 0;
  const readOnly = readOnlyMounts();
  return {
    dir: () => {},
    link(holder, link, path) {
      const how = openness(holder.fd, holder.stat, uid, readOnly);
      if (how === 'sealed' || (how === 'sticky' && (link.uid === 0 || link.uid === uid))) return;
      throw coded('EPERM', `not following the symlink ${path}: the directory ${holder.path} holding it can be changed by other users`);
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
}
