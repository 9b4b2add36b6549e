import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { runTask } from '../../../src/hooks/run-task.js';
import { memoryLogger } from '../../../src/log/logger.js';
import { buildPlan } from '../../../src/plan/build.js';
import { FakeProcesses, realTimeClock } from '../../helpers/fakes.js';

const preStop = (task: object) => buildPlan(configSchema.parse({ hooks: { preStop: [task] } }), ['daemon'], {}).tasks.preStop[0]!;
const ports = () => ({ processes: new FakeProcesses(), clock: realTimeClock, logger: memoryLogger() });

describe('a task the stop deadline ends is reported as cut, not as timed out', () => {
  it('a sleep the deadline shortens', async () => {
    const r = await runTask(preStop({ sleep: '5s' }), {}, {}, ports(), realTimeClock.now() + 50);
    expect(r).toMatchObject({ ok: false, timedOut: true, cut: true, attempts: 1 });
  });

  it('a sleep the cut ends', async () => {
    const cut = new AbortController();
    setTimeout(() => cut.abort(), 30);
    const r = await runTask(preStop({ sleep: '5s' }), {}, {}, ports(), undefined, cut.signal);
    expect(r).toMatchObject({ ok: false, cut: true });
  });

  it('a task the deadline left no time for', async () => {
    const r = await runTask(preStop({ run: ['drain'] }), {}, {}, ports(), realTimeClock.now() - 1);
    expect(r).toMatchObject({ ok: false, cut: true, attempts: 0, error: 'no time left in the grace period' });
  });

  it('a retry the deadline takes away', async () => {
    const p = ports();
    p.processes.taskExit = () => 1;
    const r = await runTask(preStop({ run: ['drain'], retries: 3, retryDelay: '5s' }), {}, {}, p, realTimeClock.now() + 500);
    expect(r).toMatchObject({ ok: false, cut: true, exitCode: 1 });
  });

  it('but a sleep that ends at its own time is a success, and a failure with time left is a failure', async () => {
    expect(await runTask(preStop({ sleep: '20ms' }), {}, {}, ports(), realTimeClock.now() + 5000)).toMatchObject({ ok: true, timedOut: false });
    const p = ports();
    p.processes.taskExit = () => 1;
    const r = await runTask(preStop({ run: ['drain'] }), {}, {}, p, realTimeClock.now() + 5000);
    expect(r.ok).toBe(false);
    expect(r.cut).toBeUndefined();
  });
});
