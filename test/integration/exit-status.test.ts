// The exit-status contract (issue 2, lifecycle step 6), one row per case, against the built CLI.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, type LogRecord, readMarks, startHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const failHook = (code: number) => `[sh, ${fixture('fail.sh')}, "${code}"]`;

interface Row {
  name: string;
  /** Hooks file text, or none. */
  hooks?: string;
  /** hookvisor's arguments; `hooks` is the hooks file path when there is one. */
  args: (dir: string, hooks: string | undefined) => string[];
  /** Sent to hookvisor once main printed READY. */
  signal?: NodeJS.Signals;
  code: number;
  marks: string[];
  /** More checks on the log events. */
  check?: (events: LogRecord[]) => void;
}

const rows: Row[] = [
  { name: 'main exits 0 → 0', args: () => ['--', fixture('exit-with.sh'), '0'], code: 0, marks: ['main started'] },
  { name: 'main exits 3 → 3', args: () => ['--', fixture('exit-with.sh'), '3'], code: 3, marks: ['main started'] },
  { name: 'main exits 200 → 200 (a code above 128 passes through)', args: () => ['--', fixture('exit-with.sh'), '200'], code: 200, marks: ['main started'] },
  {
    name: 'main killed by its own SIGKILL → 137',
    args: () => ['--', fixture('exit-with.sh'), '0', 'KILL'],
    code: 137,
    marks: ['main started'],
    check: (events) => expect(eventsNamed(events, 'main.exit')[0]).toMatchObject({ signal: 'SIGKILL' }),
  },
  {
    name: 'main killed by its own SIGTERM → 143',
    args: () => ['--', fixture('exit-with.sh'), '0', 'TERM'],
    code: 143,
    marks: ['main started'],
    check: (events) => expect(eventsNamed(events, 'main.exit')[0]).toMatchObject({ signal: 'SIGTERM' }),
  },
  {
    name: 'main killed by the SIGTERM hookvisor forwards → 143',
    args: () => ['--', 'sh', '-c', 'echo "main started" >> "$MARK"; echo READY; exec sleep 1000'],
    signal: 'SIGTERM',
    code: 143,
    marks: ['main started'],
    check: (events) => {
      expect(eventsNamed(events, 'signal.forward')[0]).toMatchObject({ signal: 'SIGTERM', group: true });
      expect(eventsNamed(events, 'main.exit')[0]).toMatchObject({ signal: 'SIGTERM' });
    },
  },
  {
    name: 'main killed by the SIGINT hookvisor forwards → 130',
    args: () => ['--', 'sh', '-c', 'echo "main started" >> "$MARK"; echo READY; exec sleep 1000'],
    signal: 'SIGINT',
    code: 130,
    marks: ['main started'],
  },
  {
    name: 'command not found (absolute path) → 127',
    args: (dir) => ['--', join(dir, 'no-such-program')],
    code: 127,
    marks: [],
    check: (events) => {
      expect(eventsNamed(events, 'main.spawn-error')[0]).toMatchObject({ level: 50, code: 'ENOENT', exitCode: 127 });
      expect(eventsNamed(events, 'main.start')).toEqual([]);
    },
  },
  {
    name: 'command not found on PATH → 127',
    args: () => ['--', 'hookvisor-test-no-such-command', 'arg'],
    code: 127,
    marks: [],
  },
  {
    name: 'command not executable → 126',
    args: () => ['--', fixture('not-executable.sh')],
    code: 126,
    marks: [],
    check: (events) => expect(eventsNamed(events, 'main.spawn-error')[0]).toMatchObject({ code: 'EACCES', exitCode: 126 }),
  },
  {
    name: 'preStart failure with the default onFailure (abort) → 1, main never started',
    hooks: `hooks:\n  preStart:\n    - run: ${failHook(4)}\n`,
    args: (_dir, hooks) => ['--hooks', hooks!, '--', fixture('exit-with.sh'), '0'],
    code: 1,
    marks: ['fail'],
    check: (events) => {
      expect(eventsNamed(events, 'main.start')).toEqual([]);
      expect(eventsNamed(events, 'hookvisor.exit')[0]).toMatchObject({ exitCode: 1, reason: 'start-failed' });
    },
  },
  {
    name: 'bad hooks file → 2, nothing started',
    hooks: `hooks:\n  preStart:\n    - run: [sh, ${fixture('mark.sh')}, preStart]\nbogus: 1\n`,
    args: (_dir, hooks) => ['--hooks', hooks!, '--', fixture('exit-with.sh'), '0'],
    code: 2,
    marks: [],
    check: (events) => expect(events).toEqual([]),
  },
  {
    name: 'unknown command-line option → 2, nothing started',
    args: () => ['--no-such-option', '--', fixture('exit-with.sh'), '0'],
    code: 2,
    marks: [],
    check: (events) => expect(events).toEqual([]),
  },
  {
    name: 'a failed postStop task does not change the status (main exits 3 → 3), and is logged at error level',
    hooks: `hooks:\n  postStop:\n    - run: ${failHook(4)}\n    - run: ${failHook(5)}\n      onFailure: abort\n`,
    args: (_dir, hooks) => ['--hooks', hooks!, '--', fixture('exit-with.sh'), '3'],
    code: 3,
    marks: ['main started', 'fail', 'fail'],
    check: (events) => {
      const ends = eventsNamed(events, 'hook.end');
      expect(ends.map((e) => [e.phase, e.level, e.ok, e.exitCode])).toEqual([
        ['postStop', 50, false, 4],
        ['postStop', 50, false, 5],
      ]);
    },
  },
  {
    name: 'a failed postStop task after a stop signal does not change the status (main exits 0 on TERM → 0)',
    hooks: `hooks:\n  postStop:\n    - run: ${failHook(4)}\n`,
    args: (_dir, hooks) => ['--hooks', hooks!, '--', fixture('main-trap.sh')],
    signal: 'SIGTERM',
    code: 0,
    marks: ['main started', 'main got TERM', 'fail'],
    check: (events) => expect(eventsNamed(events, 'hook.end')[0]).toMatchObject({ phase: 'postStop', level: 50, ok: false, exitCode: 4 }),
  },
];

describe('exit status', () => {
  it.each(rows)('$name', async (row) => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = join(dir, 'marks');
      const hooks = row.hooks === undefined ? undefined : writeFile(dir, 'hooks.yaml', row.hooks);
      const hv = startHookvisor(row.args(dir, hooks), { env: { MARK: mark } });
      if (row.signal) {
        await hv.waitFor('READY');
        hv.signal(row.signal);
      }
      const exit = await hv.exited;
      expect(exit).toEqual({ code: row.code, signal: null });
      expect(readMarks(mark)).toEqual(row.marks);
      const events = hv.events();
      if (row.code === 2) {
        expect(hv.stderr).toMatch(/^hookvisor: /);
      } else {
        expect(events.at(-1)).toMatchObject({ event: 'hookvisor.exit', exitCode: row.code });
      }
      expect(hv.stderr).not.toMatch(/^\s+at /m);
      row.check?.(events);
    } finally {
      cleanup();
    }
  });
});

describe('a main that is a script without #!', () => {
  it('runs with /bin/sh, as execvp runs it, and its status passes through', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const script = writeFile(dir, 'no-shebang', 'echo "ran by $0"\nexit 5\n');
      chmodSync(script, 0o755);
      const hv = startHookvisor(['--', script]);
      expect(await hv.exited).toEqual({ code: 5, signal: null });
      expect(hv.stdout).toBe(`ran by ${script}\n`);
      expect(eventsNamed(hv.events(), 'main.spawn-error')).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
