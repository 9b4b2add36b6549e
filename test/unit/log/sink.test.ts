import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSink, type WriteResult } from '../../../src/log/sink.js';

/** A reader that takes everything while open, nothing while stalled. */
function reader() {
  const r = { stalled: false, closed: false, text: '', calls: 0 };
  const tryWrite = (bytes: Uint8Array): WriteResult => {
    r.calls++;
    if (r.closed) return 'closed';
    if (r.stalled) return 'again';
    // Half at a time: partial writes must keep their order.
    const n = Math.max(1, Math.ceil(bytes.length / 2));
    r.text += Buffer.from(bytes.subarray(0, n)).toString();
    return n;
  };
  return { r, tryWrite };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('log line sink', () => {
  it('writes at once, whole lines in order, through partial writes', () => {
    const { r, tryWrite } = reader();
    const sink = createSink({ tryWrite });
    sink.write('one\n');
    sink.write('two\n');
    expect(r.text).toBe('one\ntwo\n');
  });

  it('never waits for a stalled reader: holds up to maxBytes, drops and counts the rest, says so once drained', () => {
    const { r, tryWrite } = reader();
    const sink = createSink({ tryWrite, maxBytes: 10, retryMs: 10 });
    const drained: number[] = [];
    sink.onDrained = (n) => {
      drained.push(n);
      sink.write(`dropped ${n}\n`);
    };
    r.stalled = true;
    for (const line of ['aaaa\n', 'bbbb\n', 'cccc\n', 'dddd\n']) sink.write(line);
    vi.advanceTimersByTime(100);
    expect(r.text).toBe('');
    r.stalled = false;
    vi.advanceTimersByTime(10);
    expect(r.text).toBe('aaaa\nbbbb\ndropped 2\n');
    expect(drained).toEqual([2]);
    sink.write('eeee\n');
    expect(r.text).toBe('aaaa\nbbbb\ndropped 2\neeee\n');
    expect(drained).toEqual([2]);
  });

  it('retries only while something is held: no timer when idle', () => {
    const { r, tryWrite } = reader();
    const sink = createSink({ tryWrite, retryMs: 10 });
    sink.write('x\n');
    expect(vi.getTimerCount()).toBe(0);
    r.stalled = true;
    sink.write('y\n');
    expect(vi.getTimerCount()).toBe(1);
    const calls = r.calls;
    sink.write('z\n');
    expect(r.calls).toBe(calls);
    r.stalled = false;
    vi.advanceTimersByTime(10);
    expect(r.text).toBe('x\ny\nz\n');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a closed reader loses every line, and nothing is retried', () => {
    const { r, tryWrite } = reader();
    const sink = createSink({ tryWrite });
    r.closed = true;
    sink.write('lost\n');
    sink.write('lost too\n');
    expect(vi.getTimerCount()).toBe(0);
    expect(r.calls).toBe(1);
  });

  it('flush at exit waits at most its bound for a stalled reader', () => {
    const { r, tryWrite } = reader();
    const slept: number[] = [];
    const sink = createSink({ tryWrite, sleep: (ms) => slept.push(ms) });
    r.stalled = true;
    sink.write('last\n');
    sink.flush(50);
    expect(slept).toHaveLength(50);
    expect(r.text).toBe('');
    let wakes = 0;
    const late = createSink({ tryWrite, sleep: () => void (++wakes === 3 && (r.stalled = false)) });
    late.write('late\n');
    late.flush(50);
    expect(r.text).toBe('late\n');
    expect(wakes).toBe(3);
  });
});
