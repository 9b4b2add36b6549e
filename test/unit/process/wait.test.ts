// Issue 14: the forward is the escalation's step at 0 ms; a time already reached must not wait for a timer tick.
import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../src/process/ports.js';
import { waitUntil } from '../../../src/process/wait.js';

const clockAt = (now: number) => ({ now: () => now, delay: vi.fn<Clock['delay']>(() => ({ promise: new Promise<void>(() => {}), cancel: () => {} })) });

describe('waitUntil', () => {
  it('resolves a time already reached at once, without a timer', async () => {
    const clock = clockAt(100);
    await expect(waitUntil(clock, 100, new AbortController().signal)).resolves.toBe('time');
    await expect(waitUntil(clock, 40, new AbortController().signal)).resolves.toBe('time');
    expect(clock.delay).not.toHaveBeenCalled();
  });

  it('still waits for a time to come, and a cut still wins', async () => {
    const clock = clockAt(100);
    const cut = new AbortController();
    const waiting = waitUntil(clock, 150, cut.signal);
    expect(clock.delay).toHaveBeenCalledWith(50);
    cut.abort();
    await expect(waiting).resolves.toBe('cut');
  });
});
