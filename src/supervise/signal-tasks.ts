import { runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import { runtimeEnv } from './exit-code.js';
import type { Lifecycle } from './lifecycle.js';
import type { SupervisorPorts } from './ports.js';
import type { SignalRouter } from './signal-router.js';

interface State {
  running?: Promise<void>;
  queued: boolean;
}

/**
 * The `on:` section: a signal with tasks runs them, then is forwarded unless `forward: false`.
 * One that arrives while its tasks run is queued once: never lost, never run twice at the same time.
 * Returns a function resolving when every running set of tasks has finished.
 */
export function handleSignalTasks(
  plan: Plan,
  router: SignalRouter,
  life: Lifecycle,
  mainPid: () => number | undefined,
  ports: SupervisorPorts,
): () => Promise<void> {
  const states = new Map<SignalName, State>();
  router.intercept((signal) => {
    const entry = plan.on[signal];
    if (!entry) return false;
    const state = states.get(signal) ?? { queued: false };
    states.set(signal, state);
    if (state.running) {
      if (state.queued) ports.logger.log({ event: 'signal.ignored', signal, why: 'its tasks are running and one more run is already queued' });
      state.queued = true;
      return true;
    }
    state.running = (async () => {
      do {
        state.queued = false;
        await runPhase(entry.tasks, ports, { baseEnv: plan.env, runtime: runtimeEnv('on', mainPid(), undefined, signal), cut: life.deadline.cut });
        if (entry.forward) router.forward(signal);
        // A run queued before a stop began is dropped: the stop is what matters now.
      } while (state.queued && life.phase === 'running');
      state.running = undefined;
    })();
    return true;
  });
  return async () => {
    await Promise.all([...states.values()].map((s) => s.running));
  };
}
