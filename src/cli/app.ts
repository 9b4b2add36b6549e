import { createRequire } from 'node:module';
import { join } from 'node:path';
import { hooksJsonSchema } from '../config/json-schema.js';
import { loadConfigFile } from '../config/load.js';
import { trustCheck } from '../config/trust.js';
import { configSchema } from '../config/schema.js';
import { ConfigError, UsageError } from '../errors/errors.js';
import { formatError } from '../errors/format.js';
import { loadFlock } from '../libc/flock.js';
import { createLogger, type Logger } from '../log/logger.js';
import { redactingLogger, redactValue } from '../log/redact.js';
import { writeFileAtomic } from '../files/atomic.js';
import { recordingLogger, type StopReport } from '../report/recorder.js';
import { buildPlan } from '../plan/build.js';
import { renderPlan } from '../plan/render.js';
import { setupPid1 } from '../pid1/setup.js';
import { asUser, userEnv } from '../process/as-user.js';
import { ownChildren } from '../process/proc.js';
import { resolveUser } from '../process/users.js';
import type { ProcessPort } from '../process/ports.js';
import { ownedPids, procView, realClock, realProcesses } from '../process/real.js';
import type { SignalSource } from '../signals/source.js';
import { fileState, OWED_FILE, readOwed } from '../state/file.js';
import { supervise } from '../supervise/supervise.js';
import { parseArgs } from './args.js';
import { HELP } from './help.js';

/** What the CLI needs from the outside world; `main.ts` passes the real process. */
export interface CliIo {
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  signals: SignalSource;
  /** SIGCHLD deliveries, for the orphan reaper. */
  childSignals: SignalSource;
  /** Main gets the terminal as its foreground process group. */
  stdinIsTTY: boolean;
  /** Our uid: as root the hooks file must be root's alone. */
  uid: number;
  /** Colour pretty logs (stderr is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** Told the run's logger once there is one, so errors caught outside the lifecycle are logged in its format. */
  onLogger?(logger: Logger): void;
}

/** Set by the bundler; the tsc build reads package.json instead. */
declare const HOOKVISOR_VERSION: string | undefined;
export const VERSION: string = typeof HOOKVISOR_VERSION === 'string' ? HOOKVISOR_VERSION : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

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

/** Runs one command line to its exit status. Errors become one readable message and exit 2, never a stack trace. */
export async function runCli(io: CliIo): Promise<number> {
  try {
    const args = parseArgs(io.args, io.env);
    if (args.command === 'help') return io.stdout(HELP), 0;
    if (args.command === 'version') return io.stdout(`hookvisor ${VERSION}\n`), 0;
    if (args.command === 'schema') return io.stdout(`${JSON.stringify(hooksJsonSchema(), null, 2)}\n`), 0;

    // dry-run starts nothing, so only run insists on a hooks file that only root can change.
    const trust = args.command === 'run' && args.hooks !== undefined && io.uid === 0 && !args.allowInsecureHooks ? trustCheck(args.hooks, io.uid) : undefined;
    const loaded = args.hooks === undefined ? undefined : loadConfigFile(args.hooks, trust);
    const config = loaded?.config ?? configSchema.parse({});
    const plan = buildPlan(config, args.argv, io.env, { hooksFile: args.hooks, source: loaded?.source, gracePeriodMs: args.gracePeriodMs, resolveUser });
    // A postStop that cannot fit its grace period is an error to fix before deploying, and a warning at run time.
    if (args.command === 'dry-run') {
      io.stdout(plan.redact(renderPlan(plan, { owed: plan.stateDir === undefined ? undefined : readOwed(join(plan.stateDir, OWED_FILE)) !== undefined })));
      if (!plan.budget.problem) return 0;
      io.stderr(`hookvisor: ${args.hooks ?? '<command line>'}: stop budget: ${plan.budget.problem}\n`);
      return 2;
    }
    if (!plan.main) throw new UsageError('no command to run: give COMMAND after -- or main.command in the hooks file');

    // Masked first, so the stop report, built from the events, never holds a secret either.
    const base = redactingLogger(createLogger({ level: args.logLevel, format: args.logFormat, color: io.color }), plan.redact);
    const recorder = plan.reportPath ? recordingLogger(base, plan) : undefined;
    const logger = recorder?.logger ?? base;
    io.onLogger?.(logger);
    logger.log({ event: 'hookvisor.start', version: VERSION, pid: process.pid, hooksFile: args.hooks });
    if (plan.budget.problem) logger.log({ event: 'budget.problem', problem: plan.budget.problem });
    if (plan.budget.unknownGrace) logger.log({ event: 'budget.unknown', timeoutMs: plan.stop.timeoutMs, outcomes: plan.budget.unknownGrace });
    const pid1 = await setupPid1({ pid: process.pid, owned: ownedPids, childSignals: io.childSignals, logger, listChildren: () => ownChildren(process.pid, procView.ownProc, procView.procSelf) });
    if (!procView.ownProc) logger.log({ event: 'proc.foreign', procSelf: procView.procSelf });
    // Reap before looking, never between a look and the signals sent from it: a reaped pid may be reused.
    const processes: ProcessPort = {
      ...realProcesses,
      leftovers(pid) {
        pid1.reapNow();
        return realProcesses.leftovers(pid);
      },
      everything() {
        pid1.reapNow();
        return realProcesses.everything();
      },
    };
    // Main is spawned outside libuv whenever the FFI is there, so its exit status is exact for every signal;
    // an interactive main (docker run -it) also gets the terminal, so Ctrl-C reaches it once and directly.
    const own = pid1.spawnOwn;
    if (own) processes.spawnMain = async (argv, env, user) => own(asUser(argv, user), userEnv(env, user), io.stdinIsTTY);
    try {
      const state = plan.stateDir === undefined ? undefined : fileState(plan.stateDir, process.pid, await loadFlock().catch(() => undefined));
      const code = await supervise(plan, { signals: io.signals, processes, clock: realClock, logger, state, redact: plan.redact });
      if (recorder) writeReport(plan.reportPath!, recorder.report(), base, plan.redact);
      return code;
    } finally {
      pid1.stop();
    }
  } catch (err) {
    io.stderr(`${formatError(err)}\n`);
    return err instanceof ConfigError || err instanceof UsageError ? 2 : 1;
  }
}
