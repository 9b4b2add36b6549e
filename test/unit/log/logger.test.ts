import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';

describe('createLogger', () => {
  it('writes one JSON record per event with its level and message', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) });
    log.log({ event: 'hook.end', phase: 'postStop', task: 'umount', ok: false, exitCode: 32, timedOut: false, attempts: 1, durationMs: 5 });
    log.log({ event: 'signal.received', signal: 'SIGHUP' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 50,
      event: 'hook.end',
      task: 'umount',
      exitCode: 32,
      msg: 'postStop task "umount" failed (exit 32) in 5ms',
    });
  });

  it('pretty format prints a readable line, coloured only when asked', () => {
    const plain: string[] = [];
    createLogger({ level: 'info', format: 'pretty', write: (l) => plain.push(l) }).log({ event: 'main.start', pid: 7, command: ['sleep', '1'] });
    expect(plain[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}main started \(pid 7\): sleep 1\n$/);
    const colour: string[] = [];
    createLogger({ level: 'info', format: 'pretty', color: true, write: (l) => colour.push(l) }).log({ event: 'main.start', pid: 7, command: ['x'] });
    expect(colour[0]).toContain('\x1b[32mINFO \x1b[0m');
  });

  it('writes no unrounded number in a log line, in the fields or the message', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
    log.log({ event: 'stop.escalate', signal: 'SIGKILL', afterMs: 599.7895480000002, pid: 16, to: 'leftovers' });
    log.log({ event: 'stop.stuck', waitedMs: 2000.4999 });
    log.log({ event: 'state.locked', path: '/s', waitedMs: 61234.5678 });
    for (const line of lines) expect(line).not.toMatch(/\d\.\d{4,}/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ afterMs: 600, msg: 'still running after 600ms: sending SIGKILL to what main (pid 16) left' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ waitedMs: 2000, msg: 'processes still present 2s after SIGKILL; running postStop anyway' });
    expect(JSON.parse(lines[2]!).msg).toBe('took the state directory of /s after 1m1.235s');
  });

  it('says in the pretty line why a task timed out', () => {
    const plain: string[] = [];
    const log = createLogger({ level: 'info', format: 'pretty', write: (l) => plain.push(l) });
    log.log({
      event: 'hook.end',
      phase: 'preStart',
      task: 'db',
      ok: false,
      timedOut: true,
      error: 'timed out waiting for db:5432 to be open (last check: ECONNREFUSED)',
      limitMs: 5000,
      attempts: 1,
      durationMs: 5000.25,
    });
    log.log({ event: 'hook.end', phase: 'postStop', task: 'sync', ok: false, timedOut: true, limitMs: 500, signal: 'SIGKILL', attempts: 1, durationMs: 1000 });
    log.log({
      event: 'hook.end',
      phase: 'postStop',
      task: 'late',
      ok: false,
      timedOut: true,
      error: 'no time left in the grace period',
      attempts: 1,
      durationMs: 0,
    });
    expect(plain[0]).toContain('preStart task "db" timed out waiting for db:5432 to be open (last check: ECONNREFUSED) (its 5s limit) in 5s');
    expect(plain[1]).toContain('postStop task "sync" timed out after its 500ms limit (ended by SIGKILL) in 1s');
    expect(plain[2]).toContain('postStop task "late" timed out: no time left in the grace period in 0ms');
  });
});
