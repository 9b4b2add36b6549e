import { dirname, isAbsolute, join } from 'node:path';
import type { KeyPath } from '../config/yaml-source.js';
import { isCommandTask, PHASES, type Plan, type PlannedTask, type PlannedUser } from './types.js';

/** What dry-run may ask of the filesystem it runs in: the image's, when run inside it. */
export interface ImageProbe {
  /** True when `path` is a file this process could execute. */
  executable(path: string): boolean;
  /** True when `path` is a directory. A relative path is hookvisor's working directory's, as at run time. */
  directory(path: string): boolean;
  /** True when /etc/passwd has a line for `uid`. */
  hasUid(uid: number): boolean;
}

/** Something the image seems to lack, at its place in the hooks file (undefined: the command line). */
export interface ImageWarning {
  path?: KeyPath;
  message: string;
}

// execvp's search path when PATH is unset.
const DEFAULT_PATH = '/usr/bin:/bin';
/** The programs each built-in runs; the others need none. */
const BUILTIN_PROGRAMS: Partial<Record<PlannedTask['kind'], string>> = { unmount: 'umount', cryptClose: 'cryptsetup', detachLoop: 'losetup' };

/**
 * What dry-run, run inside the image, can tell is missing: a program a task or main needs, a state or report
 * directory's parent. Warnings only: a volume or an earlier task may bring it at run time.
 */
export function checkImage(plan: Plan, probe: ImageProbe): ImageWarning[] {
  const warnings: ImageWarning[] = [];
  const mainPath = plan.env.PATH ?? DEFAULT_PATH;
  // A name not in /etc/passwd is already a config error; a bare uid is allowed, as docker run --user allows it.
  const unknownUid = (user: PlannedUser | undefined, path: KeyPath | undefined) => {
    if (user && !probe.hasUid(user.uid))
      warnings.push({
        path,
        message: `user ${user.spec}: uid ${user.uid} is not in this image's /etc/passwd (it runs with gid ${user.gid} and no HOME of its own)`,
      });
  };
  const need = (program: string | undefined, env: Record<string, string>, cwd: string | undefined, path: KeyPath | undefined, why: string) => {
    // A program named by a variable filled in at run time cannot be looked for now.
    if (program === undefined || program.includes('$')) return;
    const pathVar = env.PATH ?? DEFAULT_PATH;
    if (found(program, pathVar, cwd ?? '', probe)) return;
    // main's PATH is printed once, below the warnings; only a task's own PATH is named here.
    const how = program.includes('/') ? 'no such executable file' : pathVar === mainPath ? 'not found on PATH' : `not found on PATH=${pathVar}`;
    warnings.push({ path, message: `${why}: ${program} is not in this image (${how})` });
  };
  const tasks = [
    ...PHASES.flatMap((phase) => plan.tasks[phase].map((t) => [t, ['hooks', phase, t.index]] as const)),
    ...Object.entries(plan.on).flatMap(([signal, entry]) => entry!.tasks.map((t) => [t, ['on', signal, 'tasks', t.index]] as const)),
  ];
  for (const [task, path] of tasks) {
    const env = { ...plan.env, ...task.env };
    if (isCommandTask(task)) unknownUid(task.user, [...path, 'user']);
    if (task.kind === 'shell') need(task.argv[0], env, undefined, path, 'shell (runs /bin/sh -c)');
    else if (task.kind === 'run') need(task.argv[0], env, task.cwd, path, 'run');
    else need(BUILTIN_PROGRAMS[task.kind], env, undefined, path, `${task.kind} (runs ${BUILTIN_PROGRAMS[task.kind]})`);
  }
  if (plan.main) unknownUid(plan.main.user, ['main', 'user']);
  if (plan.main) need(plan.main.argv[0], plan.env, undefined, plan.main.from === 'hooks file' ? ['main', 'command'] : undefined, 'main');
  // The state directory is made with its parents, but outside a volume it dies with the container; the report's is not made.
  const dirOf = (file: string | undefined, key: string, what: string, its: string) => {
    if (file === undefined || file.includes('$')) return;
    const dir = dirname(file);
    if (!probe.directory(dir))
      warnings.push({ path: [key], message: `${what} ${file}: ${its} ${dir} is not in this image (fine if a volume is mounted there at run time)` });
  };
  dirOf(plan.stateDir, 'state', 'the state directory', 'its parent directory');
  dirOf(plan.reportPath, 'report', 'the report', 'its directory');
  return warnings;
}

/** Where execvp would find `program`: a path as given (relative to `cwd`), else the first PATH entry that has it. */
function found(program: string, pathVar: string, cwd: string, probe: ImageProbe): string | undefined {
  if (program.includes('/')) return probe.executable(isAbsolute(program) ? program : join(cwd, program)) ? program : undefined;
  for (const dir of pathVar.split(':')) {
    // An empty PATH entry is the working directory.
    const candidate = join(dir === '' ? '.' : dir, program);
    if (probe.executable(candidate)) return candidate;
  }
  return undefined;
}
