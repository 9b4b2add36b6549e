import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, withDir } from '../helpers/hookvisor.js';
import { NO_UNSHARE } from '../helpers/pid1.js';

describe.skipIf(NO_UNSHARE)('npm run bench (smoke: a few runs, so the script cannot rot)', () => {
  it(
    'measures every figure for hookvisor and writes the table and the JSON',
    () =>
      withDir(async ({ dir }) => {
        const out = join(dir, 'results');
        execFileSync(
          process.execPath,
          ['scripts/bench/run.mjs', '--runs', '1', '--signals', '5', '--orphans', '50', '--idle', '1', '--settle', '0', '--out', out],
          { cwd: ROOT, stdio: 'pipe', timeout: 90_000, env: { ...process.env, HOOKVISOR_LOG_LEVEL: 'debug' } },
        );
        const md = readFileSync(join(out, 'bench.md'), 'utf8');
        const json = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8'));
        for (const figure of [
          "exec → main's exec",
          'with hooks.example.yaml',
          'peak RSS of PID 1',
          'private (anon) memory',
          'private memory, steady',
          "SIGHUP → main's handler",
          "SIGTERM → main's handler",
          'one `run: [true]` preStop task',
          'stop: SIGTERM → exit',
          'no-op preStop and postStop',
          '50 orphans',
          'idle 1s',
          'grandchild with 1s cleanup',
          'size of the single executable',
        ]) {
          expect(md).toContain(figure);
        }
        // As a container runs: the variables that change how Node starts are removed, and the write-up says so.
        expect(md).toMatch(/as PID 1 of a new PID namespace with its own \/proc; removed from its environment: [^.]*HOOKVISOR_LOG_LEVEL/);
        expect(md).toMatch(/^\| figure \| node supervisor \| hookvisor \(one file\) \| hookvisor \(bundle\)( \|[\w -]+)* \|$/m);
        // Every target has a verdict, a miss included.
        expect(md.match(/\| (met|\*\*missed\*\*|not measured) \|$/gm)!.length).toBeGreaterThanOrEqual(20);
        for (const hv of ['hookvisor (one file)', 'hookvisor (bundle)']) {
          expect(json.results.hup[hv]).toHaveLength(5);
          expect(json.results.orphans[hv].zombiesLeft).toBe(0);
          // hookvisor's defining figure: the grandchild's cleanup is never cut short.
          expect(json.results.tree[hv].finished).toBe(true);
        }
      }),
    120_000,
  );
});
