import type { SignalName } from './names.js';

export type SignalHandler = (signal: SignalName) => void;

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
  const queue: SignalName[] = [];
  let handler: SignalHandler | undefined;
  const listeners = signals.map((signal) => {
    const listener = () => (handler ? handler(signal) : queue.push(signal));
    target.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    subscribe(h) {
      handler = h;
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) h(s);
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
