import { writeSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';

type Proc = Pick<NodeJS.Process, 'stdin' | 'stdout' | 'stderr'>;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `text` to `fd` (help, version, schema, dry-run: nothing is supervised yet). A descriptor someone
 * else made non-blocking is waited on, 1 ms at a time up to a second; a closed or broken one loses the text.
 */
export function writeFd(fd: number, text: string | Uint8Array): void {
  let rest = Buffer.from(text);
  for (let waited = 0; rest.length > 0 && waited < 1000; ) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 1);
      waited++;
    }
  }
}

/**
 * Replaces `process.stdin`, `stdout` and `stderr` with inert stand-ins before anything can read them.
 * Node builds the real streams on first access (and an ESM `import 'node:process'`, which execa and
 * others do, reads all three): a terminal is then reopened over fd 0-2 in non-blocking mode, and a
 * pipe is made O_NONBLOCK for everyone sharing it. Main inherits those descriptors, so hookvisor,
 * which writes its fds directly, must never let the real streams exist. Stand-ins read nothing
 * (stdin is at its end) and write through `writeStderr` (fd 2) and plain writes (fd 1).
 */
export function keepStdioUntouched(proc: Proc, writeStderr: (text: string) => void): void {
  const make = {
    stdin: () =>
      Object.assign(
        new Readable({
          read() {
            this.push(null);
          },
        }),
        { fd: 0 },
      ),
    stdout: () => writable(1, (text) => writeFd(1, text)),
    stderr: () => writable(2, writeStderr),
  };
  for (const name of ['stdin', 'stdout', 'stderr'] as const) {
    let stream: unknown;
    Object.defineProperty(proc, name, { configurable: true, enumerable: true, get: () => (stream ??= make[name]()) });
  }
}

function writable(fd: number, write: (text: string) => void): Writable {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  return Object.assign(stream, { fd });
}
