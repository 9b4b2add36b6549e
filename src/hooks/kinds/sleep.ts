import type { KindContext, KindResult } from './types.js';

/** Kubernetes' preStop sleep: give load balancers time to stop sending traffic. */
export async function runSleep(ms: number, ctx: KindContext): Promise<KindResult> {
  return (await delay(ms, ctx.signal)) ? { ok: true } : { ok: false, error: 'interrupted' };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; leaves no timer or listener behind. */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
