import type { Plan } from '../plan/types.js';
import type { StatePort } from '../state/ports.js';
import type { SupervisorPorts } from './ports.js';
import { runPostStop } from './stop.js';

type Attempt<T> = { ok: true; value: T } | { ok: false };

/** A state file that cannot be read or written is logged: the lifecycle goes on, with cleanup as usual. */
function onState<T>(ports: SupervisorPorts, state: StatePort, during: 'read' | 'write' | 'clear', fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    ports.logger.log({ event: 'state.error', path: state.path, during, error: (err as Error).message });
    return { ok: false };
  }
}

/**
 * Lifecycle step 0: a run that was killed before its postStop finished (OOM, SIGKILL, node failure) left
 * a record; its postStop runs now, with HOOKVISOR_STOP_REASON=recovery, before anything starts.
 * Returns whether it ran.
 */
export async function recover(plan: Plan, ports: SupervisorPorts): Promise<boolean> {
  const state = ports.state;
  if (!state) return false;
  const found = onState(ports, state, 'read', () => state.read());
  if (!found.ok || !found.value) return false;
  const { record, unreadable } = found.value;
  ports.logger.log({ event: 'recovery.start', path: state.path, since: record?.since, previousPid: record?.pid, preStartCompleted: record?.preStartCompleted, unreadable });
  let failed = 0;
  try {
    failed = (await runPostStop(plan, { reason: 'recovery' }, ports)).failed;
  } finally {
    // Also after an internal error: the stop report's own tasks must not land in the recovery's list.
    ports.logger.log({ event: 'recovery.end', failed });
  }
  onState(ports, state, 'clear', () => state.clear());
  return true;
}

/** Records that postStop is owed: before preStart starts (`preStartCompleted` false), and again once it ran to its end. */
export function owePostStop(plan: Plan, ports: SupervisorPorts, since: string, preStartCompleted: boolean): void {
  const state = ports.state;
  if (!state) return;
  onState(ports, state, 'write', () => state.write({ since, hooksFile: plan.hooksFile, preStartCompleted }));
}

/** postStop ran to its end (its tasks' failures are logged, not owed again): nothing is owed any more. */
export function settlePostStop(ports: SupervisorPorts): void {
  const state = ports.state;
  if (state) onState(ports, state, 'clear', () => state.clear());
}
