import { createRequire } from 'node:module';
import { defaultConfig } from '../config/defaults.js';
import type { YamlSource } from '../config/yaml-source.js';
import { ConfigError, UsageError } from '../errors/errors.js';
import { formatError } from '../errors/format.js';
import type { Logger } from '../log/logger.js';
import { buildPlan } from '../plan/build.js';
import type { Plan } from '../plan/types.js';
import { resolveUser } from '../process/users.js';
import type { SignalSource } from '../signals/source.js';
import { type CliArgs, parseArgs } from './args.js';
import { dryRun } from './dry-run.js';
import { HELP } from './help.js';
import { run } from './run.js';

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
export const VERSION: string =
  typeof HOOKVISOR_VERSION === 'string' ? HOOKVISOR_VERSION : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Runs one command line to its exit status. Errors become one readable message and exit 2, never a stack trace. */
export async function runCli(io: CliIo): Promise<number> {
  try {
    const args = parseArgs(io.args, io.env);
    const text = await infoText(args.command);
    if (text !== undefined) {
      io.stdout(text);
      return 0;
    }
    const { plan, source } = await loadPlan(args, io);
    return args.command === 'dry-run' ? dryRun(plan, args, io, source) : await run(plan, args, io, VERSION);
  } catch (err) {
    io.stderr(`${formatError(err)}\n`);
    return err instanceof ConfigError || err instanceof UsageError ? 2 : 1;
  }
}

/** What help, version and schema print; undefined for the commands that read a plan. */
async function infoText(command: CliArgs['command']): Promise<string | undefined> {
  if (command === 'help') return HELP;
  if (command === 'version') return `hookvisor ${VERSION}\n`;
  if (command === 'schema') return `${JSON.stringify((await import('../config/json-schema.js')).hooksJsonSchema(), null, 2)}\n`;
  return undefined;
}

/** The hooks file (judged first when root will run it), then the plan that dry-run prints and run executes. */
async function loadPlan(args: CliArgs, io: CliIo): Promise<{ plan: Plan; source?: YamlSource }> {
  // yaml and zod are loaded only to read a hooks file: a run without one starts main sooner.
  if (args.hooks === undefined) return { plan: buildPlan(defaultConfig(), args.argv, io.env, { gracePeriodMs: args.gracePeriodMs, resolveUser }) };
  const [{ loadConfigFile }, { trustCheck }] = await Promise.all([import('../config/load.js'), import('../config/trust.js')]);
  // dry-run starts nothing, so only run insists on a hooks file that only root can change.
  const trust = args.command === 'run' && io.uid === 0 && !args.allowInsecureHooks ? trustCheck(args.hooks, io.uid) : undefined;
  const loaded = loadConfigFile(args.hooks, trust);
  const plan = buildPlan(loaded.config, args.argv, io.env, { hooksFile: args.hooks, source: loaded.source, gracePeriodMs: args.gracePeriodMs, resolveUser });
  return { plan, source: loaded.source };
}
