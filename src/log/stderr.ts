import { constants, fstatSync, openSync, writeSync } from 'node:fs';
import { createSink, type LineSink, type WriteResult } from './sink.js';

/**
 * A descriptor of fd 2's pipe or terminal that hookvisor alone holds, opened again through /proc, so
 * that it can be non-blocking without touching the open file that main shares (O_NONBLOCK there made
 * main's own writes fail with EAGAIN). Undefined for files (they never stall), sockets (they cannot be
 * opened again), a pipe of another user's when not root (EACCES) and without /proc: fd 2 is then
 * written as it is, and only there can a stalled reader still block.
 */
export function privateStderr(): number | undefined {
  try {
    const stat = fstatSync(2);
    if (!stat.isFIFO() && !stat.isCharacterDevice()) return undefined;
    // O_NOCTTY: as PID 1 opening a terminal must not make it our controlling one.
    return openSync('/proc/self/fd/2', constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
}

export function tryWriteFd(fd: number): (bytes: Uint8Array) => WriteResult {
  return (bytes) => {
    try {
      return writeSync(fd, bytes);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'EAGAIN' || code === 'EINTR' ? 'again' : 'closed';
    }
  };
}

let stderr: LineSink | undefined;

/** hookvisor's stderr, opened on first use. */
export function stderrSink(): LineSink {
  return (stderr ??= createSink({ tryWrite: tryWriteFd(privateStderr() ?? 2) }));
}

/**
 * Logs must never stop supervision: a line goes to a bounded buffer written without blocking, so a
 * stalled reader loses lines (counted, `log.dropped`), a closed or broken stderr loses them all.
 */
export function writeStderr(line: string): void {
  stderrSink().write(line);
}

/** At exit: the last lines, waiting at most `ms` for a stalled reader. */
export function flushStderr(ms: number): void {
  stderr?.flush(ms);
}
