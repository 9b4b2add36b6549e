import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';

describe('createLogger', () => {
  it('writes one JSON record per event with its level and message', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) });
    log.log({ event: 'hook.end', phase: 'postStop', task: 'umount', ok: false, exitCode: 32, timedOut: false, attempts: 1, durationMs: 5 });
    log.log({ event: 'signal.received', signal: 'SIGHUP' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, event: 'hook.end', task: 'umount', exitCode: 32, msg: 'postStop task "umount" failed (exit 32) in 5ms' });
  });

  it('pretty format prints a readable line, coloured only when asked', () => {
    const plain: string[] = [];
    createLogger({ level: 'info', format: 'pretty', write: (l) => plain.push(l) }).log({ event: 'main.start', pid: 7, command: ['sleep', '1'] });
    expect(plain[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  main started \(pid 7\): sleep 1\n$/);
    const colour: string[] = [];
    createLogger({ level: 'info', format: 'pretty', color: true, write: (l) => colour.push(l) }).log({ event: 'main.start', pid: 7, command: ['x'] });
    expect(colour[0]).toContain('\x1b[32mINFO \x1b[0m');
  });
});
