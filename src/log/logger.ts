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

/** Logs must never stop supervision: a closed or broken stderr loses the line, not the cleanup. */
export function writeStderr(line: string): void {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      writeSync(2, line);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
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
