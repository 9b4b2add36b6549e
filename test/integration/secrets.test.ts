import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const KEY_LINES = ['b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'AAAAMwAAAAtzc2gtZWQyNTUxOQAAACDkR3ZsZm9vYmFy'];
// A private key, a password with a quote in it, and output that puts the password across the 8,192-character cut.
const HOOKS = `report: \${WORK}/r.json
env:
  SSH_PRIVATE_KEY: "-----BEGIN OPENSSH PRIVATE KEY-----\\n${KEY_LINES.join('\\n')}\\n-----END OPENSSH PRIVATE KEY-----\\n"
  DB_PASSWORD: "it's-a-secret"
hooks:
  preStart:
    - { name: key, shell: 'printf "%s" "$SSH_PRIVATE_KEY"' }
    - run: [sh, -c, 'echo connected', sh, "--password=\${DB_PASSWORD}"]
    - { name: long, shell: 'head -c 8180 /dev/zero | tr "\\0" x; printf "%s" "$DB_PASSWORD"; head -c 10000 /dev/zero | tr "\\0" y' }
`;
const LEAKS = [...KEY_LINES, 'a-secre', 's-secre'];

describe('secrets in what hookvisor writes', () => {
  it(
    'a multi-line secret line by line, one with a quote once quoted, one across the cut of a long line: none shows',
    () =>
      withDir(async ({ dir }) => {
        const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
        const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { env: { WORK: dir } });
        expect(r.code).toBe(0);
        const report = readFileSync(join(dir, 'r.json'), 'utf8');
        const dry = await runHookvisor(['dry-run', '--hooks', hooks], { env: { WORK: dir } });
        expect(dry.code).toBe(0);
        const shown = Object.entries({ 'the log': r.stderr, 'the report': report, 'dry-run': dry.stdout }).flatMap(([where, text]) =>
          LEAKS.filter((leak) => text.includes(leak)).map((leak) => `${leak} in ${where}`),
        );
        expect(shown).toEqual([]);
        const lines = (task: string) => r.events.filter((e) => e.event === 'hook.output' && e.task === task).map((e) => e.line);
        expect(lines('key')).toEqual(['***', '***', '***', '***']);
        expect(lines('long')).toEqual([`${'x'.repeat(8180)}*** [line cut at 8192 bytes]`]);
        expect(JSON.parse(report).tasks[1].command).toBe("sh -c 'echo connected' sh '--password=***'");
      }),
    30_000,
  );
});
