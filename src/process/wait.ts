import type { Clock } from './ports.js';

/** An AbortSignal that never aborts: for a wait that only time ends. */
export const NEVER: AbortSignal = new AbortController().signal;

/** Resolves 'time' at clock time `at` (never when undefined), 'cut' when `cut` aborts first. */
export function waitUntil(clock: Clock, at: number | undefined, cut: AbortSignal): Promise<'time' | 'cut'> {
  if (cut.aborted) return Promise.resolve('cut');
  // A time already reached (the forward's own step, at 0) resolves now, not after a setTimeout's tick.
  if (at !== undefined && at <= clock.now()) return Promise.resolve('time');
  return new Promise((resolve) => {
    const timer = at === undefined ? undefined : clock.delay(Math.max(0, at - clock.now()));
    const onCut = () => {
      timer?.cancel();
      resolve('cut');
    };
    cut.addEventListener('abort', onCut, { once: true });
    void timer?.promise.then(() => {
      cut.removeEventListener('abort', onCut);
      resolve('time');
    });
  });
}
