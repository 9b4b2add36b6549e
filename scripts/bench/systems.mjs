// The supervisors measured, each as PID 1 of a fresh PID namespace, and how to start one around a main.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HOOKVISOR = fileURLToPath(new URL('../../dist/bundle/hookvisor.js', import.meta.url));

const which = (name) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/** name → argv prefix before `--` and main; hooks: the hooks-file variant (hookvisor only). */
export function systems() {
  const found = [{ name: 'hookvisor', argv: [process.execPath, HOOKVISOR, '--log-level', 'error', '--'] }];
  const missing = [];
  for (const [name, argv] of [
    ['tini', (p) => [p, '--']],
    ['dumb-init', (p) => [p, '--']],
    ['catatonit', (p) => [p, '--']],
  ]) {
    const path = which(name);
    if (path) found.push({ name, argv: argv(path) });
    else missing.push(name);
  }
  return { found, missing };
}

export const inNamespace = (argv) => ['unshare', '--pid', '--fork', '--mount-proc', ...argv];
