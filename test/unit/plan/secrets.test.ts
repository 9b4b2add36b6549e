import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import type { ConfigError } from '../../../src/errors/errors.js';
import { memoryLogger } from '../../../src/log/logger.js';
import { redactingLogger } from '../../../src/log/redact.js';
import { buildPlan } from '../../../src/plan/build.js';
import { fillHttp } from '../../../src/plan/plan-http.js';
import { renderPlan } from '../../../src/plan/render.js';
import { redactor, SECRET_NAME } from '../../../src/plan/secrets.js';
import type { CommandTask, PlannedTask } from '../../../src/plan/types.js';

const ENV = { DB_PASSWORD: 'pw-value', API_TOKEN: 'tok-value', OSD_ID: '3', PORT: '8080', AUTH_ENABLED: 'true', PASSWORD_MIN_LENGTH: '128' };
const planOf = (text: string, argv: string[] = [], env: Record<string, string> = {}) => {
  const { config, source } = loadConfigText('hooks.yaml', text);
  return buildPlan(config, argv, { ...ENV, ...env }, { hooksFile: 'hooks.yaml', source });
};
const issuesOf = (text: string, env: Record<string, string> = {}) => {
  try {
    planOf(text, ['daemon'], env);
  } catch (err) {
    return (err as ConfigError).issues.map((i) => [i.path, i.line, i.column, i.message]);
  }
  throw new Error('expected a ConfigError');
};

describe('the redactor', () => {
  it('tells secrets by their names, and leaves switches and short values alone', () => {
    for (const name of [
      'DB_PASSWORD',
      'PGPASSWORD',
      'API_TOKEN',
      'CLIENT_SECRET',
      'AWS_ACCESS_KEY_ID',
      'APIKEY',
      'PRIVATE_KEY_PEM',
      'BASIC_AUTH',
      'CREDENTIALS',
    ])
      expect(SECRET_NAME.test(name), name).toBe(true);
    for (const name of ['OSD_ID', 'PORT', 'HOME', 'PATH', 'LOCKBOX', 'KEYRING_DIR']) expect(SECRET_NAME.test(name), name).toBe(false);
    const redact = redactor({ ...ENV, SHORT_TOKEN: 'abc' });
    expect(redact('--password=pw-value --id 3 abc true 128 tok-value$')).toBe('--password=*** --id 3 abc true 128 ***$');
  });

  it('masks each line of a multi-line value, as a task prints it line by line', () => {
    const redact = redactor({ SSH_PRIVATE_KEY: '-----BEGIN KEY-----\r\nb3BlbnNzaC1rZXkt\nAAAAC3Nz\nab\n-----END KEY-----\n' });
    expect(['-----BEGIN KEY-----', 'b3BlbnNzaC1rZXkt', 'AAAAC3Nz', 'ab'].map(redact)).toEqual(['***', '***', '***', 'ab']);
  });

  it('masks a value with $ in its $$ form too, and overlapping values as one span', () => {
    expect(redactor({ DB_PASSWORD: 'pa$word1' })('x pa$$word1 pa$word1')).toBe('x *** ***');
    expect(redactor({ A_TOKEN: 'abcdef', B_TOKEN: 'defghi' })('x abcdefghi y')).toBe('x *** y');
  });

  it('masks every value of a name that several environments give, and passes events on untouched when there is nothing to mask', () => {
    const redact = redactor({ DB_PASSWORD: 'first-secret' }, { DB_PASSWORD: 'second-secret' });
    expect(redact('first-secret second-secret')).toBe('*** ***');
    const inner = memoryLogger();
    expect(redactingLogger(inner, redactor({ OSD_ID: '3' }))).toBe(inner);
  });

  it('masks every string of a log event, however deep', () => {
    const inner = memoryLogger();
    redactingLogger(inner, redactor(ENV)).log({ event: 'main.start', pid: 7, command: ['db', '--password=pw-value'] });
    redactingLogger(inner, redactor(ENV)).log({
      event: 'hook.output',
      phase: 'preStop',
      task: 'http',
      stream: 'stdout',
      line: 'POST /x?t=tok-value -> 401: bad token tok-value',
    });
    expect(inner.events).toEqual([
      { event: 'main.start', pid: 7, command: ['db', '--password=***'] },
      { event: 'hook.output', phase: 'preStop', task: 'http', stream: 'stdout', line: 'POST /x?t=*** -> 401: bad token ***' },
    ]);
  });
});

describe('secrets in the plan', () => {
  it("run with their values; dry-run masks them, also inside variables built from them, in tasks' own env and on the command line", () => {
    const plan = planOf(
      'env: { DB_URL: "postgres://u:${DB_PASSWORD}@db/x" }\nhooks:\n  postStop:\n    - run: [psql, "${DB_URL}"]\n    - run: [echo, "${OWN_SECRET}", "${URL2}"]\n      env: { OWN_SECRET: hidden-value, URL2: "x-${API_TOKEN}" }\n    - run: [echo, "${OWN_SECRET}"]\n      env: { OWN_SECRET: other-hidden }\n    - unmount: "/mnt/${OWN_MOUNT:-pw-value}"\n',
      ['db', '--password=pw-value'],
    );
    expect(plan.main?.argv).toEqual(['db', '--password=pw-value']);
    expect((plan.tasks.postStop[0] as CommandTask).argv).toEqual(['psql', 'postgres://u:pw-value@db/x']);
    const text = plan.redact(renderPlan(plan));
    expect(text).not.toMatch(/pw-value|tok-value|hidden-value|other-hidden/);
    expect(text).toContain('main      db --password=***   (from the command line)');
    expect(text).toContain('psql postgres://u:***@db/x');
    expect(text).toContain('echo *** x-***');
    expect(text).toContain('unmount /mnt/***');
  });

  it('never show in config errors', () => {
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${BASE_URL}?token=${API_TOKEN}" }\n', { BASE_URL: 'htp://h/x' })).toEqual([
      ['hooks.preStop[0].http.url', 3, 20, 'expected an http:// or https:// URL, got "htp://h/x?token=***"'],
    ]);
  });
});

describe('http tasks', () => {
  it('expand ${VAR} in the URL, header values and body', () => {
    const plan = planOf(
      'hooks:\n  preStop:\n    - http: { url: "http://127.0.0.1:${PORT}/drain?token=${API_TOKEN}", method: post, headers: { Authorization: "Bearer ${API_TOKEN}" }, body: \'{"osd": ${OSD_ID}}\' }\n',
      ['daemon'],
    );
    const task = plan.tasks.preStop[0] as Extract<PlannedTask, { kind: 'http' }>;
    expect(task.http).toEqual({
      url: 'http://127.0.0.1:8080/drain?token=tok-value',
      method: 'POST',
      headers: { Authorization: 'Bearer tok-value' },
      body: '{"osd": 3}',
      expectStatus: undefined,
    });
    expect(plan.redact(task.name)).toBe('http POST http://127.0.0.1:8080/drain?token=***');
  });

  it('fill in ${HOOKVISOR_*} when the task starts, from the run-time variables alone, like run: arguments', () => {
    const plan = planOf(
      'hooks:\n  postStop:\n    - http: { url: "http://127.0.0.1:${PORT}/stopped?code=${HOOKVISOR_EXIT_CODE}&pid=${HOOKVISOR_MAIN_PID}", body: "$$ ${HOOKVISOR_STOP_REASON}" }\n',
      ['daemon'],
    );
    const task = plan.tasks.postStop[0] as Extract<PlannedTask, { kind: 'http' }>;
    expect(task.http).toMatchObject({
      url: 'http://127.0.0.1:8080/stopped?code=${HOOKVISOR_EXIT_CODE}&pid=${HOOKVISOR_MAIN_PID}',
      body: '$$ ${HOOKVISOR_STOP_REASON}',
    });
    expect(fillHttp(task.http, { HOOKVISOR_EXIT_CODE: '143', HOOKVISOR_STOP_REASON: 'signal' })).toMatchObject({
      url: 'http://127.0.0.1:8080/stopped?code=143&pid=',
      body: '$ signal',
    });
  });

  it('check the URL once it is whole, naming its position, and only when it could be expanded', () => {
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${BASE_URL}/drain" }\n', { BASE_URL: 'ftp://x' })).toEqual([
      ['hooks.preStop[0].http.url', 3, 20, 'expected an http:// or https:// URL, got "ftp://x/drain"'],
    ]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "http://${API_TOKEN}@127.0.0.1/" }\n')).toEqual([
      ['hooks.preStop[0].http.url', 3, 20, 'a URL cannot carry a user or password: send them as a header, such as Authorization: "Basic ${CREDENTIALS}"'],
    ]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${NOPE}/drain" }\n').map((i) => i[3])).toEqual([
      'variable ${NOPE} is not set and has no default (write ${NOPE:-default})',
    ]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${BROKEN/drain" }\n').map((i) => i[0])).toEqual(['hooks.preStop[0].http.url']);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "http://127.0.0.1/", headers: { X-Key: "${NOPE}" } }\n')[0]?.[0]).toBe(
      'hooks.preStop[0].http.headers.X-Key',
    );
  });
});
