import { describe, expect, it } from 'vitest';
import { runSleep } from '../../../../src/hooks/kinds/index.js';
import { ctx, expectNoLeakedHandles } from './helpers.js';

describe('runSleep', { timeout: 5000 }, () => {
  expectNoLeakedHandles();

  it('waits its time, then succeeds', async () => {
    const started = performance.now();
    expect(await runSleep(30, ctx())).toEqual({ ok: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('stops at once when aborted, as interrupted, and clears its timer', async () => {
    const controller = new AbortController();
    const sleeping = runSleep(60_000, ctx(controller.signal));
    controller.abort();
    expect(await sleeping).toEqual({ ok: false, error: 'interrupted' });
  });

  it('does not start on a signal that is already aborted', async () => {
    expect(await runSleep(60_000, ctx(AbortSignal.abort()))).toEqual({ ok: false, error: 'interrupted' });
  });

  it('is cut short by a timeout signal', async () => {
    expect(await runSleep(60_000, ctx(AbortSignal.timeout(30)))).toEqual({ ok: false, error: 'interrupted' });
  });
});
