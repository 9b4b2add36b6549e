const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Parses "500ms", "10s", "2m", "1h", "1m30s", or a bare number of seconds (number or numeric string).
 * Returns milliseconds, or throws an Error whose message is fit for a config error.
 */
export function parseDuration(input: string | number): number {
  const ms = parse(input);
  if (ms > MAX_DURATION_MS) throw new Error(`invalid duration ${JSON.stringify(input)}: at most ${MAX_DURATION_MS}ms (about 24 days)`);
  return ms;
}

function parse(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error(`invalid duration ${input}: must be a non-negative number of seconds`);
    return Math.round(input * 1000);
  }
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) {
      throw new Error(`invalid duration "${input}": use a number with ms, s, m or h (500ms, 10s, 2m, 1m30s) or a number of seconds`);
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (text.length === 0) throw new Error('invalid duration "": empty');
  return Math.round(total);
}

/**
 * The one place durations are written for people (logs, dry-run, task output): 500ms, 10s, 1.5s, 2m, 2m30s.
 * Rounded to whole ms, or to `step` ms (100 for a measured wait: 4.1s, not 4.0123s).
 */
export function formatDuration(ms: number, step = 1): string {
  const r = Math.max(0, Math.round(ms / step) * step);
  if (r < 1000) return `${r}ms`;
  if (r < 60_000) return `${Number((r / 1000).toFixed(3))}s`;
  const m = Math.floor(r / 60_000);
  const rest = r - m * 60_000;
  return rest === 0 ? `${m}m` : `${m}m${formatDuration(rest)}`;
}
