import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

/** A directory opened on the way, with what its descriptor says about it and the path it was reached by. */
export interface OpenDir {
  fd: number;
  stat: Stats;
  path: string;
}

/** What a walk asks about what it passes; either may throw to refuse. */
export interface Guard {
  /** Every directory opened on the way, `/` included. */
  dir(dir: OpenDir): void;
  /** Every symlink before it is followed, with the directory holding it (already judged by `dir`). */
  link(holder: OpenDir, link: Stats, path: string): void;
}

/** The end of a walk: the opened directory holding the last name, and that name's lstat (undefined when missing). */
export interface WalkEnd {
  dir: OpenDir;
  name: string;
  stat?: Stats;
}

/** The kernel's own limit on symlinks in one lookup. */
const MAX_LINKS = 40;
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** `name` inside the opened directory `fd`: the kernel resolves /proc/self/fd/N to that directory itself, never by its name again (openat in plain Node). */
export const inDir = (fd: number, name: string) => `/proc/self/fd/${fd}/${name}`;

/**
 * Resolves `path` one component at a time, each relative to the directory opened before it, so what is
 * judged is what is used: no component can be swapped between a check and an open. Symlinks are followed
 * after `guard.link` allows them; with `followLast` false the last name is returned as it is (a writer
 * replaces it). The caller closes `dir.fd`.
 */
export function walk(path: string, guard: Guard, followLast: boolean): WalkEnd {
  const absolute = path.startsWith('/') ? path : `${process.cwd()}/${path}`;
  let dir = openRoot(guard);
  const todo = parts(absolute).reverse();
  let links = 0;
  try {
    while (todo.length > 0) {
      const name = todo.pop()!;
      const last = todo.length === 0;
      if (name === '..') {
        dir = step(dir, '..', dirname(dir.path), guard);
        continue;
      }
      if (last && !followLast) return { dir, name };
      const here = join(dir.path, name);
      let stat: Stats;
      try {
        stat = lstatSync(inDir(dir.fd, name));
      } catch (err) {
        if (last && (err as NodeJS.ErrnoException).code === 'ENOENT') return { dir, name };
        throw fsError(err, here);
      }
      if (stat.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw coded('ELOOP', `too many symlinks on the way to ${path}`);
        guard.link(dir, stat, here);
        const target = readlinkSync(inDir(dir.fd, name));
        if (target.startsWith('/')) dir = replace(dir, openRoot(guard));
        todo.push(...parts(target).reverse());
        continue;
      }
      if (last) return { dir, name, stat };
      if (!stat.isDirectory()) throw coded('ENOTDIR', `${here} is not a directory`);
      dir = step(dir, name, here, guard);
    }
    // The path ends in a directory (`/`, `x/..`): the caller sees a directory.
    return { dir, name: '.', stat: dir.stat };
  } catch (err) {
    closeSync(dir.fd);
    throw err;
  }
}

function parts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

function openRoot(guard: Guard): OpenDir {
  const fd = openSync('/', DIR_FLAGS);
  try {
    lstatSync(inDir(fd, '.'));
  } catch {
    closeSync(fd);
    // Every name below is looked up through /proc/self/fd: without it each would look missing.
    throw coded('ENOPROC', '/proc is not mounted, and hookvisor opens files relative to a directory through /proc/self/fd');
  }
  return judged({ fd, stat: fstatSync(fd), path: '/' }, guard);
}

/** Opens `name` in `dir` as a directory and closes `dir`: a symlink put there since the lstat fails with ENOTDIR or ELOOP. */
function step(dir: OpenDir, name: string, path: string, guard: Guard): OpenDir {
  let fd: number;
  try {
    fd = openSync(inDir(dir.fd, name), DIR_FLAGS);
  } catch (err) {
    throw fsError(err, path);
  }
  return replace(dir, judged({ fd, stat: fstatSync(fd), path }, guard));
}

function judged(dir: OpenDir, guard: Guard): OpenDir {
  try {
    guard.dir(dir);
    return dir;
  } catch (err) {
    closeSync(dir.fd);
    throw err;
  }
}

function replace(old: OpenDir, next: OpenDir): OpenDir {
  closeSync(old.fd);
  return next;
}

/** An errno error naming the path as the caller gave it, not as /proc/self/fd/N. */
function fsError(err: unknown, path: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? coded(code, `${code}: ${path}`) : (err as Error);
}

export function coded(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}
