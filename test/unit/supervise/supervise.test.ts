import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { describe as describeEvent, levelOf } from '../../../src/log/events.js';
import { buildPlan } from '../../../src/plan/build.js';
import { supervise } from '../../../src/supervise/supervise.js';
import { fakePorts, waitUntil } from '../../helpers/fakes.js';

const plan = (hooks: object, argv = ['daemon']) => buildPlan(configSchema.parse({ hooks, stop: { timeout: '200ms' } }), argv, {});
const task = (name: string) => ({ run: [name] });
const phases = { preStart: [task('pre-start')], postStart: [], preStop: [task('pre-stop')], postStop: [task('post-stop')] };

describe('supervise', () => {
  it('runs the stop sequence on a signal and leaves no signal listener behind', async () => {
    const { ports, emitter, signals, processes, logger } = fakePorts();
    const running = supervise(plan(phases), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    emitter.emit('SIGTERM');
    expect(await running).toBe(143);
    expect(processes.calls).toEqual(['task pre-start [preStart]', 'main daemon', 'task pre-stop [preStop]', 'kill -100 SIGTERM', 'task post-stop [postStop]']);
    expect(logger.events.at(-1)).toEqual({ event: 'hookvisor.exit', exitCode: 143, reason: 'signal' });
    signals.dispose();
    expect(emitter.eventNames()).toEqual([]);
  });

  it('delivers a stop signal that came before supervise subscribed: nothing starts, postStop runs', async () => {
    const { ports, emitter, processes } = fakePorts();
    emitter.emit('SIGINT');
    expect(await supervise(plan(phases), ports)).toBe(1);
    expect(processes.calls).toEqual(['task post-stop [postStop]']);
  });

  it('treats a task that throws while starting as a failed task and goes on', async () => {
    const { ports, emitter, processes, logger } = fakePorts();
    processes.taskExit = (argv) => (argv[0] === 'pre-stop' ? new Error('injected fault') : 0);
    const running = supervise(plan(phases), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    emitter.emit('SIGTERM');
    expect(await running).toBe(143);
    expect(processes.calls.slice(2)).toEqual(['task pre-stop [preStop]', 'kill -100 SIGTERM', 'task post-stop [postStop]']);
    expect(logger.events).toContainEqual(expect.objectContaining({ event: 'hook.end', task: 'pre-stop', ok: false, error: 'injected fault' }));
  });

  it('still stops main and runs postStop when an internal error breaks the lifecycle', async () => {
    const { ports, emitter, processes, logger } = fakePorts();
    const kill = processes.kill.bind(processes);
    let broken = true;
    processes.kill = (pid, signal, group) => {
      // The first forward throws as a bug would; the emergency stop's signals then go through.
      if (broken && signal === 'SIGTERM') {
        broken = false;
        throw new Error('injected bug');
      }
      return kill(pid, signal, group);
    };
    const running = supervise(plan(phases), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    emitter.emit('SIGTERM');
    expect(await running).toBe(143);
    expect(logger.events).toContainEqual(
      expect.objectContaining({ event: 'internal.error', during: 'lifecycle', error: expect.stringContaining('injected bug') }),
    );
    // The emergency stop reaches main as everything left does, before postStop.
    expect(processes.calls).toEqual([
      'task pre-start [preStart]',
      'main daemon',
      'task pre-stop [preStop]',
      'kill everything SIGTERM',
      'kill 100 SIGTERM',
      'kill everything SIGCONT',
      'task post-stop [postStop]',
    ]);
  });

  it('after an internal error once main had ended by itself, the stop reason stays exit: no stop signal came', async () => {
    const { ports, processes, logger } = fakePorts();
    processes.leftovers = () => {
      throw new Error('injected bug');
    };
    const running = supervise(plan({ postStop: [task('post-stop')] }), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    processes.exitMain({ exitCode: 3 });
    expect(await running).toBe(3);
    expect(logger.events).toContainEqual(expect.objectContaining({ event: 'internal.error', during: 'lifecycle' }));
    expect(logger.events.at(-1)).toEqual({ event: 'hookvisor.exit', exitCode: 3, reason: 'exit' });
  });

  it('escalates to SIGKILL when main ignores the forwarded signal', async () => {
    const { ports, emitter, processes, logger } = fakePorts();
    processes.mainDiesOn = ['SIGKILL'];
    const running = supervise(plan({ postStop: [task('post-stop')] }), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    emitter.emit('SIGTERM');
    emitter.emit('SIGTERM');
    expect(await running).toBe(137);
    expect(processes.calls).toEqual(['main daemon', 'kill -100 SIGTERM', 'kill -100 SIGKILL', 'task post-stop [postStop]']);
    expect(logger.events).toContainEqual({ event: 'signal.ignored', signal: 'SIGTERM', why: 'a stop is already under way' });
    expect(logger.events).toContainEqual(expect.objectContaining({ event: 'stop.escalate', signal: 'SIGKILL', pid: 100, to: 'main' }));
  });

  it('forwards other signals to the group and passes main exit through', async () => {
    const { ports, emitter, processes } = fakePorts();
    const running = supervise(plan({}), ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    emitter.emit('SIGHUP');
    processes.exitMain({ exitCode: 4 });
    expect(await running).toBe(4);
    expect(processes.calls).toEqual(['main daemon', 'kill -100 SIGHUP']);
  });

  it('warns once, naming the fix, about a forwarded signal that would end main and is not a stop signal', async () => {
    const { ports, emitter, processes, logger } = fakePorts();
    const withOn = buildPlan(configSchema.parse({ on: { SIGHUP: { tasks: [task('reload')] } } }), ['daemon'], {});
    const running = supervise(withOn, ports);
    await waitUntil(() => processes.calls.includes('main daemon'));
    // SIGQUIT twice (one warning), SIGWINCH (harmless by default), SIGHUP (it has on: tasks): one warning in all.
    for (const s of ['SIGQUIT', 'SIGQUIT', 'SIGWINCH', 'SIGHUP'] as const) emitter.emit(s);
    await waitUntil(() => processes.calls.includes('kill -100 SIGHUP'));
    processes.exitMain({ exitCode: 0 });
    await running;
    const warnings = logger.events.filter((e) => e.event === 'signal.not-stop');
    expect(warnings).toEqual([{ event: 'signal.not-stop', signal: 'SIGQUIT', stopSignals: ['SIGTERM', 'SIGINT'] }]);
    expect(describeEvent(warnings[0]!)).toMatch(/stop\.signals.*STOPSIGNAL SIGTERM/);
    expect(levelOf(warnings[0]!)).toBe('warn');
  });
});
