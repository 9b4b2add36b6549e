import { SpawnError } from '../errors/errors.js';
import type { Plan } from '../plan/types.js';
import type { ExitStatus, RunningMain } from '../process/ports.js';
import type { SupervisorPorts } from './ports.js';

export interface WatchedMain extends RunningMain {
  /** Main's exit status once it has been reaped, else undefined. */
  status(): ExitStatus | undefined;
}

/** Starts main in its own process group; a program that cannot run comes back as a SpawnError value. */
export async function startMain(argv: readonly string[], plan: Plan, ports: SupervisorPorts): Promise<WatchedMain | SpawnError> {
  let running: RunningMain;
  try {
    running = await ports.processes.spawnMain(argv, plan.env, plan.main?.user);
  } catch (err) {
    if (!(err instanceof SpawnError)) throw err;
    ports.logger.log({ event: 'main.spawn-error', command: [...argv], code: err.code, exitCode: err.exitCode });
    return err;
  }
  let status: ExitStatus | undefined;
  const exited = running.exited.then((s) => {
    status = s;
    ports.logger.log({ event: 'main.exit', pid: running.pid, exitCode: s.exitCode, signal: s.signal });
    return s;
  });
  ports.logger.log({ event: 'main.start', pid: running.pid, command: [...argv] });
  return { pid: running.pid, exited, reaped: running.reaped, status: () => status };
}
