import type { Config, PostStopTaskConfig, TaskConfig } from '../config/schema.js';
import { displayArg, expand, partialExpand, referencedVariables, UnsetVariableError, type Lookup } from '../config/expand.js';
import { positioned } from '../config/load.js';
import type { KeyPath, YamlSource } from '../config/yaml-source.js';
import { formatPath } from '../config/yaml-source.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { computeBudget } from './budget.js';
import { PHASES, RUNTIME_VARIABLES, type Phase, type Plan, type PlannedTask } from './types.js';

/** After SIGKILL the kernel needs moments; longer means a process stuck in uninterruptible sleep. */
export const KILL_WAIT_MS = 2000;

export interface PlanOptions {
  hooksFile?: string;
  /** Positions for errors found while expanding variables. */
  source?: YamlSource;
}

/**
 * Pure: turns the validated config, the command after `--` and the environment into the Plan.
 * Every problem found here is a ConfigError, thrown before anything is started.
 */
export function buildPlan(config: Config, argv: readonly string[], env: NodeJS.ProcessEnv, opts: PlanOptions = {}): Plan {
  const issues: ConfigIssue[] = [];
  const at = <T>(path: KeyPath, fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      const message = err instanceof UnsetVariableError || err instanceof Error ? err.message : String(err);
      issues.push(opts.source ? positioned(path, message, opts.source) : { path: formatPath(path), message });
      return fallback;
    }
  };

  const inherited: Lookup = (name) => env[name];
  const fileEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.env)) fileEnv[name] = at(['env', name], () => expand(value, inherited), value);
  const mainEnv: Record<string, string> = { ...definedOnly(env), ...fileEnv };
  const lookupMain: Lookup = (name) => mainEnv[name];

  const main =
    argv.length > 0
      ? { argv: [...argv], from: 'command line' as const }
      : config.main
        ? { argv: config.main.command.map((a, i) => at(['main', 'command', i], () => expand(a, lookupMain), a)), from: 'hooks file' as const }
        : undefined;

  const tasks = {} as Record<Phase, PlannedTask[]>;
  for (const phase of PHASES) {
    tasks[phase] = config.hooks[phase].map((task, index) => planTask(phase, index, task, lookupMain, at));
  }

  if (issues.length > 0) throw new ConfigError(opts.hooksFile, issues);
  const { signals, forward, timeout, group } = config.stop;
  const stop = { signals, forward, timeoutMs: timeout, group, killWaitMs: KILL_WAIT_MS };
  return {
    hooksFile: opts.hooksFile,
    main,
    env: mainEnv,
    fileEnvNames: Object.keys(fileEnv),
    stop,
    tasks,
    budget: computeBudget(tasks.preStop, stop, tasks.postStop),
  };
}

type At = <T>(path: KeyPath, fn: () => T, fallback: T) => T;

function planTask(phase: Phase, index: number, task: TaskConfig | PostStopTaskConfig, base: Lookup, at: At): PlannedTask {
  const path = ['hooks', phase, index];
  const taskEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.env)) taskEnv[name] = at([...path, 'env', name], () => expand(value, base), value);
  const lookup: Lookup = (name) => taskEnv[name] ?? base(name);
  let argv: string[];
  if (task.run) {
    argv = task.run.map((a, i) => at([...path, 'run', i], () => partialExpand(a, lookup, RUNTIME_VARIABLES), a));
  } else {
    // sh expands ${VAR} itself from the environment: same values, and no way for a value to become shell syntax.
    const script = task.shell!;
    at([...path, 'shell'], () => checkShellVariables(script, lookup), undefined);
    argv = ['/bin/sh', '-c', script];
  }
  return {
    phase,
    index,
    name: task.name ?? (task.run ? argv.map(displayArg).join(' ') : task.shell!),
    kind: task.run ? 'run' : 'shell',
    argv,
    timeoutMs: task.timeout,
    onFailure: task.onFailure ?? (phase === 'preStart' ? 'abort' : 'continue'),
    when: 'when' in task ? task.when : 'always',
    env: taskEnv,
    cwd: task.cwd === undefined ? undefined : at([...path, 'cwd'], () => expand(task.cwd!, lookup), task.cwd),
  };
}

function checkShellVariables(script: string, lookup: Lookup): void {
  for (const ref of referencedVariables(script)) {
    if (!ref.hasDefault && !RUNTIME_VARIABLES.has(ref.name) && lookup(ref.name) === undefined) throw new UnsetVariableError(ref.name);
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
