import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/errors/errors.js';
import { buildPlan, KILL_WAIT_MS } from '../../../src/plan/build.js';
import type { CommandTask } from '../../../src/plan/types.js';

const load = (text: string) => loadConfigText('hooks.yaml', text);
const planOf = (text: string, argv: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const { config, source } = load(text);
  return buildPlan(config, argv, env, { hooksFile: 'hooks.yaml', source });
};
const errorOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
  try {
    planOf(text, [], env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
};

describe('buildPlan', () => {
  it('is a plain init without a hooks file', () => {
    const plan = buildPlan(configSchema.parse({}), ['sleep', '1'], { PATH: '/bin' });
    expect(plan.main).toMatchObject({ argv: ['sleep', '1'], from: 'command line' });
    expect(plan.env).toEqual({ PATH: '/bin' });
    expect(plan.stop).toEqual({
      signals: ['SIGTERM', 'SIGINT'],
      forward: undefined,
      timeoutMs: 10_000,
      group: true,
      killWaitMs: KILL_WAIT_MS,
      gracePeriodMs: undefined,
      ladder: [],
    });
    expect(plan.budget.totalMs).toBe(10_000 + KILL_WAIT_MS);
  });

  it('prefers COMMAND from the command line over main.command, and does not expand it', () => {
    const text = 'main: { command: [from-file] }\n';
    expect(planOf(text, ['${HOME}']).main).toMatchObject({ argv: ['${HOME}'], from: 'command line' });
    expect(planOf(text).main).toMatchObject({ argv: ['from-file'], from: 'hooks file' });
  });

  it('expands file env from the environment, then commands from both', () => {
    const plan = planOf(
      'env: { OSD_ID: "${ID:-0}", DIR: /var/lib/ceph }\nmain: { command: [ceph-osd, --id, "${OSD_ID}"] }\nhooks:\n  postStop:\n    - run: [cryptsetup, close, "osd-${OSD_ID}"]\n      cwd: ${DIR}\n      env: { WHO: "osd.${OSD_ID}" }\n',
      [],
      { ID: '7', PATH: '/bin' },
    );
    expect(plan.main?.argv).toEqual(['ceph-osd', '--id', '7']);
    expect(plan.env).toEqual({ ID: '7', PATH: '/bin', OSD_ID: '7', DIR: '/var/lib/ceph' });
    expect(plan.fileEnvNames).toEqual(['OSD_ID', 'DIR']);
    expect(plan.tasks.postStop[0]).toMatchObject({
      argv: ['cryptsetup', 'close', 'osd-7'],
      cwd: '/var/lib/ceph',
      env: { WHO: 'osd.7' },
      name: 'cryptsetup close osd-7',
    });
  });

  it('expands env: in the order written, each value seeing the keys above it, in the file and in a task', () => {
    const plan = planOf(
      'env:\n  DB_PASSWORD: s3cret-pw\n  DB_URL: "postgres://app:${DB_PASSWORD}@db/app"\n  PATH: "/opt/bin:${PATH}"\nhooks:\n  postStop:\n    - run: [psql, "${DB_URL}"]\n      env: { DIR: /srv, WHERE: "${DIR}/${DB_URL}" }\n',
      [],
      { PATH: '/bin' },
    );
    expect(plan.env).toMatchObject({ DB_URL: 'postgres://app:s3cret-pw@db/app', PATH: '/opt/bin:/bin' });
    expect(plan.tasks.postStop[0]).toMatchObject({
      argv: ['psql', 'postgres://app:s3cret-pw@db/app'],
      env: { DIR: '/srv', WHERE: '/srv/postgres://app:s3cret-pw@db/app' },
    });
  });

  it('a reference to a key further down, or a cycle, is a config error at the referring value', () => {
    const later = expect.stringContaining('${B} is set further down in this env: values are expanded in the order written, so set B above A');
    // Even with B inherited: which of the two B's is meant would depend on the order of the keys.
    expect(errorOf('env:\n  A: "x${B}"\n  B: y\n', { B: 'outside' })).toEqual([{ path: 'env.A', line: 2, column: 6, message: later }]);
    expect(errorOf('env:\n  A: "${B}"\n  B: "${A}"\n')).toEqual([{ path: 'env.A', line: 2, column: 6, message: later }]);
    expect(errorOf('hooks:\n  preStop:\n    - run: [x]\n      env: { A: "${B}", B: "1" }\n')).toEqual([
      { path: 'hooks.preStop[0].env.A', line: 4, column: 17, message: later },
    ]);
  });

  it('keeps run-time variables for the task start and leaves shell scripts to sh', () => {
    const plan = planOf('hooks:\n  postStop:\n    - run: [report, "${HOOKVISOR_EXIT_CODE}"]\n    - shell: echo "$X ${HOOKVISOR_STOP_REASON}"\n', [], {
      X: 'x',
    });
    expect(plan.tasks.postStop.map((t) => (t as CommandTask).argv)).toEqual([
      ['report', '${HOOKVISOR_EXIT_CODE}'],
      ['/bin/sh', '-c', 'echo "$X ${HOOKVISOR_STOP_REASON}"'],
    ]);
  });

  it('applies phase defaults for onFailure and when', () => {
    const plan = planOf('hooks:\n  preStart: [{ run: [a] }]\n  preStop: [{ run: [b], timeout: 2s }]\n  postStop: [{ run: [c], when: exit }]\n');
    expect(plan.tasks.preStart[0]).toMatchObject({ onFailure: 'abort', when: 'always', timeoutMs: 30_000 });
    expect(plan.tasks.preStop[0]).toMatchObject({ onFailure: 'continue', timeoutMs: 2000 });
    expect(plan.tasks.postStop[0]).toMatchObject({ when: 'exit' });
  });

  it('budgets the worst case: preStop, timeout, kill wait, and postStop tasks that can run after a signal', () => {
    const plan = planOf(
      'stop: { timeout: 5s }\nhooks:\n  preStop: [{ run: [a], timeout: 1s }, { run: [b], timeout: 2s }]\n  postStop: [{ run: [c], timeout: 3s }, { run: [d], timeout: 60s, when: exit }]\n',
    );
    // Each run attempt can end 400ms past its timeout (SIGKILL, the wait for it, its last output).
    expect(plan.budget).toEqual({
      preStopMs: 3800,
      waitMs: 5000,
      killWaitMs: KILL_WAIT_MS,
      postStopMs: 3400,
      totalMs: 12_200 + KILL_WAIT_MS,
      marginMs: 0,
      cuts: [],
      unknownGrace: expect.any(Array),
    });
  });

  it('defaults stop.timeout to 5s, not 10s, when postStop has tasks after a signal and no grace period is known', () => {
    expect(planOf('hooks:\n  postStop: [{ run: [c] }]\n').stop).toMatchObject({ timeoutMs: 5000, cleanupDefault: true });
    expect(planOf('hooks:\n  postStop: [{ run: [c], when: exit }]\n').stop.timeoutMs).toBe(10_000);
    expect(planOf('stop: { gracePeriod: 30s }\nhooks:\n  postStop: [{ run: [c] }]\n').stop.timeoutMs).toBe(10_000);
    const explicit = planOf('stop: { timeout: 10s }\nhooks:\n  postStop: [{ run: [c] }]\n');
    expect(explicit.stop.timeoutMs).toBe(10_000);
    expect(explicit.stop.cleanupDefault).toBeUndefined();
    // Without a SIGKILL step, the ladder's SIGKILL follows its last step after that default too.
    expect(planOf('stop: { escalation: [{ signal: SIGTERM }, { signal: SIGINT, after: 1s }] }\nhooks:\n  postStop: [{ run: [c] }]\n').stop.timeoutMs).toBe(
      6000,
    );
  });

  it('names file, line, column and key of every unset variable', () => {
    expect(errorOf('main:\n  command: [a, "${NOPE}"]\nhooks:\n  preStop:\n    - shell: echo ${ALSO_NOPE}\n')).toEqual([
      { path: 'main.command[1]', line: 2, column: 16, message: expect.stringMatching(/\$\{NOPE\} is not set/) },
      { path: 'hooks.preStop[0].shell', line: 5, column: 14, message: expect.stringMatching(/\$\{ALSO_NOPE\} is not set/) },
    ]);
  });

  it('accepts unset variables that have a default or are filled in at run time', () => {
    expect(() => planOf('hooks:\n  postStop:\n    - shell: echo ${A:-1} ${HOOKVISOR_EXIT_SIGNAL}\n    - run: [x, "${B:-}"]\n')).not.toThrow();
  });
});
