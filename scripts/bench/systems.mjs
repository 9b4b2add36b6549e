// The supervisors measured, each as PID 1 of a fresh PID namespace with its own /proc, and how to start one around a main.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const path = (f) => fileURLToPath(new URL(f, import.meta.url));
export const HOOKVISOR = path('../../dist/bundle/hookvisor.js');
export const SEA = path('../../dist/hookvisor');
export const EXAMPLE_HOOKS = path('../../hooks.example.yaml');

const which = (name) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * name → argv before main (ending in `--`); kind: 'floor' (the minimal Node supervisor), 'hookvisor' (both
 * install routes; `withArgs` puts options such as --hooks before the `--`) or 'c' (tini, dumb-init, catatonit).
 */
export function systems() {
  const hv = (name, prefix) => ({
    name,
    kind: 'hookvisor',
    argv: [...prefix, '--log-level', 'error', '--'],
    withArgs: (extra) => [...prefix, '--log-level', 'error', ...extra, '--'],
  });
  const found = [
    { name: 'node supervisor', kind: 'floor', argv: [process.execPath, path('./min-supervisor.cjs'), '--'] },
    hv('hookvisor (one file)', [SEA]),
    hv('hookvisor (bundle)', [process.execPath, HOOKVISOR]),
  ];
  const missing = [];
  for (const name of ['tini', 'dumb-init', 'catatonit']) {
    const p = which(name);
    if (p) found.push({ name, kind: 'c', argv: [p, '--'] });
    else missing.push(name);
  }
  return { found, missing };
}

export const inNamespace = (argv) => ['unshare', '--pid', '--fork', '--mount-proc', ...argv];
