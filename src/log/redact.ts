import { type Redact, unchanged } from '../plan/secrets.js';
import type { LogEvent, Logger } from './logger.js';

/** Every string of every event goes through `redact`: a secret reaches no log line and no stop report, whatever carried it there. */
export function redactingLogger(inner: Logger, redact: Redact): Logger {
  // Without secrets every event would be copied for nothing, on paths as hot as a task's output.
  if (redact === unchanged) return inner;
  return { log: (event) => inner.log(redactValue(event, redact) as LogEvent) };
}

/** `value` with every string in it, however deep, through `redact`. */
export function redactValue(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redact)]));
  return value;
}
