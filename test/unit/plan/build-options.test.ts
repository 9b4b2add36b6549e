import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import type { ConfigError } from '../../../src/errors/errors.js';
import { buildPlan, type PlanOptions } from '../../../src/plan/build.js';

const planOf = (text: string, opts: PlanOptions = {}) => {
  const { config, source } = loadConfigText('hooks.yaml', text);
  return buildPlan(config, ['daemon'], {}, { hooksFile: 'hooks.yaml', source, ...opts });
};
const issuesOf = (text: string, opts: PlanOptions = {}) => {
  try {
    planOf(text, opts);
  } catch (err) {
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
};

describe('buildPlan, task kinds and options', () => {
  it('plans sleep, http and waitFor with their defaults and names', () => {
    const plan = planOf(
      'hooks:\n  preStop:\n    - sleep: 5s\n    - http: { url: "http://127.0.0.1:8080/drain", method: post, expectStatus: 202 }\n    - waitFor: { port: 6800 }\n    - waitFor: { path: /run/lock, state: exists, interval: 50ms }\n',
    );
    expect(plan.tasks.preStop).toEqual([
      expect.objectContaining({ kind: 'sleep', sleepMs: 5000, timeoutMs: 5000, name: 'sleep 5s', retries: 0, retryDelayMs: 1000 }),
      expect.objectContaining({
        kind: 'http',
        http: { url: 'http://127.0.0.1:8080/drain', method: 'POST', headers: {}, body: undefined, expectStatus: [202] },
        timeoutMs: 30_000,
        name: 'http POST http://127.0.0.1:8080/drain expecting 202',
      }),
      expect.objectContaining({
        kind: 'waitFor',
        waitFor: { port: 6800, host: '127.0.0.1', path: undefined, state: 'closed', intervalMs: 100 },
        name: 'wait for 127.0.0.1:6800 to be closed',
      }),
      expect.objectContaining({ kind: 'waitFor', waitFor: { port: undefined, host: '127.0.0.1', path: '/run/lock', state: 'exists', intervalMs: 50 } }),
    ]);
  });

  it('plans retries, exit.remap, when failure/success and the grace period, flag over file', () => {
    const plan = planOf(
      'stop: { gracePeriod: 30s }\nexit: { remap: { 143: 0 } }\nhooks:\n  postStop:\n    - { run: [umount, /mnt], retries: 3, retryDelay: 500ms, when: failure }\n',
      { gracePeriodMs: 20_000 },
    );
    expect(plan.tasks.postStop[0]).toMatchObject({ retries: 3, retryDelayMs: 500, when: 'failure' });
    expect(plan.exitRemap).toEqual({ 143: 0 });
    expect(plan.stop.gracePeriodMs).toBe(20_000);
    expect(plan.budget.gracePeriodMs).toBe(20_000);
  });

  it('turns stop.escalation into the forward, the steps between and the SIGKILL time, and budgets it', () => {
    const plan = planOf(
      'stop:\n  gracePeriod: 40s\n  escalation:\n    - { signal: SIGTERM }\n    - { signal: SIGINT, after: 20s }\n    - { signal: SIGQUIT, after: 25s }\n    - { signal: SIGKILL, after: 30s }\n',
    );
    expect(plan.stop).toMatchObject({
      forward: 'SIGTERM',
      timeoutMs: 30_000,
      ladder: [
        { signal: 'SIGINT', atMs: 20_000 },
        { signal: 'SIGQUIT', atMs: 25_000 },
      ],
    });
    expect(plan.budget).toMatchObject({ waitMs: 30_000, totalMs: 32_000 });
    const noKill = planOf('stop:\n  timeout: 5s\n  escalation: [{ signal: SIGINT }, { signal: SIGTERM, after: 10s }]\n');
    expect(noKill.stop).toMatchObject({ forward: 'SIGINT', timeoutMs: 15_000, ladder: [{ signal: 'SIGTERM', atMs: 10_000 }] });
    // A grace period too short for the whole ladder cuts it: SIGKILL comes earlier and later steps are not reached.
    const tight = planOf('stop:\n  gracePeriod: 15s\n  escalation: [{ signal: SIGTERM }, { signal: SIGINT, after: 20s }, { signal: SIGKILL, after: 30s }]\n');
    expect(tight.budget.deadlines?.killAtMs).toBe(12_500);
    expect(tight.budget.cuts).toEqual(['wait for main cut from 30s to 12.5s']);
  });

  it('resolves users for main and run/shell tasks, and positions an unknown one', () => {
    const resolveUser = (spec: string) => {
      if (spec === 'ceph') return { spec, uid: 167, gid: 167, groups: [6, 167] };
      throw new Error(`user "${spec}" not found in /etc/passwd`);
    };
    const plan = planOf('main: { user: ceph }\nhooks:\n  postStop:\n    - { run: [id], user: ceph }\n', { resolveUser });
    expect(plan.main?.user).toEqual({ spec: 'ceph', uid: 167, gid: 167, groups: [6, 167] });
    expect(plan.tasks.postStop[0]).toMatchObject({ user: { uid: 167 } });
    expect(issuesOf('hooks:\n  preStart:\n    - run: [id]\n      user: nobody2\n', { resolveUser })).toEqual([
      { path: 'hooks.preStart[0].user', line: 4, column: 13, message: 'user "nobody2" not found in /etc/passwd' },
    ]);
  });

  it('plans on: signal tasks and refuses stop signals and unknown names as keys', () => {
    const plan = planOf('on:\n  HUP: { tasks: [{ run: [reload] }] }\n  SIGUSR2: { tasks: [{ sleep: 1s }], forward: false }\n');
    expect(plan.on.SIGHUP).toEqual({ forward: true, tasks: [expect.objectContaining({ phase: 'on', signal: 'SIGHUP', name: 'reload' })] });
    expect(plan.on.SIGUSR2?.forward).toBe(false);
    const issues = issuesOf('on:\n  SIGTERM: { tasks: [{ run: [a] }] }\n  SIGNOPE: { tasks: [{ run: [a] }] }\n');
    expect(issues.map((i) => [i.path, i.line, i.message.slice(0, 40)])).toEqual([
      ['on.SIGTERM', 2, 'SIGTERM is a stop signal: put its tasks '],
      ['on.SIGNOPE', 3, '"SIGNOPE" is not a signal hookvisor can '],
    ]);
  });

  it('rejects two kinds in one task, cwd on a sleep, and a path state on a port', () => {
    const cases: [string, string][] = [
      [
        'hooks:\n  preStop:\n    - { run: [a], sleep: 1s }\n',
        'a task needs exactly one of run (argv list), shell (command string), sleep, http, waitFor, unmount, cryptClose or detachLoop; it has run and sleep',
      ],
      ['hooks:\n  preStop:\n    - { sleep: 1s, cwd: /tmp }\n', 'cwd applies only to run and shell tasks'],
      ['hooks:\n  preStop:\n    - waitFor: { port: 80, state: gone }\n', 'a port is open or closed'],
      ['hooks:\n  preStop:\n    - http: { url: "ftp://x" }\n', 'expected an http:// or https:// URL'],
    ];
    for (const [text, message] of cases) {
      try {
        loadConfigText('h.yaml', text);
        throw new Error(`accepted: ${text}`);
      } catch (err) {
        expect((err as ConfigError).issues?.[0]?.message).toBe(message);
      }
    }
  });
});
