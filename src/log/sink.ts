/** What one write attempt did: bytes written, `again` (the reader is behind: retry later) or `closed` (no reader any more). */
export type WriteResult = number | 'again' | 'closed';

export interface SinkOptions {
  /** One write that never blocks. */
  tryWrite(bytes: Uint8Array): WriteResult;
  /** Bytes held while the reader stalls; lines past it are dropped and counted. Default 1 MiB. */
  maxBytes?: number;
  /** How long to wait before retrying a reader that is behind. Default 10 ms. */
  retryMs?: number;
  /** Sleeps the thread, only in `flush` at exit. Default Atomics.wait. */
  sleep?(ms: number): void;
}

/** Lines on their way to a reader that may stall: writing never blocks, and what does not fit is counted. */
export interface LineSink {
  write(line: string): void;
  /** Writes what is held, waiting at most `ms` in all for a stalled reader; what is still held then is lost. */
  flush(ms: number): void;
  /** Called once the held lines are written after some were dropped, with how many; it may write a line. */
  onDrained?: (dropped: number) => void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

export function createSink(opts: SinkOptions): LineSink {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const retryMs = opts.retryMs ?? 10;
  const sleep = opts.sleep ?? ((ms: number) => void Atomics.wait(pause, 0, 0, ms));
  const queue: Uint8Array[] = [];
  let held = 0;
  let dropped = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;

  /** Writes until the queue is empty (true) or the reader is behind (false). */
  const writeHeld = (): boolean => {
    while (queue.length > 0 && !closed) {
      const head = queue[0]!;
      const r = opts.tryWrite(head);
      if (r === 'again') return false;
      if (r === 'closed') {
        closed = true;
        queue.length = 0;
        held = 0;
        break;
      }
      held -= r;
      if (r < head.length) queue[0] = head.subarray(r);
      else queue.shift();
    }
    return true;
  };
  /** Writes what it can; once everything is out, says how many lines the reader missed. */
  const drain = (): boolean => {
    if (draining) return true;
    draining = true;
    try {
      let empty = writeHeld();
      while (empty && dropped > 0 && !closed) {
        const count = dropped;
        dropped = 0;
        sink.onDrained?.(count);
        empty = writeHeld();
      }
      return empty;
    } finally {
      draining = false;
    }
  };
  const retry = () => {
    timer = undefined;
    if (!drain()) schedule();
  };
  // Unref'd: a stalled reader must not keep hookvisor alive; exit flushes what it can.
  const schedule = () => (timer ??= setTimeout(retry, retryMs).unref());

  const sink: LineSink = {
    write(line) {
      if (closed) return;
      const bytes = Buffer.from(line);
      if (held + bytes.length > maxBytes) {
        dropped++;
        return;
      }
      queue.push(bytes);
      held += bytes.length;
      if (timer === undefined && !drain()) schedule();
    },
    flush(ms) {
      clearTimeout(timer);
      timer = undefined;
      for (let waited = 0; !drain() && waited < ms; waited++) sleep(1);
    },
  };
  return sink;
}
