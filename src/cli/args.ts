import { parseDuration } from '../config/duration.js';
import { UsageError } from '../errors/errors.js';
import { LEVELS, type Level } from '../log/events.js';
import type { LogFormat } from '../log/logger.js';

export interface CliArgs {
  command: 'run' | 'dry-run' | 'schema' | 'help' | 'version';
  hooks?: string;
  logLevel: Level;
  logFormat: LogFormat;
  /** --grace-period or HOOKVISOR_GRACE_PERIOD, in ms. */
  gracePeriodMs?: number;
  /** --allow-insecure-hooks: run as root from a hooks file others can write. */
  allowInsecureHooks: boolean;
  /** COMMAND [ARG...] given after `--` (or after the options). */
  argv: string[];
}

const VALUE_OPTIONS = ['--hooks', '--log-level', '--log-format', '--grace-period'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Parses the command line; environment variables give the defaults the flags override. */
export function parseArgs(args: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  const values: Partial<Record<ValueOption, string>> = {};
  let command: CliArgs['command'] = 'run';
  let i = 0;
  if (args[0] === 'run' || args[0] === 'dry-run' || args[0] === 'schema') command = args[i++] as CliArgs['command'];
  let argv: string[] = [];
  let allowInsecureHooks = false;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--allow-insecure-hooks') {
      allowInsecureHooks = true;
      continue;
    }
    if (arg === '--') {
      argv = args.slice(i + 1);
      break;
    }
    if (arg === '--help' || arg === '-h') return { ...defaults(env), command: 'help', argv: [], allowInsecureHooks };
    if (arg === '--version' || arg === '-V') return { ...defaults(env), command: 'version', argv: [], allowInsecureHooks };
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      values[name as ValueOption] = value;
      continue;
    }
    if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    // The first plain word starts COMMAND, as with `tini cmd`; `--` is still the safe spelling.
    argv = args.slice(i);
    break;
  }
  const d = defaults(env);
  return {
    command,
    hooks: values['--hooks'] ?? d.hooks,
    logLevel: level(values['--log-level'] ?? d.logLevel),
    logFormat: format(values['--log-format'] ?? d.logFormat),
    gracePeriodMs: values['--grace-period'] !== undefined ? grace(values['--grace-period'], '--grace-period') : d.gracePeriodMs,
    allowInsecureHooks,
    argv,
  };
}

function defaults(env: NodeJS.ProcessEnv): Omit<CliArgs, 'command' | 'argv' | 'allowInsecureHooks'> {
  return {
    hooks: env.HOOKVISOR_HOOKS || undefined,
    logLevel: level(env.HOOKVISOR_LOG_LEVEL || 'info', 'HOOKVISOR_LOG_LEVEL'),
    logFormat: format(env.HOOKVISOR_LOG_FORMAT || 'json', 'HOOKVISOR_LOG_FORMAT'),
    gracePeriodMs: env.HOOKVISOR_GRACE_PERIOD ? grace(env.HOOKVISOR_GRACE_PERIOD, 'HOOKVISOR_GRACE_PERIOD') : undefined,
  };
}

function level(value: string, from = '--log-level'): Level {
  if ((LEVELS as readonly string[]).includes(value)) return value as Level;
  throw new UsageError(`${from} must be one of ${LEVELS.join(', ')}; got "${value}"`);
}

/** A pod spec passes terminationGracePeriodSeconds as a bare number of seconds; units work too. */
function grace(value: string, from: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`${from}: ${(err as Error).message}`);
  }
}

function format(value: string, from = '--log-format'): LogFormat {
  if (value === 'json' || value === 'pretty') return value;
  throw new UsageError(`${from} must be json or pretty; got "${value}"`);
}
