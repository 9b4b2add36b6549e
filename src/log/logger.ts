import { writeSync } from 'node:fs';
import { pino } from 'pino';
import { describe, levelOf, type Level, type LogEvent } from './events.js';
import { prettyLine } from './pretty.js';

export interface Logger {
  log(event: LogEvent): void;
}

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  level: Level;
  format: LogFormat;
  /** Where lines go; default stderr (fd 2). */
  write?: (line: string) => void;
  color?: boolean;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Logs must never stop supervision: a closed or broken stderr loses the line, not the cleanup. A full
 * non-blocking pipe is waited on (1 ms at a time, up to a second), so a slow reader loses nothing.
 */
export function writeStderr(line: string): void {
  let rest = Buffer.from(line);
  for (let waited = 0; rest.length > 0 && waited < 1000; ) {
    try {
      rest = rest.subarray(writeSync(2, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 1);
      waited++;
    }
  }
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? writeStderr;
  const color = opts.color ?? false;
  const destination = { write: opts.format === 'pretty' ? (line: string) => write(prettyLine(line, color)) : write };
  const logger = pino({ level: opts.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return {
    log(event) {
      logger[levelOf(event)](event, describe(event));
    },
  };
}

/** A logger that keeps events in memory, for tests. */
export function memoryLogger(): Logger & { events: LogEvent[] } {
  const events: LogEvent[] = [];
  return { events, log: (e) => void events.push(e) };
}

export type { Level, LogEvent };
