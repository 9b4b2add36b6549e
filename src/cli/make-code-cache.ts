// node dist/bundle/code-cache.js: writes hookvisor-app.cache beside the bundle, for the node that runs it. Run it
// where the image is built (Dockerfile.example); at run time the cache is only read, and one made by another
// Node or for another bundle is ignored (code-cache.ts), never trusted.
import { mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache, writeCodeCache } from './code-cache.js';

type Rest = typeof import('./rest.js');
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const cachePath = here('./hookvisor-app.cache');
// Never from an old cache: the new one must hold what this bundle compiles.
const loaded = loadWithCodeCache(here('./hookvisor-app.cjs'), '');
const { runCli } = loaded.exports as unknown as Rest;
const dir = mkdtempSync(join(tmpdir(), 'hookvisor-cache-'));
try {
  // A dry-run with a hooks file compiles what every run needs (arguments, the plan) and what reading a hooks file does.
  const hooks = join(dir, 'hooks.yaml');
  writeFileSync(hooks, 'hooks:\n  preStop: [{ run: ["true"] }]\n  postStop: [{ run: ["true"] }]\n');
  const io = {
    env: {},
    stdout: () => {},
    stderr: () => {},
    signals: { subscribe: () => () => {} },
    childSignals: { subscribe: () => () => {} },
    stdinIsTTY: false,
    uid: -1,
    color: false,
  };
  await runCli({ ...io, args: ['dry-run', '--', 'true'] });
  await runCli({ ...io, args: ['dry-run', '--hooks', hooks, '--', 'true'] });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeCodeCache(loaded, cachePath);
writeSync(1, `wrote ${cachePath}\n`);
