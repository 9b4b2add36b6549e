import { SpawnError } from '../errors/errors.js';
import { runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import { exitCodeOf, runtimeEnv, type Stopped } from './exit-code.js';
import { startMain, type WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import { holdState, owePostStop, recover, settlePostStop } from './recover.js';
import { routeSignals, type SignalRouter } from './signal-router.js';
import { cutAfterStop, settleBeside } from './cut.js';
import { handleSignalTasks } from './signal-tasks.js';
import { runPostStop, stopLeftovers, stopMain } from './stop.js';

/**
 * The whole lifecycle, in order: recovery of a killed run's postStop, preStart, start main, postStart,
 * wait for a stop signal or main's exit, preStop and escalation, postStop, exit status.
 * postStop runs whatever happened before it; with `state:` it is owed from preStart on, even across a hard kill.
 */
export async function supervise(plan: Plan, ports: SupervisorPorts): Promise<number> {
  if (!plan.main) throw new Error('supervise() needs a plan with a main command');
  const router = routeSignals(plan.stop, ports);
  try {
    const hold = await holdState(ports, router.stopRequested);
    let recovered = false;
    if (hold === 'held' || hold === 'unlocked') await guarded(ports, 'recovery', async () => void (recovered = await recover(plan, ports)));
    // A stop signal while another run held the state, or during the recovery: nothing has started since.
    const interrupted = hold === 'stopped' || (recovered && router.stopRequested());
    const stopped: Stopped = interrupted ? { reason: 'signal' } : await runUntilStopped(plan, plan.main.argv, ports, router);
    if (!interrupted && (await guarded(ports, 'postStop', () => runPostStop(plan, stopped, ports)))) settlePostStop(ports);
    const exitCode = exitCodeOf(stopped, plan.exitRemap);
    ports.logger.log({ event: 'hookvisor.exit', exitCode, reason: stopped.reason });
    return exitCode;
  } finally {
    router.dispose();
  }
}

async function runUntilStopped(plan: Plan, argv: readonly string[], ports: SupervisorPorts, router: SignalRouter): Promise<Stopped> {
  let main: WatchedMain | undefined;
  let signalTasksDone = async () => {};
  try {
    const since = new Date().toISOString();
    owePostStop(plan, ports, since, false);
    const preStartCut = cutAfterStop(plan, router, ports);
    const preStart = await runPhase(plan.tasks.preStart, ports, { baseEnv: plan.env, runtime: runtimeEnv('preStart', undefined), cancelled: router.stopRequested, cut: preStartCut.signal });
    preStartCut.dispose();
    if (router.stopRequested()) return { reason: 'signal' };
    if (preStart.aborted) return { reason: 'start-failed' };
    owePostStop(plan, ports, since, true);

    const started = await startMain(argv, plan, ports);
    if (started instanceof SpawnError) return { reason: 'start-failed', spawnExitCode: started.exitCode };
    main = started;
    router.forwardTo(main.pid);
    const running = main;
    const beside = new AbortController();
    signalTasksDone = handleSignalTasks(plan, router, () => running.pid, ports, beside.signal);
    const postStart = runPhase(plan.tasks.postStart, ports, {
      baseEnv: plan.env,
      runtime: runtimeEnv('postStart', main.pid),
      cancelled: () => router.stopRequested() || running.status() !== undefined,
      cut: beside.signal,
    });

    const signal = await Promise.race([main.exited.then(() => undefined), router.stopSignal]);
    router.markStopping();
    const killAt = signal === undefined ? await stopLeftovers(plan, main, ports) : await stopMain(plan, main, signal, ports);
    await settleBeside(Promise.all([postStart, signalTasksDone()]), killAt, beside, ports);
    return { reason: signal === undefined ? 'exit' : 'signal', mainPid: main.pid, main: main.status() };
  } catch (err) {
    // A bug of ours must not cost the cleanup: stop main if it runs, then postStop as usual.
    ports.logger.log({ event: 'internal.error', error: errorText(err), during: 'lifecycle' });
    if (main && !main.status()) await guarded(ports, 'emergency stop', () => stopLeftovers(plan, main!, ports));
    return { reason: main ? 'signal' : 'start-failed', mainPid: main?.pid, main: main?.status() };
  }
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
