import { SpawnError } from '../errors/errors.js';
import { type PhaseResult, runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import type { SignalName } from '../signals/names.js';
import { exitCodeOf, runtimeEnv, type Stopped } from './exit-code.js';
import { Lifecycle } from './lifecycle.js';
import { startMain, type WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import { type Hold, holdState, owePostStop, recover, settlePostStop } from './recover.js';
import { type Sender, sender } from './send.js';
import { routeSignals, type SignalRouter } from './signal-router.js';
import { handleSignalTasks } from './signal-tasks.js';
import { runPostStop, stopLeftovers, stopMain } from './stop.js';
import { clearEverything } from './sweep.js';

/** What one run of the lifecycle needs at every step. */
interface Run {
  plan: Plan;
  ports: SupervisorPorts;
  life: Lifecycle;
  router: SignalRouter;
  send: Sender;
}

/**
 * The whole lifecycle, in order: hold the state directory, recover a killed run's postStop, preStart,
 * start main, run it, stop it (or what it left), clear everything left, postStop, exit status.
 * postStop runs whatever happened before it; with `state:` it is owed from preStart on, even across a hard kill.
 */
export async function supervise(plan: Plan, ports: SupervisorPorts): Promise<number> {
  if (!plan.main) throw new Error('supervise() needs a plan with a main command');
  const life = new Lifecycle(plan, ports);
  const send = sender(ports.processes, ports.logger);
  const router = routeSignals(plan.stop, life, ports, send, Object.keys(plan.on) as SignalName[]);
  const run: Run = { plan, ports, life, router, send };
  try {
    const hold = await holdStateDir(run);
    const recovered = await recoverOwed(run, hold);
    // A stop while another run held the state, or during the recovery: nothing has started, nothing is owed.
    const interrupted = hold === 'stopped' || (recovered && life.stopRequested());
    const stopped: Stopped = interrupted ? { reason: 'signal' } : await runUntilStopped(run);
    if (!interrupted && (await clearAndPostStop(run, stopped))) settlePostStop(ports, life.deadline.graceCut.aborted);
    life.enter('exit');
    const exitCode = exitCodeOf(stopped, plan.exitRemap);
    ports.logger.log({ event: 'hookvisor.exit', exitCode, reason: stopped.reason });
    return exitCode;
  } finally {
    router.dispose();
    life.dispose();
  }
}

async function holdStateDir({ ports, life }: Run): Promise<Hold> {
  life.enter('lock');
  return holdState(ports, life.stopping);
}

async function recoverOwed({ plan, ports, life }: Run, hold: Hold): Promise<boolean> {
  if (hold !== 'held' && hold !== 'unlocked') return false;
  life.enter('recovery');
  let recovered = false;
  // Counted from its start: a recovery that broke half-way must not be followed by a second postStop.
  await guarded(ports, 'recovery', () => recover(plan, ports, life.deadline.graceCut, () => void (recovered = true)));
  return recovered;
}

/** preStart, main, and its stop; a bug of ours must not cost the cleanup, so it ends like a stop. */
async function runUntilStopped(run: Run): Promise<Stopped> {
  let main: WatchedMain | undefined;
  try {
    const preStart = await runPreStart(run);
    if (preStart !== 'done') return { reason: preStart === 'stopped' ? 'signal' : 'start-failed' };
    run.life.enter('spawn');
    const started = await startMain(run.plan.main!.argv, run.plan, run.ports);
    if (started instanceof SpawnError) return { reason: 'start-failed', spawnExitCode: started.exitCode };
    main = started;
    const reason = await runAndStop(run, main);
    return { reason, mainPid: main.pid, main: main.status() };
  } catch (err) {
    run.ports.logger.log({ event: 'internal.error', error: errorText(err), during: 'lifecycle' });
    const endedByItself = main?.status() !== undefined;
    // Main's status is part of the contract: stop it as everything else, and wait until it is reaped.
    if (main && !main.status()) await emergencyStop(run, main);
    // A main that had ended by itself before the error ended by 'exit'; the emergency stop is no stop signal.
    const reason = !main ? 'start-failed' : !run.life.stopRequested() && endedByItself ? 'exit' : 'signal';
    return { reason, mainPid: main?.pid, main: main?.status() };
  }
}

async function runPreStart({ plan, ports, life }: Run): Promise<'done' | 'failed' | 'stopped'> {
  if (life.stopRequested()) return 'stopped';
  life.enter('preStart');
  const since = new Date().toISOString();
  owePostStop(plan, ports, since, false);
  // A stop during preStart skips the rest; a task still running is cut at the stop's SIGKILL time.
  const r = await runPhase(plan.tasks.preStart, ports, {
    baseEnv: plan.env,
    runtime: runtimeEnv('preStart', undefined),
    skip: life.stopping,
    cut: life.deadline.cut,
  });
  if (life.stopRequested()) return 'stopped';
  if (r.aborted) return 'failed';
  owePostStop(plan, ports, since, true);
  return 'done';
}

/** Main runs with postStart and the on: tasks beside it until it exits or a stop signal comes; then it is stopped. */
async function runAndStop(run: Run, main: WatchedMain): Promise<'signal' | 'exit'> {
  const { plan, ports, life, router, send } = run;
  life.enter('running');
  router.forwardTo(main);
  const signalTasksDone = handleSignalTasks(plan, router, life, () => main.pid, ports);
  const mainEnded = new AbortController();
  void main.exited.then(() => mainEnded.abort('main exited'));
  const postStart = runPhase(plan.tasks.postStart, ports, {
    baseEnv: plan.env,
    runtime: runtimeEnv('postStart', main.pid),
    skip: AbortSignal.any([life.stopping, mainEnded.signal]),
    cut: life.deadline.cut,
  });
  const signal = await Promise.race([main.exited.then(() => undefined), life.stopSignal]);
  if (signal !== undefined) {
    life.enter('stopping');
    await stopMain(plan, main, life, ports, send);
  } else {
    life.enter('clearing');
    await stopLeftovers(plan, main, life, ports, send);
  }
  // The tasks beside main may finish until the SIGKILL time; the deadline's cut ends what still runs then.
  await Promise.all([postStart, signalTasksDone()]);
  return signal === undefined ? 'exit' : 'signal';
}

async function emergencyStop({ plan, ports, life, send }: Run, main: WatchedMain): Promise<void> {
  life.enter('clearing');
  life.deadline.ended('exit');
  await guarded(ports, 'emergency stop', () => clearEverything(plan.stop.forward ?? 'SIGTERM', life.deadline, ports, send));
  if (main.reaped()) await main.exited;
}

/** Clears everything left, then postStop; false when postStop could not run to its end (an internal error). */
async function clearAndPostStop({ plan, ports, life, send }: Run, stopped: Stopped): Promise<boolean> {
  life.enter('clearing');
  if (life.deadline.killAt === undefined) life.deadline.ended(stopped.reason === 'exit' ? 'exit' : 'start-failed');
  await guarded(ports, 'clearing', () => clearEverything(plan.stop.forward ?? life.signal ?? 'SIGTERM', life.deadline, ports, send));
  life.enter('postStop');
  return guarded(ports, 'postStop', (): Promise<PhaseResult> => runPostStop(plan, stopped, ports, life.deadline.graceCut));
}

/** Runs a step whose failure must not stop the lifecycle; false when it threw (logged). */
async function guarded(ports: SupervisorPorts, during: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    ports.logger.log({ event: 'internal.error', error: errorText(err), during });
    return false;
  }
}

const errorText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
