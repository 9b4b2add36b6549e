import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { ATTEMPT_OVERRUN_MS, GRACE_MARGIN_MS } from '../../../src/limits/timing.js';
import { memoryLogger } from '../../../src/log/logger.js';
import { buildPlan } from '../../../src/plan/build.js';
import type { Clock } from '../../../src/process/ports.js';
import { StopDeadline } from '../../../src/supervise/deadline.js';

/** A clock the test moves by hand; its delays fire as it passes them. */
function manualClock() {
  let now = 1000;
  const timers: { at: number; fire: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    delay(ms) {
      let fire = () => {};
      const promise = new Promise<void>((r) => (fire = r));
      const t = { at: now + ms, fire };
      timers.push(t);
      return { promise, cancel: () => void timers.splice(timers.indexOf(t), 1) };
    },
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) t.fire();
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}

const plan = (stop: object) => buildPlan(configSchema.parse({ stop, hooks: { postStop: [{ run: ['true'], timeout: '1s' }] } }), ['daemon'], {});

describe('the stop deadline', () => {
  it("cuts postStop early enough that a cut task's kill and last output still leave the margin whole", async () => {
    const { clock, advance } = manualClock();
    const d = new StopDeadline(plan({ gracePeriod: '10s' }), clock, memoryLogger());
    d.signalled(false);
    await advance(10_000 - GRACE_MARGIN_MS - ATTEMPT_OVERRUN_MS - 1);
    expect(d.graceCut.aborted).toBe(false);
    await advance(1);
    expect(d.graceCut.aborted).toBe(true);
  });

  it('counts a signal that waited in the start-up queue from when it arrived', () => {
    const { clock } = manualClock();
    const d = new StopDeadline(plan({ gracePeriod: '10s' }), clock, memoryLogger());
    d.signalled(false, 80);
    expect(d.signalledAt).toBe(1000 - 80);
  });

  it('only ever moves forward: a later, longer deadline changes nothing', async () => {
    const { clock, advance } = manualClock();
    const d = new StopDeadline(plan({ timeout: '2s' }), clock, memoryLogger());
    d.ended('exit');
    const first = d.killAt;
    await advance(500);
    d.ended('preStop');
    expect(d.killAt).toBe(first);
  });
});
