import { runPhase, type PhaseResult } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import { exitCodeOf, runtimeEnv, type Stopped } from './exit-code.js';
import type { WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import { escalate, type EscalationStep } from './terminate.js';

/** The stop signal now, stop.escalation's steps between, SIGKILL to everything at `killAtMs`. */
function ladder(plan: Plan, signal: SignalName, group: boolean, killAtMs = plan.stop.timeoutMs): EscalationStep[] {
  const between = plan.stop.ladder.filter((s) => s.atMs < killAtMs).map((s) => ({ ...s, group: true }));
  return [{ signal, atMs: 0, group }, ...between, { signal: 'SIGKILL', atMs: killAtMs, group: true }];
}

/**
 * Lifecycle step 4: preStop while main runs, then forward the stop signal and escalate to SIGKILL.
 * With a grace period, preStop and the wait are held to the budget's deadlines so postStop starts in time.
 * Returns the clock time of the SIGKILL, which also ends the tasks beside main.
 */
export async function stopMain(plan: Plan, main: WatchedMain, received: SignalName, ports: SupervisorPorts): Promise<number> {
  const start = ports.clock.now();
  const deadlines = plan.budget.deadlines;
  ports.logger.log({ event: 'stop.start', signal: received });
  const preStopDeadline = deadlines && start + deadlines.preStopEndMs;
  await runPhase(plan.tasks.preStop, ports, { baseEnv: plan.env, runtime: runtimeEnv('preStop', main.pid), deadline: preStopDeadline });
  const killAt = deadlines ? Math.max(0, Math.min(plan.stop.timeoutMs, start + deadlines.killAtMs - ports.clock.now())) : plan.stop.timeoutMs;
  const killAtClock = ports.clock.now() + killAt;
  await escalate(main, ladder(plan, plan.stop.forward ?? received, plan.stop.group, killAt), plan.stop.killWaitMs, ports);
  return killAtClock;
}

/** Lifecycle step 3: main ended by itself; whatever it left in its group gets the stop signal, then SIGKILL. */
export async function stopLeftovers(plan: Plan, main: WatchedMain, ports: SupervisorPorts): Promise<number> {
  const killAtClock = ports.clock.now() + plan.stop.timeoutMs;
  await escalate(main, ladder(plan, plan.stop.forward ?? 'SIGTERM', true), plan.stop.killWaitMs, ports);
  return killAtClock;
}

/** Lifecycle step 5: postStop tasks whose `when` matches how the run ended. Failures are logged, never thrown. */
export async function runPostStop(plan: Plan, stopped: Stopped, ports: SupervisorPorts): Promise<PhaseResult> {
  const status = exitCodeOf(stopped, plan.exitRemap);
  const tasks = plan.tasks.postStop.filter((t) => {
    const runs = t.when === 'always' || t.when === stopped.reason || (t.when === 'failure' && status !== 0) || (t.when === 'success' && status === 0);
    if (!runs) ports.logger.log({ event: 'hook.skip', phase: 'postStop', task: t.name, why: `when: ${t.when}, but the stop reason is ${stopped.reason} and the status ${status}` });
    return runs;
  });
  return runPhase(tasks, ports, { baseEnv: plan.env, runtime: runtimeEnv('postStop', stopped.mainPid, stopped) });
}
