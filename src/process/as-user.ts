import { fileURLToPath } from 'node:url';
import type { ProcessUser } from './ports.js';

/** The tiny entry that drops to the user and then execs the program, keeping its pid. */
export const EXEC_AS = fileURLToPath(new URL('./exec-as.js', import.meta.url));

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
  return [process.execPath, EXEC_AS, String(user.uid), String(user.gid), user.groups.join(','), '--', ...argv];
}
