// The command line (issue 2, "Command line"): where the hooks file and COMMAND come from, plain init,
// usage errors, log level and format, and main keeping the real stdin/stdout/stderr.
import { readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, parseEvents, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const MARK_SH = fixture('mark.sh');
const NO_COMMAND = "hookvisor: no command to run: give COMMAND after -- or main.command in the hooks file\nTry 'hookvisor --help'.\n";

const preStartFile = (dir: string, name: string, what: string) => writeFile(dir, name, `hooks:\n  preStart:\n    - run: [sh, ${MARK_SH}, "${what}"]\n`);

describe('where the hooks file comes from', () => {
  it('HOOKVISOR_HOOKS is used when --hooks is absent', () =>
    withDir(async ({ dir, mark }) => {
      const file = preStartFile(dir, 'env.yaml', 'preStart of the env file');
      const hv = startHookvisor(['--', 'sh', MARK_SH, 'main'], { env: { MARK: mark, HOOKVISOR_HOOKS: file } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['preStart of the env file', 'main']);
      expect(eventsNamed(hv.events(), 'hookvisor.start')[0]).toMatchObject({ hooksFile: file });
    }));

  it('--hooks=FILE works like --hooks FILE', () =>
    withDir(async ({ dir, mark }) => {
      const file = preStartFile(dir, 'hooks.yaml', 'preStart of --hooks=');
      const hv = startHookvisor([`--hooks=${file}`, '--', 'sh', MARK_SH, 'main'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['preStart of --hooks=', 'main']);
    }));

  it('--hooks wins over HOOKVISOR_HOOKS', () =>
    withDir(async ({ dir, mark }) => {
      const fromEnv = preStartFile(dir, 'env.yaml', 'preStart of the env file');
      const fromFlag = preStartFile(dir, 'flag.yaml', 'preStart of the --hooks file');
      const hv = startHookvisor(['--hooks', fromFlag, '--', 'sh', MARK_SH, 'main'], { env: { MARK: mark, HOOKVISOR_HOOKS: fromEnv } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['preStart of the --hooks file', 'main']);
    }));

  it('the explicit "run" command behaves as the default', () =>
    withDir(async ({ dir, mark }) => {
      const file = preStartFile(dir, 'hooks.yaml', 'preStart');
      const hv = startHookvisor(['run', '--hooks', file, '--', fixture('exit-with.sh'), '6'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 6, signal: null });
      expect(readMarks(mark)).toEqual(['preStart', 'main started']);
    }));
});

describe('where COMMAND comes from', () => {
  it('COMMAND after -- wins over main.command', () =>
    withDir(async ({ dir, mark }) => {
      const file = writeFile(dir, 'hooks.yaml', `main:\n  command: [sh, ${MARK_SH}, from the file]\n`);
      const hv = startHookvisor(['--hooks', file, '--', 'sh', MARK_SH, 'from the command line'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['from the command line']);
      expect(eventsNamed(hv.events(), 'main.start')[0]!.command).toEqual(['sh', MARK_SH, 'from the command line']);
    }));

  it('main.command is used when there is no COMMAND', () =>
    withDir(async ({ dir, mark }) => {
      const file = writeFile(dir, 'hooks.yaml', `main:\n  command: [sh, ${MARK_SH}, from the file]\n`);
      const hv = startHookvisor(['--hooks', file], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['from the file']);
    }));

  it('no command at all (no hooks file) → exit 2 with a clear message', async () => {
    const hv = startHookvisor([]);
    expect(await hv.exited).toEqual({ code: 2, signal: null });
    expect(hv.stderr).toBe(NO_COMMAND);
    expect(hv.stdout).toBe('');
  });

  it('no command at all (hooks file without main) → exit 2, and its preStart does not run', () =>
    withDir(async ({ dir, mark }) => {
      const file = preStartFile(dir, 'hooks.yaml', 'preStart');
      const hv = startHookvisor(['--hooks', file, '--'], { env: { MARK: mark } });
      expect(await hv.exited).toEqual({ code: 2, signal: null });
      expect(hv.stderr).toBe(NO_COMMAND);
      expect(readMarks(mark)).toEqual([]);
    }));
});

describe('without a hooks file: a plain init', () => {
  // exit-status.test.ts runs its other rows without a hooks file too.
  it('passes main exit status through', async () => {
    const hv = startHookvisor(['--', fixture('exit-with.sh'), '255'], { env: { MARK: '/dev/null' } });
    expect(await hv.exited).toEqual({ code: 255, signal: null });
    expect(eventsNamed(hv.events(), 'phase.start')).toEqual([]);
  });

  it('forwards SIGTERM to main and passes its status through', () =>
    withDir(async ({ mark }) => {
      const hv = startHookvisor(['--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '4' } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 4, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM']);
    }));
});

describe('usage errors', () => {
  it.each([
    { args: ['--no-such-option'], message: 'unknown option --no-such-option' },
    { args: ['--hooks'], message: '--hooks needs a value' },
    { args: ['--hooks='], message: '--hooks needs a value' },
    { args: ['--log-level', 'loud', '--', 'true'], message: '--log-level must be one of trace, debug, info, warn, error, fatal; got "loud"' },
    { args: ['--log-format', 'xml', '--', 'true'], message: '--log-format must be json or pretty; got "xml"' },
  ])('$args → exit 2: $message', async ({ args, message }) => {
    const hv = startHookvisor(args);
    expect(await hv.exited).toEqual({ code: 2, signal: null });
    expect(hv.stderr).toBe(`hookvisor: ${message}\nTry 'hookvisor --help'.\n`);
    expect(hv.stdout).toBe('');
  });

  it('an invalid HOOKVISOR_LOG_LEVEL is a usage error too, and nothing runs', () =>
    withDir(async ({ mark }) => {
      const hv = startHookvisor(['--', 'sh', MARK_SH, 'main'], { env: { MARK: mark, HOOKVISOR_LOG_LEVEL: 'loud' } });
      expect(await hv.exited).toEqual({ code: 2, signal: null });
      expect(hv.stderr).toBe(`hookvisor: HOOKVISOR_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal; got "loud"\nTry 'hookvisor --help'.\n`);
      expect(readMarks(mark)).toEqual([]);
    }));
});

describe('logging', () => {
  const PRETTY = /^\d\d:\d\d:\d\d\.\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \S.*$/;

  it.each([
    { how: '--log-format pretty', args: ['--log-format', 'pretty'], env: {} },
    { how: 'HOOKVISOR_LOG_FORMAT=pretty', args: [], env: { HOOKVISOR_LOG_FORMAT: 'pretty' } },
  ])('$how gives readable non-JSON lines on stderr', async ({ args, env }) => {
    const hv = startHookvisor([...args, '--', fixture('exit-with.sh'), '3'], { env: { ...env, MARK: '/dev/null' } });
    expect(await hv.exited).toEqual({ code: 3, signal: null });
    const lines = hv.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line).toMatch(PRETTY);
    expect(hv.events()).toEqual([]);
    expect(lines.some((l) => / INFO {2}main started \(pid \d+\): .*exit-with\.sh 3$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ INFO {2}exiting with 3 \(exit\)$/);
  });

  it('--log-level warn hides info events and keeps errors', () =>
    withDir(async ({ dir }) => {
      const file = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [sh, ${fixture('fail.sh')}, "3"]\n`);
      const hv = startHookvisor(['--log-level', 'warn', '--hooks', file, '--', 'true'], { env: { MARK: '/dev/null' } });
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const events = hv.events();
      // A postStop task and no grace period: the warning at start is kept too.
      expect(events.map((e) => [e.event, e.level])).toEqual([
        ['budget.unknown', 40],
        ['hook.end', 50],
      ]);
      // Nothing but JSON records on stderr.
      expect(hv.stderr.trimEnd().split('\n')).toHaveLength(2);
    }));

  it('HOOKVISOR_LOG_LEVEL sets the level and --log-level overrides it', () =>
    withDir(async () => {
      const quiet = startHookvisor(['--', 'true'], { env: { HOOKVISOR_LOG_LEVEL: 'error' } });
      expect(await quiet.exited).toEqual({ code: 0, signal: null });
      expect(quiet.stderr).toBe('');
      const loud = startHookvisor(['--log-level', 'info', '--', 'true'], { env: { HOOKVISOR_LOG_LEVEL: 'error' } });
      expect(await loud.exited).toEqual({ code: 0, signal: null });
      expect(loud.events().map((e) => e.event)).toEqual(expect.arrayContaining(['hookvisor.start', 'main.start', 'main.exit', 'hookvisor.exit']));
    }));

  it('the default level is info: debug events such as signal.received are not logged', () =>
    withDir(async ({ mark }) => {
      const hv = startHookvisor(['--', fixture('main-trap.sh')], { env: { MARK: mark, HOOKVISOR_LOG_LEVEL: undefined } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      const events = hv.events();
      expect(eventsNamed(events, 'signal.received')).toEqual([]);
      expect(eventsNamed(events, 'signal.forward')).toHaveLength(1);
      expect(Math.min(...events.map((e) => e.level))).toBe(30);
    }));
});

describe("main keeps the container's real stdin, stdout and stderr", () => {
  it("main's stdout is hookvisor's stdout and its stderr goes to hookvisor's stderr, unwrapped", async () => {
    const hv = startHookvisor(['--', 'sh', '-c', 'echo "to stdout"; echo "to stderr" >&2']);
    expect(await hv.exited).toEqual({ code: 0, signal: null });
    expect(hv.stdout).toBe('to stdout\n');
    expect(hv.stderr.split('\n')).toContain('to stderr');
    expect(eventsNamed(hv.events(), 'hook.output')).toEqual([]);
  });

  it("main reads what is written to hookvisor's stdin", async () => {
    const hv = startHookvisor(['--', 'sh', '-c', 'read line; echo "main read: $line"'], { stdin: 'pipe' });
    hv.child.stdin!.end('hello from the container\n');
    expect(await hv.exited).toEqual({ code: 0, signal: null });
    expect(hv.stdout).toBe('main read: hello from the container\n');
  });

  it('main inherits the very same file descriptors 0, 1 and 2 (never piped through hookvisor)', async () => {
    const script = 'for fd in 0 1 2; do echo "fd$fd $(readlink /proc/$$/fd/$fd)"; done; echo READY; exec sleep 1000';
    const hv = startHookvisor(['--', 'sh', '-c', script], { stdin: 'pipe' });
    await hv.waitFor('READY');
    const own = [0, 1, 2].map((fd) => `fd${fd} ${readlinkSync(`/proc/${hv.child.pid}/fd/${fd}`)}`);
    hv.signal('SIGTERM');
    expect(await hv.exited).toEqual({ code: 143, signal: null });
    // The test gave hookvisor pipes (libuv makes them as socket pairs) for all three.
    for (const l of own) expect(l).toMatch(/^fd\d (pipe|socket):\[\d+\]$/);
    expect(hv.stdout).toBe(`${own.join('\n')}\nREADY\n`);
    expect(parseEvents(hv.stderr).length).toBeGreaterThan(0);
  });
});
