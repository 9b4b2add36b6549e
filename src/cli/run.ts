import { UsageError } from '../errors/errors.js';
import { writeFileAtomic } from '../files/atomic.js';
import { loadFlock } from '../libc/flock.js';
import { createLogger, type Logger } from '../log/logger.js';
import { redactingLogger, redactValue } from '../log/redact.js';
import type { Plan } from '../plan/types.js';
import type { ProcessPort } from '../process/ports.js';
import { realClock } from '../process/real.js';
import { recordingLogger, type StopReport } from '../report/recorder.js';
import { fileState } from '../state/file.js';
import { supervise } from '../supervise/supervise.js';
import type { CliIo } from './app.js';
import type { CliArgs } from './args.js';
import { realProcessPorts } from './wiring.js';

/** Supervises main under the plan, with the real process around it, then writes the stop report. */
export async function run(plan: Plan, args: CliArgs, io: CliIo, version: string): Promise<number> {
  if (!plan.main) throw new UsageError('no command to run: give COMMAND after -- or main.command in the hooks file');
  // Masked first, so the stop report, built from the events, never holds a secret either.
  const base = redactingLogger(createLogger({ level: args.logLevel, format: args.logFormat, color: io.color }), plan.redact);
  const recorder = plan.reportPath ? recordingLogger(base, plan) : undefined;
  const logger = recorder?.logger ?? base;
  io.onLogger?.(logger);
  logger.log({ event: 'hookvisor.start', version, pid: process.pid, hooksFile: args.hooks });
  if (plan.budget.problem) logger.log({ event: 'budget.problem', problem: plan.budget.problem });
  if (plan.budget.unknownGrace) logger.log({ event: 'budget.unknown', timeoutMs: plan.stop.timeoutMs, outcomes: plan.budget.unknownGrace });
  const { processes, stop } = await realProcessPorts(io, logger);
  if (hasTasks(plan)) loadTasksAfterMain(processes);
  try {
    const state = plan.stateDir === undefined ? undefined : fileState(plan.stateDir, process.pid, await loadFlock().catch(() => undefined));
    // A signal that came while code was read synchronously (the bundle's CommonJS app, yaml, zod) waits in
    // libuv's signal pipe: two immediates take the loop through one poll phase, so it is seen before main starts.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const code = await supervise(plan, { signals: io.signals, processes, clock: realClock, logger, state, redact: plan.redact });
    if (recorder) writeReport(plan.reportPath!, recorder.report(), base, plan.redact);
    return code;
  } finally {
    stop();
  }
}

const hasTasks = (plan: Plan) => Object.values(plan.tasks).some((tasks) => tasks.length > 0) || Object.keys(plan.on).length > 0 || plan.stateDir !== undefined;

/** The task runner is loaded right after main starts, not before it, and not in the middle of a stop. */
function loadTasksAfterMain(processes: ProcessPort): void {
  const spawnMain = processes.spawnMain;
  processes.spawnMain = async (...args) => {
    const main = await spawnMain(...args);
    setImmediate(() => void processes.tasksReady?.());
    return main;
  };
}

/** A report that cannot be written (a full volume: ENOSPC) is logged with its errno, the old one left whole; it never changes the exit status. */
function writeReport(path: string, report: StopReport, logger: Logger, redact: (text: string) => string): void {
  try {
    writeFileAtomic(path, `${JSON.stringify(redactValue(report, redact), null, 2)}\n`);
    logger.log({ event: 'report.written', path });
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    logger.log({ event: 'report.error', path, error: (err as Error).message, ...(errno ? { errno } : {}) });
  }
}
