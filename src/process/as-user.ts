import { fileURLToPath } from 'node:url';
import type { ProcessUser } from './ports.js';

/** Set by scripts/sea.mjs: true inside the single executable, which has no exec-as.js beside it. */
declare const HOOKVISOR_SEA: boolean | undefined;
const SEA = typeof HOOKVISOR_SEA === 'boolean' && HOOKVISOR_SEA;

/** The single executable's first argument that makes it the exec-as step (src/cli/sea-main.ts); internal, not CLI. */
export const EXEC_AS_FLAG = '__hookvisor-exec-as';

/** The tiny entry that drops to the user and then execs the program, keeping its pid; computed on use, as CommonJS has no import.meta. */
const execAsArgv = (): string[] => (SEA ? [process.execPath, EXEC_AS_FLAG] : [process.execPath, fileURLToPath(new URL('./exec-as.js', import.meta.url))]);

/** The environment of a process run as `user`: HOME is the user's own (the plan leaves it out when the hooks file sets HOME). */
export function userEnv(env: Record<string, string>, user: ProcessUser | undefined): Record<string, string> {
  return user?.home === undefined ? env : { ...env, HOME: user.home };
}

/**
 * argv that runs `argv` as `user`, with its supplementary groups. libuv can set a uid and gid but
 * clears supplementary groups, so the drop happens in a small node step that then execs the program.
 */
export function asUser(argv: readonly string[], user: ProcessUser | undefined): readonly string[] {
  if (!user) return argv;
  return [...execAsArgv(), String(user.uid), String(user.gid), user.groups.join(','), '--', ...argv];
}
