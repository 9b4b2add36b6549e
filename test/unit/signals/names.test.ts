import { describe, expect, it } from 'vitest';
import { signalName, signalNumber } from '../../../src/signals/names.js';

describe('signal names and numbers', () => {
  it.each([
    [15, 'SIGTERM'],
    [9, 'SIGKILL'],
    [32, 'SIG32'],
    [33, 'SIG33'],
    [34, 'SIGRTMIN'],
    [35, 'SIGRTMIN+1'],
    [64, 'SIGRTMIN+30'],
  ])('%i is %s, and back', (n, name) => {
    expect(signalName(n)).toBe(name);
    expect(signalNumber(name as NodeJS.Signals)).toBe(n);
  });

  it('gives NaN for a name that is no signal', () => expect(signalNumber('SIGNOPE' as NodeJS.Signals)).toBeNaN());
});
