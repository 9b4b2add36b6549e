import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, runHookvisor, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('stop report', () => {
  it('after a stop: reason, main status, every task with command, start, duration, attempts, outcome and last lines', () =>
    withDir(async ({ dir, mark }) => {
      const report = join(dir, 'last-stop.json');
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `report: \${WORK}/last-stop.json\nhooks:\n  preStop:\n    - { name: drain, shell: 'for i in $(seq 1 25); do echo "line $i"; done' }\n  postStop:\n    - { name: umount, run: ["false"], retries: 1, retryDelay: 50ms }\n    - { name: only on exit, run: ["true"], when: exit }\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, WORK: dir, TRAP_EXIT: '4' } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(4);
      const r = JSON.parse(readFileSync(report, 'utf8'));
      expect(r).toMatchObject({ version: 1, reason: 'signal', exitCode: 4, main: { command: [fixture('main-trap.sh')], exitCode: 4 } });
      expect(r.tasks.map((t: { phase: string; name: string; outcome: string; attempts?: number }) => [t.phase, t.name, t.outcome, t.attempts])).toEqual([
        ['preStop', 'drain', 'ok', 1],
        // In the order of the logs: postStop decides what it skips before it runs the rest.
        ['postStop', 'only on exit', 'skipped', undefined],
        ['postStop', 'umount', 'failed', 2],
      ]);
      const drain = r.tasks[0];
      expect(drain.command).toBe(`sh -c "for i in $(seq 1 25); do echo \\"line $i\\"; done"`);
      expect(drain.lastLines).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 6}`));
      expect(Date.parse(drain.start)).toBeGreaterThanOrEqual(Date.parse(r.startedAt));
      expect(r.tasks[2]).toMatchObject({ command: 'false', exitCode: 1, durationMs: expect.any(Number) });
      // Written atomically: no temporary file is left beside it.
      expect(readdirSync(dir).filter((f) => f.includes('last-stop'))).toEqual(['last-stop.json']);
    }));

  it('after a failed start too, and a report that cannot be written is logged without changing the status', () =>
    withDir(async ({ dir }) => {
      const ok = writeFile(dir, 'a.yaml', `report: ${dir}/r.json\nhooks:\n  preStart:\n    - { run: ["false"] }\n`);
      expect((await runHookvisor(['--hooks', ok, '--', 'true'])).code).toBe(1);
      expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({ reason: 'start-failed', exitCode: 1 });
      const bad = writeFile(dir, 'b.yaml', `report: ${dir}/no/such/dir/r.json\n`);
      const r = await runHookvisor(['--hooks', bad, '--', 'sh', '-c', 'exit 3']);
      expect(r.code).toBe(3);
      expect(r.events.find((e) => e.event === 'report.error')).toMatchObject({ level: 50, path: `${dir}/no/such/dir/r.json` });
      expect(existsSync(join(dir, 'no'))).toBe(false);
    }));

  it.skipIf(process.getuid?.() !== 0)(
    'on a full volume: the old report stays whole, report.error says ENOSPC, never report.written',
    () =>
      withDir(async ({ dir }) => {
        const volume = join(dir, 'volume');
        mkdirSync(volume);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', volume]);
        try {
          const report = writeFile(volume, 'r.json', 'the old report\n');
          // One free page left; the report (20 lines of 300 characters) needs more.
          execFileSync('sh', ['-c', 'dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null; truncate -s -4096 "$1/fill"', 'sh', volume]);
          const hooks = writeFile(
            dir,
            'hooks.yaml',
            `report: ${report}\nhooks:\n  preStart:\n    - shell: 'for i in $(seq 1 20); do head -c 300 /dev/zero | tr "\\\\0" x; echo; done'\n`,
          );
          const r = await runHookvisor(['--hooks', hooks, '--', 'true']);
          expect(r.code).toBe(0);
          expect(r.events.filter((e) => e.event.startsWith('report.'))).toEqual([
            expect.objectContaining({ event: 'report.error', path: report, errno: 'ENOSPC' }),
          ]);
          expect(readFileSync(report, 'utf8')).toBe('the old report\n');
          expect(readdirSync(volume).sort()).toEqual(['fill', 'r.json']);
        } finally {
          execFileSync('umount', [volume]);
        }
      }),
    30_000,
  );

  it('shows in dry-run', () =>
    withDir(async ({ dir }) => {
      const r = await runHookvisor(['dry-run', '--hooks', writeFile(dir, 'h.yaml', 'report: /var/log/hookvisor/last-stop.json\n')]);
      expect(r.stdout).toContain('report    /var/log/hookvisor/last-stop.json   (JSON, written after every stop)');
    }));
});
