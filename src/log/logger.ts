import { pino } from 'pino';
import { describe, type Level, type LogEvent, levelOf } from './events.js';
import { prettyLine } from './pretty.js';
import { stderrSink, writeStderr } from './stderr.js';

export interface Logger {
  log(event: LogEvent): void;
}

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: Level;
  format: LogFormat;
  /** Where lines go; default stderr (fd 2), through a buffer that never blocks (`log.dropped` says what it lost). */
  write?: (line: string) => void;
  color?: boolean;
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? writeStderr;
  const color = opts.color ?? false;
  const destination = { write: opts.format === 'pretty' ? (line: string) => write(prettyLine(line, color)) : write };
  const logger = pino({ level: opts.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  const log = (event: LogEvent) => void logger[levelOf(event)](wholeNumbers(event), describe(event));
  if (!opts.write) stderrSink().onDrained = (dropped) => log({ event: 'log.dropped', dropped });
  return { log };
}

/** A measured time (clock differences are fractional) is logged in whole ms: no 599.7895480000002 in a log line. */
export function wholeNumbers(event: LogEvent): LogEvent {
  if (!Object.values(event).some((v) => typeof v === 'number' && !Number.isInteger(v))) return event;
  return Object.fromEntries(Object.entries(event).map(([k, v]) => [k, typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : v])) as LogEvent;
}

/** A logger that keeps events in memory, for tests. */
export function memoryLogger(): Logger & { events: LogEvent[] } {
  const events: LogEvent[] = [];
  return { events, log: (e) => void events.push(e) };
}

export { flushStderr, writeStderr } from './stderr.js';
export type { Level, LogEvent };
