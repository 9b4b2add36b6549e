import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SpawnError } from '../errors/errors.js';

/** execvp's search, but in main's own PATH (posix_spawnp would search hookvisor's). */
export function resolveProgram(program: string, env: Record<string, string>): string {
  if (program.includes('/')) return program;
  let denied = false;
  for (const dir of (env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    const path = join(dir || '.', program);
    try {
      if (!statSync(path).isFile()) continue;
      accessSync(path, constants.X_OK);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') denied = true;
    }
  }
  throw new SpawnError(program, denied ? 'EACCES' : 'ENOENT');
}
