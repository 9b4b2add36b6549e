import { SpawnError } from '../errors/errors.js';
import { runPhase } from '../hooks/run-phase.js';
import type { Plan } from '../plan/types.js';
import { exitCodeOf, runtimeEnv, type Stopped } from './exit-code.js';
import { startMain, type WatchedMain } from './main-process.js';
import type { SupervisorPorts } from './ports.js';
import { routeSignals, type SignalRouter } from './signal-router.js';
import { handleSignalTasks } from './signal-tasks.js';
import { runPostStop, stopLeftovers, stopMain } from './stop.js';

/**
 * The whole lifecycle, in order: preStart, start main, postStart, wait for a stop signal or main's exit,
 * preStop and escalation, postStop, exit status. postStop runs whatever happened before it.
 */
export async function supervise(plan: Plan, ports: SupervisorPorts): Promise<number> {
  if (!plan.main) throw new Error('supervise() needs a plan with a main command');
  const router = routeSignals(plan.stop, ports);
  try {
    const stopped = await runUntilStopped(plan, plan.main.argv, ports, router);
    await guarded(ports, 'postStop', () => runPostStop(plan, stopped, ports));
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
    const preStart = await runPhase(plan.tasks.preStart, ports, { baseEnv: plan.env, runtime: runtimeEnv('preStart', undefined), cancelled: router.stopRequested });
    if (router.stopRequested()) return { reason: 'signal' };
    if (preStart.aborted) return { reason: 'start-failed' };

    const started = await startMain(argv, plan, ports);
    if (started instanceof SpawnError) return { reason: 'start-failed', spawnExitCode: started.exitCode };
    main = started;
    router.forwardTo(main.pid);
    const running = main;
    signalTasksDone = handleSignalTasks(plan, router, () => running.pid, ports);
    const postStart = runPhase(plan.tasks.postStart, ports, {
      baseEnv: plan.env,
      runtime: runtimeEnv('postStart', main.pid),
      cancelled: () => router.stopRequested() || running.status() !== undefined,
    });

    const signal = await Promise.race([main.exited.then(() => undefined), router.stopSignal]);
    router.markStopping();
    if (signal === undefined) await stopLeftovers(plan, main, ports);
    else await stopMain(plan, main, signal, ports);
    await postStart;
    await signalTasksDone();
    return { reason: signal === undefined ? 'exit' : 'signal', mainPid: main.pid, main: main.status() };
  } catch (err) {
    // A bug of ours must not cost the cleanup: stop main if it runs, then postStop as usual.
    ports.logger.log({ event: 'internal.error', error: errorText(err), during: 'lifecycle' });
    if (main && !main.status()) await guarded(ports, 'emergency stop', () => stopLeftovers(plan, main!, ports));
    return { reason: main ? 'signal' : 'start-failed', mainPid: main?.pid, main: main?.status() };
  }
}

async function guarded(ports: SupervisorPorts, during: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ports.logger.log({ event: 'internal.error', error: errorText(err), during });
  }
}

const errorText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
