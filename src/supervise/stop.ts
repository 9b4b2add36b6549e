import { runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import { runtimeEnv, type Stopped } from './exit-code.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import { escalate, type EscalationStep } from './terminate.js';

/** forward the stop signal now, SIGKILL the group at stop.timeout. */
function ladder(plan: Plan, signal: SignalName, group: boolean): EscalationStep[] {
  return [
    { signal, atMs: 0, group },
    { signal: 'SIGKILL', atMs: plan.stop.timeoutMs, group: true },
  ];
}

/** Lifecycle step 4: preStop while main runs, then forward the stop signal and escalate to SIGKILL. */
export async function stopMain(plan: Plan, main: WatchedMain, received: SignalName, ports: SupervisorPorts): Promise<void> {
  ports.logger.log({ event: 'stop.start', signal: received });
  await runPhase(plan.tasks.preStop, ports, { baseEnv: plan.env, runtime: runtimeEnv('preStop', main.pid) });
  await escalate(main, ladder(plan, plan.stop.forward ?? received, plan.stop.group), plan.stop.killWaitMs, ports);
}

/** Lifecycle step 3: main ended by itself; whatever it left in its group gets the stop signal, then SIGKILL. */
export async function stopLeftovers(plan: Plan, main: WatchedMain, ports: SupervisorPorts): Promise<void> {
  await escalate(main, ladder(plan, plan.stop.forward ?? 'SIGTERM', true), plan.stop.killWaitMs, ports);
}

/** Lifecycle step 5: postStop tasks whose `when` matches how the run ended. Failures are logged, never thrown. */
export async function runPostStop(plan: Plan, stopped: Stopped, ports: SupervisorPorts): Promise<void> {
  const tasks = plan.tasks.postStop.filter((t) => {
    const runs = t.when === 'always' || t.when === stopped.reason;
    if (!runs) ports.logger.log({ event: 'hook.skip', phase: 'postStop', task: t.name, why: `when: ${t.when}, but the stop reason is ${stopped.reason}` });
    return runs;
  });
  await runPhase(tasks, ports, { baseEnv: plan.env, runtime: runtimeEnv('postStop', stopped.mainPid, stopped) });
}
