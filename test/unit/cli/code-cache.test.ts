import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWithCodeCache, writeCodeCache } from '../../../src/cli/code-cache.js';
import { tempDir } from '../../helpers/hookvisor.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** A small CommonJS module, and a fresh cache made for it. */
function moduleWithCache(body = 'exports.answer = () => 40 + 2;') {
  const file = join(dir, 'app.cjs');
  const cache = join(dir, 'app.cache');
  writeFileSync(file, `${body}\nexports.name = __filename; exports.req = typeof require('node:path').join;\n`);
  const loaded = loadWithCodeCache(file, cache);
  (loaded.exports.answer as () => number)();
  writeCodeCache(loaded, cache);
  return { file, cache };
}

let copies = 0;
/** The module under a new name: V8 would otherwise reuse what it compiled in this process and never read the cache. */
function fresh(file: string): string {
  const copy = join(dir, `copy-${++copies}.cjs`);
  copyFileSync(file, copy);
  return copy;
}

describe('the bundle route code cache', () => {
  it('is used when it was made for this source by this Node, and the module runs as require() would run it', () => {
    const { file, cache } = moduleWithCache();
    const copy = fresh(file);
    const loaded = loadWithCodeCache(copy, cache);
    expect(loaded.cached).toBe(true);
    expect((loaded.exports.answer as () => number)()).toBe(42);
    expect(loaded.exports).toMatchObject({ name: copy, req: 'function' });
  });

  it('is ignored, harmlessly, when missing, made for another source, by another Node, or corrupt', () => {
    const { file, cache } = moduleWithCache();
    const good = readFileSync(cache);
    const cases: Record<string, () => void> = {
      missing: () => writeFileSync(cache, ''),
      stale: () => writeFileSync(file, `${readFileSync(file, 'utf8')}// changed\n`),
      'another Node': () => writeFileSync(cache, good.toString('latin1').replace(process.version, 'v99.0.0'), 'latin1'),
      corrupt: () => writeFileSync(cache, Buffer.concat([good.subarray(0, good.indexOf('\n') + 1), Buffer.alloc(good.length, 7)])),
    };
    for (const [what, spoil] of Object.entries(cases)) {
      moduleWithCache();
      spoil();
      const loaded = loadWithCodeCache(fresh(file), cache);
      expect(loaded.cached, what).toBe(false);
      expect((loaded.exports.answer as () => number)(), what).toBe(42);
    }
  });

  it('is only read at run time, never written', () => {
    const { file, cache } = moduleWithCache();
    const before = statSync(cache).mtimeMs;
    loadWithCodeCache(file, cache);
    expect(statSync(cache).mtimeMs).toBe(before);
    expect(loadWithCodeCache(file, join(dir, 'no-such.cache')).cached).toBe(false);
  });
});
