import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installSignals } from '../../../src/signals/source.js';

describe('installSignals', () => {
  it('queues signals until a subscriber comes, then delivers in order, and removes every listener', () => {
    const emitter = new EventEmitter();
    const source = installSignals(emitter as never, ['SIGTERM', 'SIGHUP']);
    expect(emitter.listenerCount('SIGTERM')).toBe(1);
    emitter.emit('SIGHUP');
    emitter.emit('SIGTERM');
    const seen: string[] = [];
    const unsubscribe = source.subscribe((s) => seen.push(s));
    emitter.emit('SIGHUP');
    expect(seen).toEqual(['SIGHUP', 'SIGTERM', 'SIGHUP']);
    unsubscribe();
    emitter.emit('SIGTERM');
    expect(seen).toHaveLength(3);
    source.dispose();
    expect(emitter.eventNames()).toEqual([]);
  });

  it('leaves no listener on the real process', () => {
    const before = process.listenerCount('SIGHUP');
    installSignals(process, ['SIGHUP']).dispose();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
