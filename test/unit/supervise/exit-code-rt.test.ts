import { describe, expect, it } from 'vitest';
import { decodeWaitStatus } from '../../../src/libc/libc.js';
import { exitCodeOf } from '../../../src/supervise/exit-code.js';

describe('exit status of a signal above 31', () => {
  it.each([34, 35, 50, 64])('a raw wait status of signal %i gives 128+N', (n) => {
    const main = decodeWaitStatus(n);
    expect(exitCodeOf({ reason: 'exit', main })).toBe(128 + n);
  });

  it('keeps the core-dump bit out of the signal', () => expect(decodeWaitStatus(0x80 | 6)).toEqual({ signal: 'SIGABRT' }));
});
