// Issue 12, point 7: a stderr that nobody reads (a stalled log driver) must never stop supervision.
// hookvisor runs as PID 1 with stderr a FIFO that the test fills before the start and does not read.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeFileSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, parseEvents, readMarks, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

const open = new Set<number>();
afterEach(() => {
  killPid1s();
  for (const fd of open) closeSync(fd);
  open.clear();
});

/** A full pipe: `reader` (the test's, never read until it says so) and `writer` (blocking, for hookvisor's stderr). */
function fullPipe(dir: string): { reader: number; writer: number } {
  const path = join(dir, 'stderr.fifo');
  execFileSync('mkfifo', [path]);
  // Read-write and non-blocking: the test holds the read end and fills the pipe up to EAGAIN.
  const reader = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  open.add(reader);
  const chunk = Buffer.alloc(4096, 'x');
  for (;;) {
    try {
      writeSync(reader, chunk);
    } catch {
      break;
    }
  }
  // hookvisor's end is blocking, as a log driver's pipe is: a stall blocks each write(2) on it.
  const writer = openSync(path, constants.O_WRONLY);
  open.add(writer);
  return { reader, writer };
}

/** Resolves with `promise`, or rejects saying `what` after `ms`. */
const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms).unref())]);

// About 2.5 MB of log lines while the reader stalls: more than hookvisor holds, so lines are dropped.
const FLOOD = `    - shell: 'yes ${'y'.repeat(200)} | head -n 8000'\n`;

describe.skipIf(NO_UNSHARE)('stderr stalled, as PID 1', () => {
  it(
    'a SIGTERM still runs postStop and hookvisor exits, with nobody ever reading its logs',
    () =>
      withDir(async ({ dir, mark }) => {
        const { writer } = fullPipe(dir);
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStart:\n${FLOOD}  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`);
        const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark }, stderr: writer });
        await hv.waitFor('READY');
        hv.signalPid1('SIGTERM');
        expect(await within(hv.exited, 10_000, 'hookvisor exits after SIGTERM')).toEqual({ code: 0, signal: null });
        expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop']);
      }),
    30_000,
  );

  it(
    'once the reader drains, one log.dropped event says how many lines it missed',
    () =>
      withDir(async ({ dir, mark, go }) => {
        const { reader, writer } = fullPipe(dir);
        const notify = join(dir, 'notify.fifo');
        execFileSync('mkfifo', [notify]);
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStart:\n${FLOOD}  postStop:\n    - run: [${fixture('notify-gate.sh')}, postStop]\n`);
        const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go, NOTIFY: notify }, stderr: writer });
        // Read-write, so that opening it never blocks either side.
        const notifier = new Socket({ fd: openSync(notify, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
        const notified = new Promise<void>((resolve) => notifier.once('data', () => resolve()));
        await hv.waitFor('READY');
        hv.signalPid1('SIGTERM');
        // postStop has begun with the reader still stalled; now read everything, as a log driver catching up does.
        await within(notified, 10_000, 'postStop starts while stderr is stalled');
        open.delete(reader);
        const drained = new Socket({ fd: reader, readable: true, writable: false });
        let text = '';
        const dropped = new Promise<void>((resolve) =>
          drained.on('data', (d) => {
            text += d;
            if (text.includes('"event":"log.dropped"')) resolve();
          }),
        );
        await within(dropped, 10_000, 'a log.dropped event on the drained pipe');
        writeFileSync(go, '');
        expect(await within(hv.exited, 10_000, 'hookvisor exits')).toEqual({ code: 0, signal: null });
        drained.destroy();
        notifier.destroy();
        const events = parseEvents(text.slice(text.indexOf('{')));
        const drops = events.filter((e) => e.event === 'log.dropped');
        expect(drops).toHaveLength(1);
        expect(drops[0]).toMatchObject({ level: 40 });
        expect(drops[0]!.dropped).toBeGreaterThan(0);
        expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop']);
      }),
    30_000,
  );
});
