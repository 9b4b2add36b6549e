import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';
import { orchestratorStop } from '../helpers/orchestrator.js';

afterEach(() => (killLeftovers(), killPid1s()));

// postStop's worst case is 2 x 500ms attempts + 100ms delay = 1.1s; stop.timeout alone would wait 60s.
const HOOKS = `stop: { timeout: 60s }
hooks:
  preStop:
    - { name: slow drain, run: [sleep, "30"], timeout: 30s }
  postStop:
    - name: close device
      shell: 'n=$(cat "$MARK.tries" 2>/dev/null || echo 0); echo $((n + 1)) > "$MARK.tries"; [ "$n" -ge 1 ] && echo "postStop done" >> "$MARK"'
      timeout: 500ms
      retries: 1
      retryDelay: 100ms
`;

describe('grace period', () => {
  it.skipIf(NO_UNSHARE).each([4000, 6000, 8000])('with a daemon that never stops on SIGTERM, postStop finishes before the orchestrator SIGKILLs at %d ms', async (graceMs) => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-ignore-term.sh')], { env: { MARK: mark, HOOKVISOR_GRACE_PERIOD: String(graceMs / 1000) } });
      await hv.waitFor('READY');
      const stop = await orchestratorStop(hv, graceMs, { signal: hv.signalPid1 });
      expect(stop.killed).toBe(false);
      expect(stop.code).toBe(137);
      expect(readMarks(mark)).toEqual(['main started', 'postStop done']);
      const preStop = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'slow drain');
      expect(preStop).toMatchObject({ ok: false, timedOut: true });
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([expect.objectContaining({ signal: 'SIGKILL' })]);
    } finally {
      cleanup();
    }
  }, 20_000);

  it.skipIf(NO_UNSHARE)('counts a pod preStop hook that ran first when the grace period passed to hookvisor is the rest', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
      const hv = startAsPid1(['--hooks', hooks, '--grace-period', '4s', '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      // The pod's own preStop hook, a command that takes 1s, runs first on the same clock.
      const podPreStop = () => promisify(execFile)('sh', ['-c', 'sleep 1; echo "pod preStop" >> "$MARK"'], { env: { ...process.env, MARK: mark } }).then(() => undefined);
      const stop = await orchestratorStop(hv, 5000, { preStop: podPreStop, signal: hv.signalPid1 });
      expect(stop).toMatchObject({ killed: false, code: 137 });
      expect(readMarks(mark)).toEqual(['main started', 'pod preStop', 'postStop done']);
    } finally {
      cleanup();
    }
  }, 20_000);

  it.skipIf(NO_UNSHARE)('without a grace period the same stop outlives the orchestrator, and postStop never runs', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hv = startAsPid1(['--hooks', writeFile(dir, 'hooks.yaml', HOOKS), '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      expect((await orchestratorStop(hv, 3000, { signal: hv.signalPid1 })).killed).toBe(true);
      expect(readMarks(mark)).toEqual(['main started']);
    } finally {
      cleanup();
    }
  }, 20_000);

  it('says when postStop cannot fit: dry-run fails with the numbers, run warns at start', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const hooks = writeFile(dir, 'hooks.yaml', 'stop: { gracePeriod: 3s }\nhooks:\n  postStop:\n    - { run: ["true"], timeout: 2s, retries: 1, retryDelay: 1s }\n');
      const dry = await runHookvisor(['dry-run', '--hooks', hooks]);
      expect(dry.code).toBe(2);
      expect(dry.stderr).toContain(`hookvisor: ${hooks}: stop budget: postStop needs up to 5.8s, plus 2s after SIGKILL and a 500ms margin: 8.3s, more than the 3s grace period.`);
      expect(dry.stdout).toContain('ERROR: postStop needs up to 5.8s');
      const run = await runHookvisor(['--hooks', hooks, '--', 'true']);
      expect(run.code).toBe(0);
      expect(eventsNamed(run.events, 'budget.problem')).toEqual([expect.objectContaining({ level: 40, problem: expect.stringContaining('8.3s, more than the 3s grace period') })]);
    } finally {
      cleanup();
    }
  });
});
