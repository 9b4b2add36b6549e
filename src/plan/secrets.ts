/** Variables whose values are never shown (dry-run, logs, the stop report, config errors), going by their names. */
export const SECRET_NAME = /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH/i;

/** What a secret variable's value is shown as. */
export const MASK = '***';

/** Shorter values, and switches such as AUTH_ENABLED=true, are not masked: hiding every "true" would hide more than it protects. */
const MIN_SECRET_LENGTH = 6;
const NOT_SECRET = /^(true|false|yes|no|on|off|enabled|disabled)$/i;

/**
 * Text for people, with the values of secret-looking variables masked; `longest` is the length of the longest
 * value it masks; `head(text, max)` is the masked first `max` characters of `text`, a secret across the cut whole.
 */
export type Redact = ((text: string) => string) & { readonly longest?: number; readonly head?: (text: string, max: number) => string };

/**
 * Masks the value of every secret-looking variable of `envs` wherever it appears, so a value that reaches
 * text through another variable (DB_URL built from DB_PASSWORD) is masked too. Overlapping values are
 * masked as one span, so no part of either shows.
 */
export function redactor(...envs: readonly Readonly<Record<string, string>>[]): Redact {
  const values = new Set<string>();
  // Every environment on its own: two tasks may give one name two different secrets.
  for (const env of envs) {
    for (const [name, value] of Object.entries(env)) {
      if (!SECRET_NAME.test(name) || !maskable(value)) continue;
      values.add(value);
      // A partly expanded template holds a literal $ as $$.
      values.add(value.replaceAll('$', '$$$$'));
      // A private key printed by a task reaches the log one line at a time.
      if (value.includes('\n')) for (const line of value.split('\n')) if (maskable(line.replace(/\r$/, ''))) values.add(line.replace(/\r$/, ''));
    }
  }
  if (values.size === 0) return unchanged;
  const longest = Math.max(...[...values].map((v) => v.length));
  return Object.assign((text: string) => mask(text, spans(text, values)), {
    longest,
    head: (text: string, max: number) => head(text, max, spans(text, values)),
  });
}

const maskable = (value: string) => value.length >= MIN_SECRET_LENGTH && !NOT_SECRET.test(value);

/** The redactor when there is nothing to mask: callers can skip the work. */
export const unchanged: Redact = (text) => text;

function spans(text: string, values: ReadonlySet<string>): [number, number][] {
  const found: [number, number][] = [];
  for (const value of values) for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) found.push([i, i + value.length]);
  found.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of found) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Cut in the text's own positions (masks shorten it, so a cut of the masked text would take in what follows), a span across the cut masked whole. */
function head(text: string, max: number, found: readonly [number, number][]): string {
  const across = found.find(([start, end]) => start < max && end > max);
  const end = across ? across[1] : max;
  return mask(
    text.slice(0, end),
    found.filter(([start]) => start < end),
  );
}

function mask(text: string, found: readonly [number, number][]): string {
  let out = '';
  let at = 0;
  for (const [start, end] of found) {
    out += text.slice(at, start) + MASK;
    at = end;
  }
  return out + text.slice(at);
}
