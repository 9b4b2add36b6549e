import { isAbsolute } from 'node:path';
import { expand, type Lookup } from '../config/expand.js';
import { formatPath, type KeyPath, positioned } from '../config/key-path.js';
import type { Config } from '../config/schema.js';
import type { YamlSource } from '../config/yaml-source.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { KILL_WAIT_MS } from '../limits/timing.js';
import { normalizeSignal, RELAYED_SIGNALS, type SignalName } from '../signals/names.js';
import type { At } from './at.js';
import { afterSignal, computeBudget } from './budget.js';
import { expandEnv } from './plan-env.js';
import { homeUnlessSet, planTask, type UserResolver } from './plan-task.js';
import { redactor } from './secrets.js';
import { PHASES, type Plan, type PlannedTask, type SignalTasks } from './types.js';
import { CLEANUP_STOP_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS } from './unknown-grace.js';

export { KILL_WAIT_MS } from '../limits/timing.js';

export interface PlanOptions {
  hooksFile?: string;
  /** Positions for errors found while expanding variables. */
  source?: YamlSource;
  /** --grace-period or HOOKVISOR_GRACE_PERIOD; wins over stop.gracePeriod. */
  gracePeriodMs?: number;
  /** Resolves `user:` specs from the image's /etc/passwd and /etc/group; without it users stay unresolved. */
  resolveUser?: UserResolver;
}

/**
 * Turns the validated config, the command after `--` and the environment into the Plan.
 * Pure but for `resolveUser`. Every problem found here is a ConfigError, thrown before anything starts.
 */
export function buildPlan(config: Config, argv: readonly string[], env: NodeJS.ProcessEnv, opts: PlanOptions = {}): Plan {
  const issues: ConfigIssue[] = [];
  const at: At = (path, fn, fallback) => {
    try {
      return fn();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      issues.push(opts.source ? positioned(path, message, opts.source) : { path: formatPath(path), message });
      return fallback;
    }
  };

  const inherited: Lookup = (name) => env[name];
  const fileEnv = expandEnv(config.env, inherited, at, ['env']);
  const mainEnv: Record<string, string> = { ...definedOnly(env), ...fileEnv };
  const lookup: Lookup = (name) => mainEnv[name];

  const command = argv.length > 0 ? [...argv] : config.main?.command?.map((a, i) => at(['main', 'command', i], () => expand(a, lookup), a));
  const mainUser = config.main?.user;
  // A HOME in the file's env is meant for every process, those run as a user too.
  const resolveUser = opts.resolveUser && ((spec: string) => homeUnlessSet(opts.resolveUser!(spec), fileEnv));
  const user = mainUser !== undefined && resolveUser ? at(['main', 'user'], () => resolveUser(mainUser), undefined) : undefined;
  const main = command ? { argv: command, from: argv.length > 0 ? ('command line' as const) : ('hooks file' as const), user } : undefined;

  const tasks = {} as Plan['tasks'];
  for (const phase of PHASES) {
    tasks[phase] = config.hooks[phase].map((task, index) => planTask({ phase, index, path: ['hooks', phase, index] }, task, lookup, at, resolveUser));
  }
  const { signals, group, gracePeriod } = config.stop;
  const on = planSignalTasks(config, signals, lookup, at, resolveUser);
  at(['stop', 'escalation'], () => checkLadder(config.stop), undefined);
  const reportPath = config.report === undefined ? undefined : at(['report'], () => expand(config.report!, lookup), config.report);
  const stateDir = config.state === undefined ? undefined : at(['state'], () => absolute(expand(config.state!, lookup)), config.state);

  // Every secret-looking variable's value, the file's, the tasks' and the inherited ones, wherever it shows.
  const taskEnvs = [...Object.values(tasks).flat(), ...Object.values(on).flatMap((o) => o!.tasks)].map((t) => t.env);
  const redact = redactor(mainEnv, ...taskEnvs);
  if (issues.length > 0)
    throw new ConfigError(
      opts.hooksFile,
      issues.map((i) => ({ ...i, message: redact(i.message) })),
    );
  const gracePeriodMs = opts.gracePeriodMs ?? gracePeriod;
  // Without a grace period, Docker's 10s would end a 10s wait for main before postStop: wait less.
  const cleanupDefault = config.stop.timeout === undefined && gracePeriodMs === undefined && afterSignal(tasks.postStop).length > 0;
  const timeoutMs = config.stop.timeout ?? (cleanupDefault ? CLEANUP_STOP_TIMEOUT_MS : DEFAULT_STOP_TIMEOUT_MS);
  const stop = { signals, group, killWaitMs: KILL_WAIT_MS, gracePeriodMs, ...ladderOf(config.stop, timeoutMs), ...(cleanupDefault ? { cleanupDefault } : {}) };
  const exitRemap = Object.fromEntries(Object.entries(config.exit.remap).map(([from, to]) => [Number(from), to]));
  return {
    hooksFile: opts.hooksFile,
    main,
    env: mainEnv,
    fileEnvNames: Object.keys(fileEnv),
    stop,
    exitRemap,
    tasks,
    on,
    budget: computeBudget(tasks.preStop, stop, tasks.postStop),
    reportPath,
    stateDir,
    redact,
  };
}

function planSignalTasks(config: Config, stopSignals: readonly SignalName[], lookup: Lookup, at: At, resolveUser?: UserResolver): Plan['on'] {
  const on: Plan['on'] = {};
  for (const [key, entry] of Object.entries(config.on)) {
    const signal = at(['on', key] as KeyPath, () => signalKey(key, stopSignals), undefined);
    if (!signal) continue;
    const tasks: PlannedTask[] = entry.tasks.map((task, index) =>
      planTask({ phase: 'on', index, signal, path: ['on', key, 'tasks', index] }, task, lookup, at, resolveUser),
    );
    on[signal] = { tasks, forward: entry.forward } satisfies SignalTasks;
  }
  return on;
}

type StopConfig = Config['stop'];

/** stop.escalation, as the forward, the SIGKILL time and the steps between; without one, forward and timeout. */
function ladderOf(stop: StopConfig, timeoutMs: number): { forward?: StopConfig['forward']; timeoutMs: number; ladder: { signal: SignalName; atMs: number }[] } {
  const steps = stop.escalation;
  if (!steps) return { forward: stop.forward, timeoutMs, ladder: [] };
  const kill = steps.findIndex((s) => s.signal === 'SIGKILL');
  const killAt = kill >= 0 ? steps[kill]!.after : steps.at(-1)!.after + timeoutMs;
  const middle = steps.slice(1, kill >= 0 ? kill : undefined).map((s) => ({ signal: s.signal, atMs: s.after }));
  return { forward: steps[0]!.signal, timeoutMs: killAt, ladder: middle };
}

function checkLadder(stop: StopConfig): void {
  const steps = stop.escalation;
  if (!steps) return;
  if (stop.forward !== undefined) throw new Error('give either stop.forward (with stop.timeout) or stop.escalation, not both');
  if (steps[0]!.after !== 0) throw new Error('the first escalation step is the forward itself: it has no "after"');
  steps.forEach((s, i) => {
    if (i > 0 && s.after <= steps[i - 1]!.after)
      throw new Error(`escalation steps must come in time order: step ${i + 1} (${s.signal}) is not after step ${i}`);
  });
  const kill = steps.findIndex((s) => s.signal === 'SIGKILL');
  if (kill >= 0 && kill !== steps.length - 1) throw new Error('SIGKILL ends everything: it can only be the last escalation step');
}

function signalKey(key: string, stopSignals: readonly SignalName[]): SignalName {
  const signal = normalizeSignal(key);
  if (!signal || !RELAYED_SIGNALS.includes(signal)) throw new Error(`"${key}" is not a signal hookvisor can catch (${RELAYED_SIGNALS.join(', ')})`);
  if (stopSignals.includes(signal)) throw new Error(`${signal} is a stop signal: put its tasks in hooks.preStop`);
  return signal;
}

function absolute(path: string): string {
  if (!isAbsolute(path)) throw new Error(`"${path}" is not an absolute path: give a directory on a persistent volume, such as /var/lib/hookvisor`);
  return path;
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
