import type { SignalName } from './names.js';

/** `ageMs`: how long a signal that came before anyone subscribed waited in the queue (0 for the others). */
export type SignalHandler = (signal: SignalName, ageMs: number) => void;

/** Where signals come from. The real one is bound to `process`; tests use a fake. */
export interface SignalSource {
  /** Delivers each received signal to `handler`, those that came before the call first. Returns unsubscribe. */
  subscribe(handler: SignalHandler): () => void;
}

export interface InstalledSignals extends SignalSource {
  /** Removes every process listener this source added. */
  dispose(): void;
}

type Emitter = {
  on(signal: SignalName, listener: () => void): unknown;
  removeListener(signal: SignalName, listener: () => void): unknown;
};

/**
 * Catches `signals` on `target` from the moment it is called, queueing them until someone subscribes:
 * as PID 1 a signal without a handler is silently dropped by the kernel, so this runs before anything else loads.
 */
export function installSignals(target: Emitter, signals: readonly SignalName[]): InstalledSignals {
  // Date.now(), not performance.now(): this runs before anything is loaded, and perf_hooks is not free.
  const queue: { signal: SignalName; at: number }[] = [];
  let handler: SignalHandler | undefined;
  const listeners = signals.map((signal) => {
    const listener = () => {
      if (handler) handler(signal, 0);
      else queue.push({ signal, at: Date.now() });
    };
    target.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    subscribe(h) {
      handler = h;
      for (let q = queue.shift(); q !== undefined; q = queue.shift()) h(q.signal, Math.max(0, Date.now() - q.at));
      return () => {
        if (handler === h) handler = undefined;
      };
    },
    dispose() {
      for (const [signal, listener] of listeners) target.removeListener(signal, listener);
      handler = undefined;
    },
  };
}
