import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

// Node 20 has no compile cache for ES modules: the bundle route's app part is CommonJS, compiled here with V8's code cache.
const WRAP = ['(function (exports, require, module, __filename, __dirname) {', '\n})'] as const;
const MAGIC = 'hookvisor-code-cache 1';

/** What a cache must have been made for: this very source, this Node (V8 version and flags go with it) and arch. */
const stamp = (source: string) => `${MAGIC} ${process.version} ${process.arch} ${createHash('sha256').update(source).digest('hex')}\n`;

/** The cache's bytes when its stamp matches, else undefined: a missing, stale or foreign cache is simply not used. */
function cacheFor(source: string, cachePath: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cachePath);
  } catch {
    return undefined;
  }
  const head = Buffer.from(stamp(source));
  return bytes.length > head.length && bytes.subarray(0, head.length).equals(head) ? bytes.subarray(head.length) : undefined;
}

export interface LoadedModule {
  exports: Record<string, unknown>;
  /** True when a cache was given and V8 used it. */
  cached: boolean;
  script: Script;
  source: string;
}

/** Runs the CommonJS file at `path` as require() would, with `cachePath`'s code cache when it fits. Never writes. */
export function loadWithCodeCache(path: string, cachePath: string): LoadedModule {
  const source = readFileSync(path, 'utf8');
  const cachedData = cacheFor(source, cachePath);
  const script = new Script(WRAP[0] + source + WRAP[1], { filename: path, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(path), module, path, dirname(path));
  return { exports: module.exports, cached: cachedData !== undefined && !script.cachedDataRejected, script, source };
}

/** Writes the code cache of `loaded` (after what ran so far was compiled) to `cachePath`, whole or not at all. */
export function writeCodeCache(loaded: LoadedModule, cachePath: string): void {
  const tmp = `${cachePath}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(stamp(loaded.source)), loaded.script.createCachedData()]));
  renameSync(tmp, cachePath);
}
