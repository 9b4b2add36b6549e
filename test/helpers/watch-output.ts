import type { ChildProcess } from 'node:child_process';
import { type LogRecord, parseEvents } from './hookvisor.js';

/** A child's stdout and stderr collected as they come, and waits on them that end when it exits. */
export interface Watched {
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when `text` has appeared on `stream`; rejects if the child exits first or after `ms`. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<void>;
  /** Resolves with the first log event matching `pred`; rejects if the child exits first or after `ms`. */
  waitForEvent(pred: (e: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
}

/** Watches `child` (`who` names it in errors) until `closed` settles; `defaultMs` bounds every wait. */
export function watchOutput(child: ChildProcess, closed: Promise<unknown>, who: string, defaultMs: number): Watched {
  let stdout = '';
  let stderr = '';
  let done = false;
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of waiters) w();
  };
  child.stdout?.on('data', (d) => {
    stdout += d;
    poke();
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
    poke();
  });
  void closed.then(() => {
    done = true;
    poke();
  });
  /** Resolves with the first defined value of `probe`, re-checked on every output chunk and at exit. */
  const until = <T>(probe: () => T | undefined, what: string, ms: number) =>
    new Promise<T>((res, rej) => {
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
      const check = () => {
        const value = probe();
        if (value !== undefined) finish(undefined, value);
        else if (done) finish(new Error(`${who} exited before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      };
      const finish = (err?: Error, value?: T) => {
        clearTimeout(timer);
        waiters.delete(check);
        err ? rej(err) : res(value as T);
      };
      waiters.add(check);
      check();
    });
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor(text, stream = 'stdout', ms = defaultMs) {
      const found = () => {
        const out = stream === 'stdout' ? stdout : stderr;
        return typeof text === 'string' ? out.includes(text) : text.test(out);
      };
      return until(() => (found() ? true : undefined), `${String(text)} on ${stream}`, ms).then(() => undefined);
    },
    waitForEvent(pred, ms = defaultMs) {
      return until(() => parseEvents(stderr).find(pred), `a log event matching ${pred.toString()}`, ms);
    },
  };
}
