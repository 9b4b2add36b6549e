import { lstat } from 'node:fs/promises';
import { connect } from 'node:net';
import { formatDuration } from '../../config/duration.js';
import { awaited, reached } from '../../plan/describe.js';
import type { WaitForSpec } from '../../plan/types.js';
import { delay } from './sleep.js';
import type { KindContext, KindResult } from './types.js';

/** A probe's answer; `unknown` (with why) is neither state, so the wait goes on. */
type Seen = { state: WaitForSpec['state'] } | { state: 'unknown'; why: string };

/** Polls until a port is open or closed, or a path exists or is gone (a dangling symlink exists). */
export async function runWaitFor(spec: WaitForSpec, ctx: KindContext): Promise<KindResult> {
  const what = spec.port !== undefined ? `${spec.host}:${spec.port}` : spec.path!;
  const started = performance.now();
  let last: Seen | undefined;
  while (!ctx.signal.aborted) {
    const seen = await (spec.path !== undefined
      ? probePath(spec.path, ctx.signal)
      : probePort(spec.host, spec.port!, Math.min(spec.intervalMs, 1000), ctx.signal));
    if (ctx.signal.aborted) break;
    last = seen;
    if (seen.state === spec.state) {
      ctx.log(`${what} ${reached(spec.state)} after ${formatDuration(performance.now() - started, 100)}`);
      return { ok: true };
    }
    if (!(await delay(spec.intervalMs, ctx.signal))) break;
  }
  const note = last?.state === 'unknown' ? ` (last check: ${last.why})` : '';
  return { ok: false, error: `timed out waiting for ${what} ${awaited(spec.state)}${note}` };
}

/** lstat, given up at abort: a path on a hung mount must not hold the task past its timeout. */
function probePath(path: string, signal: AbortSignal): Promise<Seen> {
  return new Promise((resolve) => {
    const onAbort = () => resolve({ state: 'unknown', why: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    lstat(path)
      .then(
        () => ({ state: 'exists' }) as const,
        (err: NodeJS.ErrnoException): Seen =>
          // Only a missing entry is gone; EACCES or EIO say nothing about the path.
          err.code === 'ENOENT' || err.code === 'ENOTDIR' ? { state: 'gone' } : { state: 'unknown', why: err.code ?? err.message },
      )
      .then((seen) => {
        signal.removeEventListener('abort', onAbort);
        resolve(seen);
      });
  });
}

/** 'open' on connect, 'closed' on refusal; a hang past `timeoutMs` or another error is unknown. */
function probePort(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<Seen> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const done = (seen: Seen) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Resolve once the handle is really closed, so the caller never sees a socket of ours.
      socket.once('close', () => resolve(seen));
      socket.destroy();
    };
    const onAbort = () => done({ state: 'unknown', why: 'aborted' });
    const timer = setTimeout(() => done({ state: 'unknown', why: `no answer within ${formatDuration(timeoutMs)}` }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ state: 'open' }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? { state: 'closed' } : { state: 'unknown', why: err.code ?? err.message }),
    );
  });
}
