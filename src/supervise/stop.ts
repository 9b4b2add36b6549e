import { type PhaseResult, runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import { exitCodeOf, runtimeEnv, type Stopped } from './exit-code.js';
import type { Lifecycle } from './lifecycle.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import type { Sender } from './send.js';
import { type EscalationStep, escalate } from './terminate.js';

/** The stop signal now, then stop.escalation's steps; SIGKILL comes from the deadline. */
const ladder = (plan: Plan, signal: SignalName, group: boolean): EscalationStep[] => [
  { signal, atMs: 0, group },
  ...plan.stop.ladder.map((s) => ({ ...s, group: true })),
];

/**
 * Lifecycle step 4: preStop while main runs, then forward the stop signal and escalate to SIGKILL at the
 * deadline. With a grace period, preStop ends by the budget's own deadline so postStop starts in time.
 */
export async function stopMain(plan: Plan, main: WatchedMain, life: Lifecycle, ports: SupervisorPorts, send: Sender): Promise<void> {
  const { deadline } = life;
  const preStopEnd = plan.budget.deadlines && deadline.signalledAt! + plan.budget.deadlines.preStopEndMs;
  await runPhase(plan.tasks.preStop, ports, { baseEnv: plan.env, runtime: runtimeEnv('preStop', main.pid), deadline: preStopEnd, cut: deadline.cut });
  // The wait for main starts with the forward: the deadline and the ladder count from the same instant.
  const start = ports.clock.now();
  deadline.ended('preStop', start);
  await escalate(main, ladder(plan, plan.stop.forward ?? life.signal!, plan.stop.group), start, deadline, ports, send);
}

/** Lifecycle step 3: main ended by itself; whatever it left gets the stop signal, then SIGKILL at the deadline. */
export async function stopLeftovers(plan: Plan, main: WatchedMain, life: Lifecycle, ports: SupervisorPorts, send: Sender): Promise<void> {
  const start = ports.clock.now();
  life.deadline.ended('exit', start);
  await escalate(main, ladder(plan, plan.stop.forward ?? 'SIGTERM', true), start, life.deadline, ports, send);
}

/** Lifecycle step 5: postStop tasks whose `when` matches how the run ended, cut at the end of the grace period. Failures are logged, never thrown. */
export async function runPostStop(plan: Plan, stopped: Stopped, ports: SupervisorPorts, cut?: AbortSignal): Promise<PhaseResult> {
  const status = exitCodeOf(stopped, plan.exitRemap);
  const tasks = plan.tasks.postStop.filter((t) => {
    const runs = t.when === 'always' || t.when === stopped.reason || (t.when === 'failure' && status !== 0) || (t.when === 'success' && status === 0);
    if (!runs)
      ports.logger.log({
        event: 'hook.skip',
        phase: 'postStop',
        task: t.name,
        why: `when: ${t.when}, but the stop reason is ${stopped.reason} and the status ${status}`,
      });
    return runs;
  });
  return runPhase(tasks, ports, { baseEnv: plan.env, runtime: runtimeEnv('postStop', stopped.mainPid, stopped), cut });
}
