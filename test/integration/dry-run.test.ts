// `hookvisor dry-run` prints the Plan as a timeline and starts nothing; `--help` and `--version` (issue 2, "Command line").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, ROOT, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const MARK_SH = fixture('mark.sh');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Asserts every line of `expected` is a whole line of `text`, in this order. */
function expectLinesInOrder(text: string, expected: readonly (string | RegExp)[]): void {
  const lines = text.split('\n');
  let from = 0;
  for (const line of expected) {
    const at = typeof line === 'string' ? lines.indexOf(line, from) : lines.findIndex((l, i) => i >= from && line.test(l));
    expect(at, `line ${String(line)} (in order) in:\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

/** Every task and main would write to $MARK_DIR if anything ran. */
const everythingWrites = `env:
  WHO: tester
main:
  command: [sh, ${MARK_SH}, main]
stop:
  forward: SIGINT
  timeout: 3s
  group: false
hooks:
  preStart:
    - run: [sh, ${MARK_SH}, preStart]
    - shell: 'touch "$MARK_DIR/preStart-shell"'
  postStart:
    - shell: 'touch "$MARK_DIR/postStart"'
      timeout: 0.5
  preStop:
    - name: first
      run: [sh, ${MARK_SH}, preStop 1]
      timeout: 1s
    - run: [sh, ${MARK_SH}, preStop 2]
      timeout: 2s
      onFailure: abort
  postStop:
    - run: [sh, ${MARK_SH}, "code=\${HOOKVISOR_EXIT_CODE}"]
      timeout: 4s
      when: signal
    - run: [sh, ${MARK_SH}, postStop exit]
      timeout: 5s
      when: exit
    - shell: 'touch "$MARK_DIR/postStop"'
      timeout: 6s
      cwd: /tmp
`;

describe('dry-run', () => {
  it('prints hooks.example.yaml as a timeline: phases, tasks, stop signal, SIGKILL escalation and worst case; exit 0', () =>
    withDir(async ({ dir }) => {
      // The example's preStart would create $TMPDIR/hookvisor-demo: it must not appear.
      const hv = startHookvisor(['dry-run', '--hooks', 'hooks.example.yaml'], { env: { TMPDIR: dir } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(hv.stderr).toBe('');
      expectLinesInOrder(hv.stdout, [
        'hookvisor plan for hooks.example.yaml',
        'main      node examples/demo/daemon.mjs   (from the hooks file)',
        'stop on   SIGTERM, SIGINT',
        'preStart  before main starts',
        `  1. prepare data directory: mkdir -p ${dir}/hookvisor-demo`,
        '       timeout 5s, on failure abort',
        'postStart right after main started, while it runs',
        // The lock records main's pid, not that of a preStart shell gone at once.
        '  1. mark the volume in use: sh -c "echo \\"in use by pid $HOOKVISOR_MAIN_PID\\" > \\"$DEMO_DATA_DIR/lock\\""',
        '       timeout 30s, on failure continue',
        '  2. announce: sh -c "echo \\"main is running as pid $HOOKVISOR_MAIN_PID\\""',
        '       timeout 30s, on failure continue',
        'preStop   on a stop signal, before it is forwarded; main still runs',
        '  1. drain: sh -c "echo \\"draining before main gets the signal\\""',
        '       timeout 5s, on failure continue',
        "stop      send SIGTERM to main's process group",
        '          wait up to 10s for main and everything it started to exit',
        '          then SIGKILL what is left and wait up to 2s',
        'postStop  after main and everything it left are gone',
        `  1. release the volume: rm -f ${dir}/hookvisor-demo/lock`,
        '       timeout 30s, on failure continue, when always',
        '  2. report: sh -c "echo \\"main stopped: reason=$HOOKVISOR_STOP_REASON code=$HOOKVISOR_EXIT_CODE signal=$HOOKVISOR_EXIT_SIGNAL\\""',
        '       timeout 30s, on failure continue, when always',
        "exit      main's status: its exit code, or 128+N when signal N ended it",
        // Each shell or run attempt counts 400ms past its timeout: SIGKILL, the wait for it, its last output.
        'Worst-case stop: 1m18.2s = preStop 5.4s + wait 10s + after SIGKILL 2s + postStop 1m800ms',
        /^preStop {3}█+·+ {2}\+0ms drain$/,
        /^wait {6}·+█+·+ {2}\+5.4s SIGTERM to main, wait up to 10s$/,
        /^SIGKILL {3}·+█+·+ {2}\+15.4s if anything is left; wait up to 2s$/,
        /^postStop {2}·+█+·+ {2}\+17.4s release the volume$/,
        /^postStop {2}·+█+·? {2}\+47.8s report$/,
        /^exit +▲ \+1m18.2s at the latest$/,
      ]);
      // Node >= 22.1 keeps its compile cache under TMPDIR: Node's, not the plan's doing.
      expect(readdirSync(dir).filter((f) => f !== 'node-compile-cache')).toEqual([]);
    }));

  it('starts no process at all: neither main nor any task of any phase writes its marker', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', everythingWrites);
      const hv = startHookvisor(['dry-run', '--hooks', hooks], { env: { MARK: mark, MARK_DIR: dir } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(hv.stderr).toBe('');
      expect(readdirSync(dir)).toEqual(['hooks.yaml']);
      expectLinesInOrder(hv.stdout, [
        `hookvisor plan for ${hooks}`,
        `main      sh ${MARK_SH} main   (from the hooks file)`,
        'env       WHO   (added to main and every task)',
        'stop on   SIGTERM, SIGINT',
        `  1. sh ${MARK_SH} preStart`,
        '       timeout 30s, on failure abort',
        `  2. sh -c "touch \\"$MARK_DIR/preStart-shell\\""`,
        '       timeout 30s, on failure abort',
        `  1. sh -c "touch \\"$MARK_DIR/postStart\\""`,
        // A bare number is seconds.
        '       timeout 500ms, on failure continue',
        `  1. first: sh ${MARK_SH} 'preStop 1'`,
        '       timeout 1s, on failure continue',
        `  2. sh ${MARK_SH} 'preStop 2'`,
        '       timeout 2s, on failure abort',
        'stop      send SIGINT to main',
        '          wait up to 3s for main and everything it started to exit',
        '          then SIGKILL what is left and wait up to 2s',
        `  1. sh ${MARK_SH} 'code=\${HOOKVISOR_EXIT_CODE}'`,
        '       timeout 4s, on failure continue, when signal',
        `  2. sh ${MARK_SH} 'postStop exit'`,
        '       timeout 5s, on failure continue, when exit',
        `  3. sh -c "touch \\"$MARK_DIR/postStop\\""`,
        '       timeout 6s, on failure continue, when always, cwd /tmp',
        // when: exit tasks do not run after a stop signal, so they are not part of the worst case.
        'Worst-case stop: 19.6s = preStop 3.8s + wait 3s + after SIGKILL 2s + postStop 10.8s',
        / {2}\+0ms first$/,
        / {2}\+1.4s sh .*mark\.sh preStop 2$/,
        / {2}\+3.8s SIGINT to main, wait up to 3s$/,
        / {2}\+6.8s if anything is left; wait up to 2s$/,
        / {2}\+8.8s sh .*mark\.sh code=\$\{HOOKVISOR_EXIT_CODE\}$/,
        / {2}\+13.2s touch "\$MARK_DIR\/postStop"$/,
        /▲ \+19.6s at the latest$/,
      ]);
    }));

  it('takes COMMAND after -- over main.command, and still starts nothing', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', everythingWrites);
      const hv = startHookvisor(['dry-run', '--hooks', hooks, '--', 'sh', MARK_SH, 'from the command line'], { env: { MARK: mark, MARK_DIR: dir } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expectLinesInOrder(hv.stdout, [`main      sh ${MARK_SH} 'from the command line'   (from the command line)`]);
      expect(hv.stdout).not.toContain('(from the hooks file)');
      expect(readdirSync(dir)).toEqual(['hooks.yaml']);
    }));

  it('prints the plan of a hooks file without main.command and without COMMAND, exit 0', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  preStart:\n    - run: [sh, ${MARK_SH}, preStart]\n`);
      const hv = startHookvisor(['dry-run', '--hooks', hooks], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expectLinesInOrder(hv.stdout, ['main      (none: give COMMAND after -- or main.command)', `  1. sh ${MARK_SH} preStart`]);
      expect(readdirSync(dir)).toEqual(['hooks.yaml']);
    }));
});

describe('--help and --version', () => {
  it.each(['--help', '-h'])('%s prints the usage on stdout and exits 0', async (flag) => {
    const hv = startHookvisor([flag]);
    expect(await hv.exited).toEqual({ code: 0, signal: null });
    expect(hv.stderr).toBe('');
    expectLinesInOrder(hv.stdout, [
      'Usage:',
      '  hookvisor [run] [--hooks FILE] [options] -- COMMAND [ARG...]',
      '  hookvisor dry-run --hooks FILE [options] [-- COMMAND [ARG...]]',
      '  hookvisor --help | --version',
    ]);
    for (const option of ['--hooks FILE', '--log-level LEVEL', '--log-format FORMAT']) expect(hv.stdout).toContain(`  ${option}`);
  });

  it.each(['--version', '-V'])('%s prints "hookvisor VERSION" and exits 0', async (flag) => {
    const hv = startHookvisor([flag]);
    expect(await hv.exited).toEqual({ code: 0, signal: null });
    expect(hv.stdout).toBe(`hookvisor ${VERSION}\n`);
    expect(hv.stderr).toBe('');
  });

  it('--help starts nothing even with a hooks file and a command', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', everythingWrites);
      const hv = startHookvisor(['--hooks', hooks, '--help', '--', 'sh', MARK_SH, 'main'], { env: { MARK: mark, MARK_DIR: dir } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(hv.stdout).toContain('Usage:');
      expect(readdirSync(dir)).toEqual(['hooks.yaml']);
    }));
});
