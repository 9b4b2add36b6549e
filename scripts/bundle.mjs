// Bundles hookvisor into dist/bundle/: hookvisor.js (the bin), hookvisor-app.js (+ .cjs), code-cache.js and exec-as.js need only the node binary, plus
// koffi (native, loaded lazily) copied beside them in dist/bundle/node_modules.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const out = 'dist/bundle';
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
rmSync(out, { recursive: true, force: true });
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning' };
// The entry, alone: it installs the signal handlers, then imports the rest from its own file, so that
// as PID 1 a signal is caught while the bulk of the code is still being read and compiled.
const rest = { name: 'rest', setup: (b) => b.onResolve({ filter: /^\.\/rest\.js$/ }, () => ({ path: './hookvisor-app.js', external: true })) };
await build({ ...common, entryPoints: { hookvisor: 'src/cli/main.ts' }, outdir: out, plugins: [rest] });
// hookvisor-app.js runs the app, hookvisor-app.cjs, with its code cache (code-cache.js makes it); exec-as.js stays tiny.
await build({ ...common, entryPoints: { 'hookvisor-app': 'src/cli/rest-cached.ts', 'code-cache': 'src/cli/make-code-cache.ts' }, outdir: out });
await build({
  ...common,
  entryPoints: { 'exec-as': 'src/process/exec-as.ts' },
  outdir: out,
  // koffi carries a native binary per platform: it stays a package, copied below.
  external: ['koffi'],
  define: { HOOKVISOR_SEA: 'false' },
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __hvRequire } from 'node:module'; const require = __hvRequire(import.meta.url);" },
});
// CommonJS, as Node 20 keeps a V8 code cache only for scripts; import() becomes require(), which the loader gives it.
await build({
  ...common,
  format: 'cjs',
  entryPoints: { 'hookvisor-app': 'src/cli/rest.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: out,
  external: ['koffi'],
  supported: { 'dynamic-import': false },
  // import.meta.url on use only (exec-as.js's path): computing it at load took 4.5 ms of the start (a CPU profile).
  define: { HOOKVISOR_VERSION: JSON.stringify(version), HOOKVISOR_SEA: 'false', 'import.meta.url': '__hvModule.url' },
  banner: { js: "var __hvModule = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
});

// koffi and the platform packages npm installed for this machine (@koromix/koffi-<os>-<arch>).
const modules = join(out, 'node_modules');
mkdirSync(join(modules, '@koromix'), { recursive: true });
// Only its JavaScript and package.json: its C sources, vendored libraries and docs are not needed to run.
const koffiFiles = (src) => {
  const rel = src.slice('node_modules/koffi'.length);
  return !/^[/\\](doc|vendor)([/\\]|$)/.test(rel) && (!/\.[a-z]+$/.test(rel) || /\.(c?js|json)$/.test(rel));
};
cpSync('node_modules/koffi', join(modules, 'koffi'), { recursive: true, filter: koffiFiles });
if (existsSync('node_modules/@koromix')) {
  for (const name of readdirSync('node_modules/@koromix')) cpSync(join('node_modules/@koromix', name), join(modules, '@koromix', name), { recursive: true });
}

// A code cache for the node that built it; images make their own (node dist/bundle/code-cache.js).
execFileSync(process.execPath, [join(out, 'code-cache.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
