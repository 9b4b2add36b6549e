import type { Readable } from 'node:stream';

/** Longer lines are cut here (and marked) so one endless line cannot grow memory. */
export const MAX_LINE_BYTES = 8192;

/** Calls `onLine` for each line of the stream; resolves when the stream ends. Memory stays bounded by MAX_LINE_BYTES. */
export function readLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
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
    if (pending.length > MAX_LINE_BYTES) {
      onLine(`${pending.slice(0, MAX_LINE_BYTES)} [line cut at ${MAX_LINE_BYTES} bytes]`);
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
