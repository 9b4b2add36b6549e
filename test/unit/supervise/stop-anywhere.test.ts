import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { describe as describeEvent, levelOf } from '../../../src/log/events.js';
import { memoryLogger } from '../../../src/log/logger.js';
import { buildPlan } from '../../../src/plan/build.js';
import { installSignals } from '../../../src/signals/source.js';
import { supervise } from '../../../src/supervise/supervise.js';
import { type Behaviour, FakeKernel } from '../../helpers/fake-kernel.js';
import { FakeState, realTimeClock } from '../../helpers/fakes.js';

// The grace period is 4 s; the budget: 4 s - 500 ms margin - postStop's worst case (200 ms + 400 ms for its kill) = 2.9 s.
const POST_STOP_BY_MS = 2900;
const plan = () =>
  buildPlan(
    configSchema.parse({
      stop: { timeout: '300ms', gracePeriod: '4s' },
      hooks: {
        preStart: [{ run: ['pre1'] }, { run: ['pre2'] }],
        postStart: [{ run: ['post-start'] }],
        preStop: [{ run: ['pre-stop'] }],
        postStop: [{ run: ['post-stop'], timeout: '200ms' }],
      },
    }),
    ['daemon'],
    {},
  );

const STUBBORN: Behaviour = { diesOn: [], afterMs: 0 };
const SLOW: Behaviour = { diesOn: ['SIGTERM'], afterMs: 20, exitsAfterMs: 60_000 };

interface Case {
  at: string;
  /** Sets up the kernel; `stop()` delivers a stop signal there. */
  arrange(k: FakeKernel, state: FakeState, stop: () => void): void;
  exitCode: number;
  postStops?: number;
}

const once = (fn: () => void) => {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
};

const CASES: Case[] = [
  {
    at: 'the wait for the state lock',
    arrange: (_, s, stop) => {
      s.locks = ['busy', 'busy', 'busy'];
      s.onLock = once(stop);
    },
    exitCode: 1,
    postStops: 0,
  },
  {
    at: 'the recovery',
    arrange: (k, s, stop) => {
      s.owed = { record: { version: 1, pid: 7, since: 'then', preStartCompleted: true } };
      k.onSpawn = (c) => c === 'post-stop' && stop();
    },
    exitCode: 1,
  },
  { at: 'before anything started', arrange: (_, __, stop) => stop(), exitCode: 1 },
  {
    at: 'the first preStart task',
    arrange: (k, _, stop) => {
      k.tasks.pre1 = SLOW;
      k.onSpawn = (c) => c === 'pre1' && stop();
    },
    exitCode: 1,
  },
  {
    at: 'between preStart tasks',
    arrange: (k, _, stop) => {
      k.onExit = (c) => c === 'pre1' && stop();
    },
    exitCode: 1,
  },
  {
    at: 'a preStart task that left a daemon ignoring SIGTERM',
    arrange: (k, _, stop) => {
      k.tasks.pre2 = { ...SLOW, leaves: STUBBORN };
      k.onSpawn = (c) => c === 'pre2' && stop();
    },
    exitCode: 1,
  },
  {
    at: 'main spawning',
    arrange: (k, _, stop) => {
      k.main.spawnMs = 30;
      k.onSpawn = (c) => c === 'main' && stop();
    },
    exitCode: 143,
  },
  {
    at: 'postStart running',
    arrange: (k, _, stop) => {
      k.tasks['post-start'] = SLOW;
      k.onSpawn = (c) => c === 'post-start' && stop();
    },
    exitCode: 143,
  },
  {
    at: 'preStop running',
    arrange: (k, _, stop) => {
      k.tasks['post-start'] = SLOW;
      k.onSpawn = (c) => (c === 'post-start' || c === 'pre-stop') && stop();
    },
    exitCode: 143,
  },
  {
    at: 'each escalation step (main ignores SIGTERM and leaves an orphan that does too)',
    arrange: (k, _, stop) => {
      k.main = { ...STUBBORN, leaves: STUBBORN };
      k.onSpawn = (c) => c === 'post-start' && stop();
      k.onKill = (c) => c === 'main' && stop();
    },
    exitCode: 137,
  },
  {
    at: 'the wait for what a self-exited main left',
    arrange: (k, _, stop) => {
      k.main = { ...STUBBORN, exitsAfterMs: 20, code: 3, leaves: STUBBORN };
      k.onKill = (c, s) => c.startsWith('orphan') && s === 'SIGTERM' && stop();
    },
    exitCode: 3,
  },
  {
    at: 'postStop running',
    arrange: (k, _, stop) => {
      k.main = { ...STUBBORN, exitsAfterMs: 20, code: 0 };
      k.onSpawn = (c) => c === 'post-stop' && stop();
    },
    exitCode: 0,
  },
];

let kernel: FakeKernel | undefined;
afterEach(() => kernel?.killAll());

describe('a stop signal at every await point of the lifecycle', () => {
  it.each(CASES)('during $at: postStop runs once, after every process is gone, before the grace deadline', async ({ arrange, exitCode, postStops = 1 }) => {
    const emitter = new EventEmitter();
    const signals = installSignals(emitter as never, ['SIGTERM']);
    const k = (kernel = new FakeKernel());
    const calls: string[] = [];
    const state = new FakeState(calls);
    const logger = memoryLogger();
    const signalled: number[] = [];
    const stop = () => {
      signalled.push(performance.now());
      emitter.emit('SIGTERM');
    };
    const postStopAt: number[] = [];
    const spawnTask = k.spawnTask.bind(k);
    k.spawnTask = (argv, env) => {
      if (argv[0] === 'post-stop') postStopAt.push(performance.now());
      return spawnTask(argv, env);
    };
    arrange(k, state, stop);
    const code = await supervise(plan(), { signals, processes: k, clock: realTimeClock, logger, state });
    signals.dispose();

    expect(code).toBe(exitCode);
    expect(k.log.filter((l) => l === 'start post-stop')).toHaveLength(postStops);
    expect(
      k.aliveAtPostStop.every((alive) => alive.length === 0),
      JSON.stringify(k.aliveAtPostStop),
    ).toBe(true);
    expect(k.alive()).toEqual([]);
    expect(signalled.length).toBeGreaterThan(0);
    for (const at of postStopAt) expect(at - signalled[0]!).toBeLessThan(POST_STOP_BY_MS);
    expect(logger.events.filter((e) => e.event === 'internal.error')).toEqual([]);
  });
});

describe('what the log says about a stop', () => {
  const run = async (arrange: (k: FakeKernel, stop: () => void) => void) => {
    const emitter = new EventEmitter();
    const signals = installSignals(emitter as never, ['SIGTERM']);
    const k = (kernel = new FakeKernel());
    const logger = memoryLogger();
    arrange(k, () => emitter.emit('SIGTERM'));
    const code = await supervise(plan(), { signals, processes: k, clock: realTimeClock, logger, state: new FakeState([]) });
    signals.dispose();
    return { code, events: logger.events };
  };

  it('a stop signal during preStart is logged at info, with the phase it came in', async () => {
    const { code, events } = await run((k, stop) => {
      k.tasks.pre1 = SLOW;
      k.onSpawn = (c) => c === 'pre1' && stop();
    });
    expect(code).toBe(1);
    const start = events.find((e) => e.event === 'stop.start')!;
    expect(start).toEqual({ event: 'stop.start', signal: 'SIGTERM', phase: 'preStart' });
    expect(levelOf(start)).toBe('info');
    expect(describeEvent(start)).toBe('stopping on SIGTERM (during preStart)');
  });

  it("SIGKILL after main is gone goes to what it left, and says so rather than naming main's freed pid", async () => {
    const { events } = await run((k, stop) => {
      k.main = { diesOn: ['SIGTERM'], afterMs: 0, leaves: STUBBORN };
      k.onSpawn = (c) => c === 'post-start' && stop();
    });
    const kill = events.find((e) => e.event === 'stop.escalate' && e.signal === 'SIGKILL')!;
    expect(kill).toMatchObject({ to: 'leftovers' });
    expect(describeEvent(kill)).toMatch(/^still running after \d+ms: sending SIGKILL to what main \(pid \d+\) left$/);
  });
});
