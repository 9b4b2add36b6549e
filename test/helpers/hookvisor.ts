import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
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
  signal(sig: NodeJS.Signals): void;
  events(): LogRecord[];
}

const running = new Set<Hv>();

export interface StartOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Prepended to the command, e.g. unshare. */
  prefix?: string[];
}

export function startHookvisor(args: readonly string[], opts: StartOptions = {}): Hv {
  const argv = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, HOOKVISOR_HOOKS: undefined, HOOKVISOR_LOG_LEVEL: 'debug', ...opts.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (d) => ((stdout += d), poke()));
  child.stderr!.on('data', (d) => ((stderr += d), poke()));
  const exited = new Promise<Exit>((res) => child.on('close', (code, signal) => res({ code, signal })));
  let done = false;
  void exited.then(() => ((done = true), poke()));
  const hv: Hv = {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(text, stream = 'stdout', ms = 10_000) {
      return new Promise<void>((res, rej) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${String(text)} on ${stream}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
        const check = () => {
          const out = stream === 'stdout' ? stdout : stderr;
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) finish();
          else if (done) finish(new Error(`hookvisor exited before ${String(text)} appeared on ${stream}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        };
        const finish = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          err ? rej(err) : res();
        };
        waiters.add(check);
        check();
      });
    },
    signal(sig) {
      child.kill(sig);
    },
    events: () => parseEvents(stderr),
  };
  running.add(hv);
  void exited.then(() => running.delete(hv));
  return hv;
}

/** Runs hookvisor to its end. */
export async function runHookvisor(args: readonly string[], opts: StartOptions = {}) {
  const hv = startHookvisor(args, opts);
  const exit = await hv.exited;
  return { ...exit, stdout: hv.stdout, stderr: hv.stderr, events: hv.events() };
}

export function parseEvents(stderr: string): LogRecord[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogRecord);
}

/** Kills whatever a test left running: hookvisor itself and main's process group. For afterEach. */
export function killLeftovers(): void {
  for (const hv of running) {
    for (const e of hv.events()) if (e.event === 'main.start') tryKill(-(e.pid as number));
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
