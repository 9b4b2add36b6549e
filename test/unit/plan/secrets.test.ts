import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../src/config/load.js';
import type { ConfigError } from '../../../src/errors/errors.js';
import { buildPlan } from '../../../src/plan/build.js';
import { describeAction } from '../../../src/plan/describe.js';
import { fillHttp } from '../../../src/plan/plan-http.js';
import { renderPlan } from '../../../src/plan/render.js';
import { redactor, SECRET_NAME } from '../../../src/plan/secrets.js';
import type { CommandTask, PlannedTask } from '../../../src/plan/types.js';

const ENV = { DB_PASSWORD: 'pw-value', API_TOKEN: 'tok-value', OSD_ID: '3', PORT: '8080' };
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

describe('secret-looking variables', () => {
  it('are told by their names', () => {
    for (const name of ['DB_PASSWORD', 'PGPASSWORD', 'API_TOKEN', 'CLIENT_SECRET', 'AWS_ACCESS_KEY_ID', 'APIKEY', 'PRIVATE_KEY_PEM', 'BASIC_AUTH', 'CREDENTIALS']) expect(SECRET_NAME.test(name), name).toBe(true);
    for (const name of ['OSD_ID', 'PORT', 'HOME', 'PATH', 'LOCKBOX', 'KEYRING_DIR']) expect(SECRET_NAME.test(name), name).toBe(false);
    const redact = redactor({ ...ENV, SHORT_TOKEN: 'ab' });
    expect(redact('--password=pw-value --id 3 ab tok-value$')).toBe('--password=*** --id 3 ab ***$');
    expect(redactor({ DB_PASSWORD: 'a$b' })('x a$$b a$b')).toBe('x *** ***');
  });

  it('run with their values and are shown as *** in names, dry-run and main\'s command', () => {
    const plan = planOf('main:\n  command: [db, --password, "${DB_PASSWORD}", --id, "${OSD_ID}"]\nhooks:\n  postStop:\n    - run: [notify, "--token=${API_TOKEN}", "${HOOKVISOR_EXIT_CODE}"]\n');
    expect(plan.main).toMatchObject({ argv: ['db', '--password', 'pw-value', '--id', '3'], shownArgv: ['db', '--password', '***', '--id', '3'] });
    const task = plan.tasks.postStop[0] as CommandTask;
    expect(task.argv).toEqual(['notify', '--token=tok-value', '${HOOKVISOR_EXIT_CODE}']);
    expect(task.name).toBe('notify --token=*** ${HOOKVISOR_EXIT_CODE}');
    expect(describeAction(task)).toBe("notify '--token=***' '${HOOKVISOR_EXIT_CODE}'");
    const text = renderPlan(plan);
    expect(text).not.toMatch(/pw-value|tok-value/);
    expect(text).toContain('main      db --password \'***\' --id 3');
  });

  it('are masked on the command line too, and inside other variables built from them', () => {
    expect(planOf('{}', ['db', '--password=pw-value']).main?.shownArgv).toEqual(['db', '--password=***']);
    const plan = planOf('env: { DB_URL: "postgres://u:${DB_PASSWORD}@db/x" }\nhooks:\n  postStop:\n    - run: [psql, "${DB_URL}"]\n    - run: [echo, "${OWN_SECRET}", "${URL2}"]\n      env: { OWN_SECRET: hidden-value, URL2: "x-${API_TOKEN}" }\n', ['daemon']);
    expect(plan.tasks.postStop.map((t) => t.name)).toEqual(['psql postgres://u:***@db/x', 'echo *** x-***']);
  });
});

describe('http tasks', () => {
  it('expand ${VAR} in the URL, header values and body; the URL is shown masked', () => {
    const plan = planOf('hooks:\n  preStop:\n    - http: { url: "http://127.0.0.1:${PORT}/drain?token=${API_TOKEN}", method: post, headers: { Authorization: "Bearer ${API_TOKEN}" }, body: \'{"osd": ${OSD_ID}}\' }\n', ['daemon']);
    const task = plan.tasks.preStop[0] as Extract<PlannedTask, { kind: 'http' }>;
    expect(task.http).toEqual({ url: 'http://127.0.0.1:8080/drain?token=tok-value', shownUrl: 'http://127.0.0.1:8080/drain?token=***', method: 'POST', headers: { Authorization: 'Bearer tok-value' }, body: '{"osd": 3}', expectStatus: undefined });
    expect(task.name).toBe('http POST http://127.0.0.1:8080/drain?token=***');
  });

  it('fill in ${HOOKVISOR_*} when the task starts, like run: arguments', () => {
    const plan = planOf('hooks:\n  postStop:\n    - http: { url: "http://127.0.0.1:${PORT}/stopped?code=${HOOKVISOR_EXIT_CODE}", body: "$$ ${HOOKVISOR_STOP_REASON}" }\n', ['daemon']);
    const task = plan.tasks.postStop[0] as Extract<PlannedTask, { kind: 'http' }>;
    expect(task.http).toMatchObject({ url: 'http://127.0.0.1:8080/stopped?code=${HOOKVISOR_EXIT_CODE}', body: '$$ ${HOOKVISOR_STOP_REASON}', shownUrl: 'http://127.0.0.1:8080/stopped?code=${HOOKVISOR_EXIT_CODE}' });
    expect(fillHttp(task.http, { HOOKVISOR_EXIT_CODE: '143', HOOKVISOR_STOP_REASON: 'signal' })).toMatchObject({ url: 'http://127.0.0.1:8080/stopped?code=143', body: '$ signal' });
  });

  it('check the URL once it is whole, naming its position and never a secret', () => {
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${BASE_URL}/drain" }\n', { BASE_URL: 'ftp://x' })).toEqual([['hooks.preStop[0].http.url', 3, 20, 'expected an http:// or https:// URL, got "ftp://x/drain"']]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "${BASE_URL}?token=${API_TOKEN}" }\n', { BASE_URL: 'htp://h/x' })).toEqual([['hooks.preStop[0].http.url', 3, 20, 'expected an http:// or https:// URL, got "htp://h/x?token=***"']]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "http://${API_TOKEN}@127.0.0.1/" }\n')).toEqual([
      ['hooks.preStop[0].http.url', 3, 20, 'a URL cannot carry a user or password: send them as a header, such as Authorization: "Basic ${CREDENTIALS}"'],
    ]);
    expect(issuesOf('hooks:\n  preStop:\n    - http: { url: "http://127.0.0.1/", headers: { X-Key: "${NOPE}" } }\n')[0]?.[0]).toBe('hooks.preStop[0].http.headers.X-Key');
  });
});
