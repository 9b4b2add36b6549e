import { formatDuration } from '../../config/duration.js';
import { holders } from './mounts.js';
import type { KindContext } from './types.js';

/** How often a busy wait says it still lasts: often enough to see in the logs, far from a line per retry. */
export const BUSY_REPORT_MS = 2000;

/**
 * Whether a helper's failure is worth waiting out: the target is in use and frees itself once its holders
 * let go (umount's "target is busy", EBUSY, cryptsetup's "is still in use"). Anything else, such as
 * "command not found" or "must be superuser", will not go away by waiting.
 */
export const isBusy = (message: string) => /\bbusy\b|EBUSY|still in use/i.test(message);

/** The first line of a helper's output, or what its exit code says. */
export const firstLine = (output: string, program: string, code: number | undefined) =>
  output.trim().split('\n')[0] || (code === undefined ? `${program} could not run` : `${program} exited ${code}`);

/** Processes holding `path` open (or as their working directory), as log text. */
function holderText(path: string): string[] {
  return holders(path).map((h) => `pid ${h.pid} (${h.command}) holds ${h.paths.join(', ')}`);
}

/**
 * Makes a busy wait visible while it lasts: its holders once at its start, then one line every
 * BUSY_REPORT_MS with how long it has waited and who still holds `path`.
 */
export function busyReporter(path: string, ctx: KindContext, now: () => number = () => performance.now()): (error: string) => void {
  let since: number | undefined;
  let next = 0;
  return (error) => {
    const t = now();
    if (since === undefined) {
      since = t;
      next = t + BUSY_REPORT_MS;
      const held = holderText(path);
      if (held.length === 0) ctx.log(`busy: ${error}; waiting`);
      for (const h of held) ctx.log(`busy: ${h}`);
      return;
    }
    if (t < next) return;
    next = t + BUSY_REPORT_MS;
    const held = holderText(path);
    ctx.log(`still busy after ${formatDuration(t - since, 100)}: ${error}${held.length ? `; ${held.join('; ')}` : ''}`);
  };
}
