import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, withDir } from '../helpers/hookvisor.js';
import { NO_UNSHARE } from '../helpers/pid1.js';

describe.skipIf(NO_UNSHARE)('npm run bench (smoke: a few runs, so the script cannot rot)', () => {
  it('measures every figure for hookvisor and writes the table and the JSON', () =>
    withDir(async ({ dir }) => {
      const out = join(dir, 'results');
      execFileSync(process.execPath, ['scripts/bench/run.mjs', '--runs', '1', '--signals', '5', '--orphans', '50', '--idle', '1', '--settle', '0', '--out', out], { cwd: ROOT, stdio: 'pipe', timeout: 90_000 });
      const md = readFileSync(join(out, 'bench.md'), 'utf8');
      const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
      for (const figure of ['time to main', 'peak RSS of PID 1', 'SIGHUP to main', 'SIGTERM to main', 'stop: SIGTERM to exit', 'no-op preStop and postStop', '50 orphans', 'idle 1s', 'grandchild with 1s cleanup']) {
        expect(md).toContain(figure);
      }
      expect(md).toMatch(/^\| figure \| hookvisor( \|[\w -]+)* \|$/m);
      expect(json.results.hup.hookvisor).toHaveLength(5);
      expect(json.results.orphans.hookvisor.zombiesLeft).toBe(0);
      // hookvisor's defining figure: the grandchild's cleanup is never cut short.
      expect(json.results.tree.hookvisor.finished).toBe(true);
    }), 120_000);
});
