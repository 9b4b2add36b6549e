import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, ROOT, runHookvisor, tempDir } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('the bundle route with its code cache (dist/bundle/hookvisor-app.cache)', () => {
  it('is made by code-cache.js and runs the same with it, without it, with a corrupt one or one for another bundle', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const bundle = join(dir, 'bundle');
      cpSync(join(ROOT, 'dist/bundle'), bundle, { recursive: true });
      const cache = join(bundle, 'hookvisor-app.cache');
      rmSync(cache);
      expect(execFileSync(process.execPath, [join(bundle, 'code-cache.js')], { encoding: 'utf8' })).toBe(`wrote ${cache}\n`);
      const good = readFileSync(cache);
      const variants: Record<string, () => void> = {
        fresh: () => {},
        missing: () => rmSync(cache),
        corrupt: () => writeFileSync(cache, Buffer.concat([good.subarray(0, good.indexOf('\n') + 1), Buffer.alloc(1000, 7)])),
        'for another bundle': () => writeFileSync(cache, good.toString('latin1').replace(/[0-9a-f]{64}\n/, `${'0'.repeat(64)}\n`), 'latin1'),
      };
      for (const [what, spoil] of Object.entries(variants)) {
        spoil();
        const r = await runHookvisor(['--', fixture('exit-with.sh'), '5'], { exe: [process.execPath, join(bundle, 'hookvisor.js')] });
        expect({ what, code: r.code, internal: r.stderr.includes('internal.error') }).toEqual({ what, code: 5, internal: false });
        expect(r.events.map((e) => e.event)).toContain('pid1.ready');
      }
    } finally {
      cleanup();
    }
  });
});
