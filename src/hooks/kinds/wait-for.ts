import { lstat } from 'node:fs/promises';
import { connect } from 'node:net';
import { awaited, reached } from '../../plan/describe.js';
import type { WaitForSpec } from '../../plan/types.js';
import { delay } from './sleep.js';
import type { KindContext, KindResult } from './types.js';

/** Polls until a port is open or closed, or a path exists or is gone (a dangling symlink exists). */
export async function runWaitFor(spec: WaitForSpec, ctx: KindContext): Promise<KindResult> {
  const what = spec.port !== undefined ? `${spec.host}:${spec.port}` : spec.path!;
  const started = performance.now();
  while (!ctx.signal.aborted) {
    if (await holds(spec, ctx.signal)) {
      ctx.log(`${what} ${reached(spec.state)} after ${((performance.now() - started) / 1000).toFixed(1)}s`);
      return { ok: true };
    }
    if (!(await delay(spec.intervalMs, ctx.signal))) break;
  }
  return { ok: false, error: `timed out waiting for ${what} ${awaited(spec.state)}` };
}

async function holds(spec: WaitForSpec, signal: AbortSignal): Promise<boolean> {
  if (spec.path !== undefined) {
    const exists = await lstat(spec.path).then(() => true, () => false);
    return spec.state === 'exists' ? exists : !exists;
  }
  const state = await probe(spec.host, spec.port!, Math.min(spec.intervalMs, 1000), signal);
  return state === spec.state;
}

/** 'open' on connect, 'closed' on refusal; a hang or other error is neither, so the wait goes on. */
function probe(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<'open' | 'closed' | 'unknown'> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (state: 'open' | 'closed' | 'unknown') => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(state);
    };
    const onAbort = () => done('unknown');
    const timer = setTimeout(() => done('unknown'), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'closed' : 'unknown'));
  });
}
