import type { Plan } from '../plan/types.js';
import { waitUntil } from '../process/wait.js';
import type { StatePort } from '../state/ports.js';
import type { SupervisorPorts } from './ports.js';
import { runPostStop } from './stop.js';

type Attempt<T> = { ok: true; value: T } | { ok: false };

/** A state file that cannot be read or written is logged: the lifecycle goes on, with cleanup as usual. */
function onState<T>(ports: SupervisorPorts, state: StatePort, during: 'lock' | 'read' | 'write' | 'clear', fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    ports.logger.log({ event: 'state.error', path: state.path, during, error: (err as Error).message });
    return { ok: false };
  }
}

/** State directories this run could not lock: their record could be a live run's, so it is never written or removed. */
const unheld = new WeakSet<StatePort>();

/** How often a start waiting for the state directory tries again. */
const LOCK_RETRY_MS = 200;

/** How a run stands with the state directory: held; no FFI to lock it; could not lock it; or stopped while waiting. */
export type Hold = 'held' | 'unlocked' | 'failed' | 'stopped';

/**
 * Waits until this run holds the state directory, while another hookvisor (a run still stopping, or a
 * second container on the same volume) holds it. 'stopped' when a stop signal came while waiting: then
 * nothing may run, since the record is the other run's. Only a held (or, without the FFI, an unlockable)
 * directory may be recovered: an unlocked record could be a live run's.
 */
export async function holdState(ports: SupervisorPorts, stopping: AbortSignal): Promise<Hold> {
  const state = ports.state;
  if (!state) return 'held';
  const since = ports.clock.now();
  for (let waited = false; ; waited = true) {
    const r = onState(ports, state, 'lock', () => state.tryLock());
    if (waited && stopping.aborted) return 'stopped';
    if (!r.ok) {
      unheld.add(state);
      ports.logger.log({
        event: 'state.left',
        path: state.path,
        why: "the state directory could not be locked: its record could be a live run's, so this run neither writes nor removes it",
      });
      return 'failed';
    }
    if (r.value === 'unsupported') {
      ports.logger.log({ event: 'state.unlocked', path: state.path });
      return 'unlocked';
    }
    if (r.value === 'locked') {
      if (waited) ports.logger.log({ event: 'state.locked', path: state.path, waitedMs: Math.round(ports.clock.now() - since) });
      return 'held';
    }
    if (!waited) ports.logger.log({ event: 'state.busy', path: state.path });
    if ((await waitUntil(ports.clock, ports.clock.now() + LOCK_RETRY_MS, stopping)) === 'cut') return 'stopped';
  }
}

/**
 * Lifecycle step 0: a run that was killed before its postStop finished (OOM, SIGKILL, node failure) left
 * a record; its postStop runs now, with HOOKVISOR_STOP_REASON=recovery, before anything starts.
 * Returns whether it ran.
 */
export async function recover(plan: Plan, ports: SupervisorPorts, cut?: AbortSignal, onStart?: () => void): Promise<boolean> {
  const state = ports.state;
  if (!state) return false;
  const found = onState(ports, state, 'read', () => state.read());
  if (!found.ok || !found.value) return false;
  const { record, unreadable } = found.value;
  ports.logger.log({
    event: 'recovery.start',
    path: state.path,
    since: record?.since,
    previousPid: record?.pid,
    preStartCompleted: record?.preStartCompleted,
    unreadable,
  });
  onStart?.();
  let failed = 0;
  try {
    failed = (await runPostStop(plan, { reason: 'recovery' }, ports, cut)).failed;
  } finally {
    // Also after an internal error: the stop report's own tasks must not land in the recovery's list.
    ports.logger.log({ event: 'recovery.end', failed });
  }
  settlePostStop(ports, cut?.aborted === true);
  return true;
}

/** Records that postStop is owed: before preStart starts (`preStartCompleted` false), and again once it ran to its end. */
export function owePostStop(plan: Plan, ports: SupervisorPorts, since: string, preStartCompleted: boolean): void {
  const state = ports.state;
  if (!state || unheld.has(state)) return;
  onState(ports, state, 'write', () => state.write({ since, hooksFile: plan.hooksFile, preStartCompleted }));
}

/**
 * postStop ran to its end (its tasks' failures are logged, not owed again): nothing is owed any more. One
 * the grace period cut short did not get to its end, so it stays owed and the next start runs it again.
 */
export function settlePostStop(ports: SupervisorPorts, cut = false): void {
  const state = ports.state;
  if (!state || unheld.has(state)) return;
  if (cut) ports.logger.log({ event: 'state.left', path: state.path, why: 'postStop was cut by the grace period before its end: it is owed again' });
  else onState(ports, state, 'clear', () => state.clear());
}
