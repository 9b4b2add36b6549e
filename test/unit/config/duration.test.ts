import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['10', 10_000],
    ['0', 0],
    [' 3s ', 3000],
    [7, 7000],
    [0.25, 250],
  ] as const)('%j is %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', '10x', 's', '10 s', '-1s', '1s2', 'ten seconds', '1ms5'])('rejects %j with a hint', (input) => {
    expect(() => parseDuration(input)).toThrow(/invalid duration/);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(/non-negative/);
  });

  it.each(['1000h', '600h', 3e6, '2147484s'])('rejects %j: longer than a Node timer can wait', (input) => {
    expect(() => parseDuration(input)).toThrow(/at most 2147483647ms \(about 24 days\)/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [77_000, '1m17s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds what it is given: a measured time never prints its float noise', () => {
    expect(formatDuration(599.7895480000002)).toBe('600ms');
    expect(formatDuration(4012.3, 100)).toBe('4s');
    expect(formatDuration(4160, 100)).toBe('4.2s');
    expect(formatDuration(60_999.6)).toBe('1m1s');
  });
});
