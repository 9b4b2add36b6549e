import type { Readable } from 'node:stream';
import { type Redact, unchanged } from '../plan/secrets.js';

/** Longer lines are cut here (and marked) so one endless line cannot grow memory. */
export const MAX_LINE_BYTES = 8192;

/**
 * Calls `onLine` for each line of the stream; resolves when the stream ends. Memory stays bounded by
 * MAX_LINE_BYTES plus the longest secret: a line is cut only once every secret that starts before the cut
 * is whole in it, and masked before it is cut, so no part of a secret straddling the cut shows.
 */
export function readLines(stream: Readable, onLine: (line: string) => void, redact: Redact = unchanged): Promise<void> {
  const hold = redact.longest ?? 0;
  let pending = '';
  let dropping = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      if (!dropping) onLine(stripCr(pending + piece));
      pending = '';
      dropping = false;
      start = nl + 1;
    }
    if (dropping) return;
    pending += chunk.slice(start);
    if (pending.length > MAX_LINE_BYTES + hold) {
      const head = redact.head ? redact.head(pending, MAX_LINE_BYTES) : redact(pending.slice(0, MAX_LINE_BYTES));
      onLine(`${head} [line cut at ${MAX_LINE_BYTES} bytes]`);
      pending = '';
      dropping = true;
    }
  });
  return new Promise((resolve) => {
    const done = () => {
      if (pending && !dropping) onLine(stripCr(pending));
      pending = '';
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);
