import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/hookvisor.js';

describe('npm package', () => {
  it('packs to a tarball whose bin runs from a clean folder with npx', () => {
    const { dir, cleanup } = tempDir();
    try {
      // --ignore-scripts: the bundle the suite already built is packed as it is, not rebuilt under other tests.
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
      const [tarball] = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
      expect(tarball).toMatch(/^hookvisor-\d+\.\d+\.\d+\.tgz$/);
      const listing = execFileSync('tar', ['-tzf', join(dir, tarball!)], { encoding: 'utf8' }).split('\n');
      expect(listing).toEqual(
        expect.arrayContaining([
          'package/dist/bundle/hookvisor.js',
          'package/dist/bundle/hookvisor-app.js',
          'package/dist/bundle/exec-as.js',
          'package/dist/bundle/hookvisor-app.cjs',
          'package/dist/bundle/code-cache.js',
          'package/package.json',
        ]),
      );
      expect(listing.some((f) => f.includes('node_modules') || f.startsWith('package/src/'))).toBe(false);
      const clean = join(dir, 'clean');
      mkdirSync(clean);
      const out = execFileSync('npx', ['--yes', `../${tarball}`, '--version'], {
        cwd: clean,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: join(dir, 'npm-cache') },
      });
      const { version } = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' }));
      expect(out.trim()).toBe(`hookvisor ${version}`);
    } finally {
      cleanup();
    }
  }, 120_000);
});
