import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchOutput } from './watch-output.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shipped artifact: the bundle that `npm run build` makes (HOOKVISOR_TEST_CLI: another build, to show a test fails on it). */
export const CLI = process.env.HOOKVISOR_TEST_CLI ?? join(ROOT, 'dist/bundle/hookvisor.js');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const fixture = (name: string) => join(FIXTURES, name);

export interface LogRecord {
  level: number;
  event: string;
  msg: string;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running hookvisor CLI with its output collected. */
export interface Hv {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<Exit>;
  /** Resolves when `text` has appeared on `stream`; rejects if hookvisor exits first or after `ms`. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<void>;
  /** Resolves with the first log event matching `pred`; rejects if hookvisor exits first or after `ms`. */
  waitForEvent(pred: (e: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
  signal(sig: NodeJS.Signals): void;
  events(): LogRecord[];
}

const running = new Set<Hv>();

export interface StartOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Prepended to the command, e.g. unshare. */
  prefix?: string[];
  /** hookvisor's stdin: ignored (default) or a pipe the test writes to through `child.stdin`. */
  stdin?: 'ignore' | 'pipe';
  /** hookvisor's stderr: a pipe read into `stderr` (default), or a descriptor of the test's (then `stderr` stays empty). */
  stderr?: number;
  /** The command that is hookvisor: node and the bundle (default), or the single executable alone ([dist/hookvisor]). */
  exe?: readonly string[];
}

export function startHookvisor(args: readonly string[], opts: StartOptions = {}): Hv {
  const argv = [...(opts.prefix ?? []), ...(opts.exe ?? [process.execPath, CLI]), ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, HOOKVISOR_HOOKS: undefined, HOOKVISOR_LOG_LEVEL: 'debug', ...opts.env } as NodeJS.ProcessEnv,
    stdio: [opts.stdin ?? 'ignore', 'pipe', opts.stderr ?? 'pipe'],
  });
  const exited = new Promise<Exit>((res) => child.on('close', (code, signal) => res({ code, signal })));
  const watched = watchOutput(child, exited, 'hookvisor', 10_000);
  const hv: Hv = {
    child,
    get stdout() {
      return watched.stdout;
    },
    get stderr() {
      return watched.stderr;
    },
    exited,
    waitFor: watched.waitFor,
    waitForEvent: watched.waitForEvent,
    signal(sig) {
      child.kill(sig);
    },
    events: () => parseEvents(watched.stderr),
  };
  // In a PID namespace main's pid means another process out here: test/helpers/pid1.ts cleans those up.
  if (!opts.prefix?.includes('unshare')) running.add(hv);
  void exited.then(() => running.delete(hv));
  return hv;
}

/** Runs hookvisor to its end. */
export async function runHookvisor(args: readonly string[], opts: StartOptions = {}) {
  const hv = startHookvisor(args, opts);
  const exit = await hv.exited;
  return { ...exit, stdout: hv.stdout, stderr: hv.stderr, events: hv.events() };
}

/** The JSON log lines of `stderr`; a line still being written and other programs' lines are left out. */
export function parseEvents(stderr: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of stderr.split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      // not one of hookvisor's records
    }
  }
  return records;
}

/** Kills whatever a test left running: hookvisor itself, main's process group and the tasks' groups. For afterEach. */
export function killLeftovers(): void {
  for (const hv of running) {
    for (const e of hv.events()) if (e.event === 'main.start') tryKill(-(e.pid as number));
    // Tasks run in process groups of their own (a hung or gated hook of a failed test would outlive it).
    for (const e of hv.events()) if (e.event === 'hook.start' && typeof e.pid === 'number') tryKill(-e.pid);
    tryKill(hv.child.pid!);
  }
  running.clear();
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hookvisor-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `text` as `name` in `dir` and returns its path. */
export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The lines of a marker file; [] when nothing wrote it. */
export function readMarks(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** True while `pid` is a living process; a zombie (dead, waiting to be reaped) counts as gone. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false; // reaped between the two checks
  }
}

/** Polls until `pid` is no longer running; false if it still runs after `ms` (a time limit, not a synchronisation). */
export async function waitNotRunning(pid: number, ms = 1000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Events named `name`, in order. */
export function eventsNamed(events: readonly LogRecord[], name: string): LogRecord[] {
  return events.filter((e) => e.event === name);
}

/** Runs `fn` with a fresh temporary directory, its marker file path and a gate file path; removes the directory after. */
export async function withDir(fn: (d: { dir: string; mark: string; go: string }) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    await fn({ dir, mark: join(dir, 'marks'), go: join(dir, 'go') });
  } finally {
    cleanup();
  }
}
