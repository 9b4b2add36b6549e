// Issue 12, point 14: main gets fds 0-2 exactly as hookvisor received them. Node reopens a terminal
// non-blocking, and makes a pipe O_NONBLOCK, as soon as anything reads process.stdin/stdout/stderr.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, fixture, killLeftovers, startHookvisor } from '../helpers/hookvisor.js';

const O_NONBLOCK = 0o4000;
const FLAGS = fixture('fd-flags.sh');

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
  killLeftovers();
});

/** Each "<prefix><fd> flags <octal>" line of `out`, as numbers by fd. */
function flags(out: string, prefix: string): Record<number, number> {
  const found: Record<number, number> = {};
  for (const m of out.matchAll(new RegExp(`^${prefix}(\\d) flags ([0-7]+)\\r?$`, 'gm'))) found[Number(m[1])] = parseInt(m[2]!, 8);
  return found;
}

/** Runs `command` on a fresh pseudo-terminal (`script`) and returns what it printed. */
function onTerminal(command: string): Promise<string> {
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  stop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

// What the shell in front of hookvisor holds, printed before hookvisor starts: hookvisor inherits the same open files.
const RECEIVED = `for fd in 0 1 2; do echo "got$fd flags $(sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/$fd)"; done`;

describe('main gets stdin, stdout and stderr as hookvisor received them', () => {
  it('with a terminal: the same flags on fds 0-2, O_NONBLOCK clear', async () => {
    const out = await onTerminal(`${RECEIVED}; ${process.execPath} ${CLI} -- ${FLAGS}`);
    const got = flags(out, 'got');
    const main = flags(out, 'fd');
    expect(Object.keys(got)).toHaveLength(3);
    expect(main).toEqual(got);
    for (const fd of [0, 1, 2]) expect(main[fd]! & O_NONBLOCK, `fd ${fd}: ${main[fd]!.toString(8)}`).toBe(0);
  }, 20_000);

  it('with a terminal on stdin and a pipe on stdout: neither is left non-blocking', async () => {
    const out = await onTerminal(`${RECEIVED}; ${process.execPath} ${CLI} -- ${FLAGS} | cat`);
    const main = flags(out, 'fd');
    expect(main[0]).toBe(flags(out, 'got')[0]);
    for (const fd of [0, 1]) expect(main[fd]! & O_NONBLOCK, `fd ${fd}: ${main[fd]?.toString(8)}`).toBe(0);
  }, 20_000);

  it('with pipes: O_NONBLOCK clear on fds 0-2', async () => {
    const hv = startHookvisor(['--', FLAGS], { stdin: 'pipe' });
    expect(await hv.exited).toEqual({ code: 0, signal: null });
    const main = flags(hv.stdout, 'fd');
    expect(Object.keys(main)).toHaveLength(3);
    for (const fd of [0, 1, 2]) expect(main[fd]! & O_NONBLOCK, `fd ${fd}: ${main[fd]!.toString(8)}`).toBe(0);
  }, 20_000);
});
