import { displayArg, expand, type Lookup, partialExpand, referencedVariables, UnsetVariableError } from '../config/expand.js';
import type { PostStopTaskConfig, TaskConfig } from '../config/schema.js';
import type { KeyPath } from '../config/yaml-source.js';
import type { SignalName } from '../signals/names.js';
import type { At } from './at.js';
import { type DistributiveOmit, describeAction } from './describe.js';
import { expandEnv } from './plan-env.js';
import { planHttp } from './plan-http.js';
import { type Phase, type PlannedTask, type PlannedUser, RUNTIME_VARIABLES } from './types.js';

export type UserResolver = (spec: string) => PlannedUser;

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface TaskPlace {
  phase: Phase;
  index: number;
  path: KeyPath;
  signal?: SignalName;
}

/** Turns one validated task into its planned form, expanding variables and resolving its user. */
export function planTask(place: TaskPlace, task: TaskConfig | PostStopTaskConfig, base: Lookup, at: At, resolveUser?: UserResolver): PlannedTask {
  const { path } = place;
  const env = expandEnv(task.env, base, at, [...path, 'env']);
  const lookup: Lookup = (name) => env[name] ?? base(name);
  const common = {
    phase: place.phase,
    index: place.index,
    signal: place.signal,
    timeoutMs: task.timeout ?? (task.sleep !== undefined ? task.sleep : DEFAULT_TIMEOUT_MS),
    retries: task.retries,
    retryDelayMs: task.retryDelay,
    onFailure: task.onFailure ?? (place.phase === 'preStart' ? 'abort' : 'continue'),
    when: 'when' in task ? task.when : 'always',
    env,
  } as const;
  const named = <T extends DistributiveOmit<PlannedTask, 'name'>>(t: T) => ({ ...t, name: task.name ?? describeAction(t) }) as PlannedTask;
  if (task.sleep !== undefined) return named({ ...common, kind: 'sleep', sleepMs: task.sleep });
  if (task.http) return named({ ...common, kind: 'http', http: planHttp(task.http, lookup, at, [...path, 'http']) });
  if (task.unmount !== undefined) {
    const path = at([...place.path, 'unmount'], () => expand(task.unmount!, lookup), task.unmount);
    return named({ ...common, kind: 'unmount', unmount: { path, lazy: task.lazy ?? false } });
  }
  if (task.cryptClose !== undefined)
    return named({ ...common, kind: 'cryptClose', cryptClose: at([...place.path, 'cryptClose'], () => expand(task.cryptClose!, lookup), task.cryptClose) });
  if (task.detachLoop !== undefined)
    return named({ ...common, kind: 'detachLoop', detachLoop: at([...place.path, 'detachLoop'], () => expand(task.detachLoop!, lookup), task.detachLoop) });
  if (task.waitFor) {
    const w = task.waitFor;
    const state = w.state ?? (w.port !== undefined ? 'closed' : 'gone');
    return named({ ...common, kind: 'waitFor', waitFor: { port: w.port, host: w.host, path: w.path, state, intervalMs: w.interval } });
  }
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
    ...common,
    kind: task.run ? 'run' : 'shell',
    argv,
    name: task.name ?? (task.run ? argv.map(displayArg).join(' ') : task.shell!),
    cwd: task.cwd === undefined ? undefined : at([...path, 'cwd'], () => expand(task.cwd!, lookup), task.cwd),
    user: task.user === undefined || !resolveUser ? undefined : at([...path, 'user'], () => homeUnlessSet(resolveUser(task.user!), common.env), undefined),
  };
}

/** A HOME the hooks file gives wins over the user's own. */
export function homeUnlessSet(user: PlannedUser, env: Record<string, string>): PlannedUser {
  if (!('HOME' in env)) return user;
  const { home: _, ...rest } = user;
  return rest;
}

function checkShellVariables(script: string, lookup: Lookup): void {
  for (const ref of referencedVariables(script)) {
    if (!ref.hasDefault && !RUNTIME_VARIABLES.has(ref.name) && lookup(ref.name) === undefined) throw new UnsetVariableError(ref.name);
  }
}
