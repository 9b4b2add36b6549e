// Builds the single executable, dist/hookvisor: this node binary with hookvisor (one CommonJS bundle,
// with V8's code cache) and koffi's native part (an asset) injected through Node's own SEA support.
// `node scripts/sea.mjs [OUT]`, or `import { buildSea } from './scripts/sea.mjs'` (the container tier uses it).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
// The fuse Node's SEA support looks for (Node's docs, "Single executable applications").
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_PATH = join(ROOT, 'dist/hookvisor');

/** The glibc build of koffi's native part for this machine (musl images take the bundle route). */
function koffiNative() {
  const pkg = join(ROOT, 'node_modules/@koromix', `koffi-${process.platform}-${process.arch}`);
  return join(pkg, `${process.platform}_${process.arch}`, 'koffi.node');
}

/** Builds the single executable at `out` (dist/hookvisor) from `node` (this one); returns its path. */
export async function buildSea({ out = SEA_PATH, node = process.execPath } = {}) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  // Assets and the code cache in a SEA need Node >= 20.12.
  if (major < 20 || (major === 20 && minor < 12)) throw new Error(`a single executable needs Node >= 20.12, not ${process.version}`);
  // Beside `out`, so that two builds to different places never share their intermediate files.
  const work = `${out}.build`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const koffiVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/koffi/package.json'), 'utf8')).version;
  const main = join(work, 'hookvisor.cjs');
  await build({
    entryPoints: [join(ROOT, 'src/cli/sea-main.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    // A SEA runs one CommonJS script; the modules it imports lazily stay lazy (esbuild's __esm wrappers).
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // koffi's JavaScript looks for its native file beside itself: the SEA loads the asset directly instead.
    external: ['koffi'],
    define: {
      HOOKVISOR_VERSION: JSON.stringify(version),
      HOOKVISOR_SEA: 'true',
      HOOKVISOR_KOFFI_VERSION: JSON.stringify(koffiVersion),
      'import.meta.url': 'undefined',
    },
  });
  const config = join(work, 'sea-config.json');
  const blob = join(work, 'hookvisor.blob');
  writeFileSync(
    config,
    JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets: { 'koffi.node': koffiNative() } }),
  );
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(out, { force: true });
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(node, out);
  chmodSync(out, 0o755);
  const { inject } = require('postject');
  await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
  rmSync(work, { recursive: true, force: true });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildSea(process.argv[2] ? { out: resolve(process.argv[2]) } : {})}`);
}
