import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { buildPlan } from '../../../src/plan/build.js';
import { supervise } from '../../../src/supervise/supervise.js';
import { FakeState, fakePorts, waitUntil } from '../../helpers/fakes.js';

const postStop = [
  { run: ['umount'] },
  { run: ['on-failure'], when: 'failure' },
  { run: ['on-recovery'], when: 'recovery' },
  { run: ['on-signal'], when: 'signal' },
  { run: ['on-success'], when: 'success' },
];
const plan = () =>
  buildPlan(configSchema.parse({ state: '/fake/state', hooks: { preStart: [{ run: ['mount'] }], postStop }, stop: { timeout: '200ms' } }), ['daemon'], {});

function setup() {
  const fakes = fakePorts();
  const state = new FakeState(fakes.processes.calls);
  return { ...fakes, state, ports: { ...fakes.ports, state } };
}

describe('recovery of a killed run (state:)', () => {
  it('records postStop as owed from before preStart until postStop has run', async () => {
    const { ports, processes, state } = setup();
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    expect(await running).toBe(0);
    expect(processes.calls).toEqual([
      'state lock locked',
      'state owed preStartCompleted=false',
      'task mount [preStart]',
      'state owed preStartCompleted=true',
      'main daemon',
      'task umount [postStop]',
      'task on-success [postStop]',
      'state cleared',
    ]);
    expect(state.owed).toBeUndefined();
  });

  it('runs the owed postStop first, with HOOKVISOR_STOP_REASON=recovery and the always, failure and recovery tasks, then the usual lifecycle', async () => {
    const { ports, processes, state, logger } = setup();
    state.owed = { record: { version: 1, since: '2026-11-23T08:00:00.000Z', pid: 1, preStartCompleted: true } };
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    expect(await running).toBe(0);
    expect(processes.calls.slice(0, 6)).toEqual([
      'state lock locked',
      'task umount [postStop, recovery]',
      'task on-failure [postStop, recovery]',
      'task on-recovery [postStop, recovery]',
      'state cleared',
      'state owed preStartCompleted=false',
    ]);
    expect(processes.calls[6]).toBe('task mount [preStart]');
    expect(logger.events).toContainEqual({
      event: 'recovery.start',
      path: state.path,
      since: '2026-11-23T08:00:00.000Z',
      previousPid: 1,
      preStartCompleted: true,
      unreadable: undefined,
    });
    expect(logger.events).toContainEqual({ event: 'recovery.end', failed: 0 });
  });

  it('after a stop signal during the recovery, starts nothing and does not run postStop again', async () => {
    const { ports, processes, state, emitter, logger } = setup();
    state.owed = { record: { version: 1, since: '2026-11-23T08:00:00.000Z', pid: 1, preStartCompleted: true } };
    processes.taskExit = (argv) => {
      if (argv[0] === 'umount') emitter.emit('SIGTERM');
      return 0;
    };
    expect(await supervise(plan(), ports)).toBe(1);
    expect(processes.calls).toEqual([
      'state lock locked',
      'task umount [postStop, recovery]',
      'task on-failure [postStop, recovery]',
      'task on-recovery [postStop, recovery]',
      'state cleared',
    ]);
    expect(logger.events.at(-1)).toEqual({ event: 'hookvisor.exit', exitCode: 1, reason: 'signal' });
  });

  it('waits while another run holds the state directory, then goes on as usual', async () => {
    const { ports, processes, state, logger } = setup();
    state.locks = ['busy', 'busy'];
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    expect(await running).toBe(0);
    expect(processes.calls.slice(0, 4)).toEqual(['state lock busy', 'state lock busy', 'state lock locked', 'state owed preStartCompleted=false']);
    expect(logger.events.filter((e) => e.event.startsWith('state.'))).toEqual([
      { event: 'state.busy', path: state.path },
      { event: 'state.locked', path: state.path, waitedMs: expect.any(Number) },
    ]);
  });

  it('runs nothing, postStop included, when a stop signal comes while another run holds the state directory', async () => {
    const { ports, processes, state, emitter } = setup();
    state.locks = ['busy', 'busy', 'busy', 'busy'];
    state.owed = { record: { version: 1, since: '2026-11-23T08:00:00.000Z', pid: 1, preStartCompleted: true } };
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.length > 0);
    emitter.emit('SIGTERM');
    expect(await running).toBe(1);
    expect(new Set(processes.calls)).toEqual(new Set(['state lock busy']));
    expect(state.owed).toBeDefined();
  });

  it('runs nothing when the stop signal came while it waited, even if the lock is free by then', async () => {
    const { ports, processes, state, emitter } = setup();
    state.locks = ['busy', 'locked'];
    state.owed = { record: { version: 1, since: '2026-11-23T08:00:00.000Z', pid: 1, preStartCompleted: true } };
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.length > 0);
    emitter.emit('SIGTERM');
    expect(await running).toBe(1);
    // The stop ends the wait at once: the lock is not even tried again.
    expect(processes.calls).toEqual(['state lock busy']);
  });

  it("recovers nothing when the state directory cannot be locked (the record could be a live run's), and runs as usual", async () => {
    const { ports, processes, state, logger } = setup();
    state.locks = ['error'];
    state.owed = { record: { version: 1, since: '2026-11-23T08:00:00.000Z', pid: 1, preStartCompleted: true } };
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    expect(await running).toBe(0);
    // Without the lock the record is left as it is: never written, never removed.
    expect(processes.calls.slice(0, 2)).toEqual(['state lock error', 'task mount [preStart]']);
    expect(processes.calls.filter((c) => c.startsWith('state ')).slice(1)).toEqual([]);
    expect(logger.events).toContainEqual({ event: 'state.error', path: state.path, during: 'lock', error: 'EIO: i/o error' });
    expect(logger.events).toContainEqual({ event: 'state.left', path: state.path, why: expect.stringContaining('neither writes nor removes') });
    expect(logger.events.some((e) => e.event === 'recovery.start')).toBe(false);
  });

  it('goes on without the lock when the FFI is missing, saying so', async () => {
    const { ports, processes, state, logger } = setup();
    state.locks = ['unsupported'];
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    expect(await running).toBe(0);
    expect(logger.events).toContainEqual({ event: 'state.unlocked', path: state.path });
  });

  it('treats an unreadable record as owed', async () => {
    const { ports, processes, state, logger } = setup();
    state.owed = { unreadable: 'Unexpected end of JSON input' };
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 0 });
    await running;
    expect(processes.calls[1]).toBe('task umount [postStop, recovery]');
    expect(logger.events).toContainEqual(expect.objectContaining({ event: 'recovery.start', unreadable: 'Unexpected end of JSON input' }));
  });

  it('goes on, with cleanup as usual, when the record cannot be written', async () => {
    const { ports, processes, state, logger } = setup();
    state.failWrites = true;
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 3 });
    expect(await running).toBe(3);
    expect(logger.events.filter((e) => e.event === 'state.error')).toEqual([
      { event: 'state.error', path: state.path, during: 'write', error: 'EROFS: read-only file system' },
      { event: 'state.error', path: state.path, during: 'write', error: 'EROFS: read-only file system' },
    ]);
    expect(processes.calls).toContain('task umount [postStop]');
  });

  it('keeps the record when postStop itself broke, so the next start runs it again', async () => {
    const { ports, processes, state, emitter } = setup();
    const running = supervise(plan(), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    // An internal error inside postStop (not a failed task): the logger throws on postStop's first event.
    const log = ports.logger.log.bind(ports.logger);
    ports.logger.log = (e) => {
      if (e.event === 'phase.start' && e.phase === 'postStop') throw new Error('injected bug');
      log(e);
    };
    emitter.emit('SIGTERM');
    expect(await running).toBe(143);
    expect(processes.calls).not.toContain('state cleared');
    expect(state.owed?.record?.preStartCompleted).toBe(true);
  });
});
