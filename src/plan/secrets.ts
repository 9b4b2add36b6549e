/** Variables whose values are never shown (dry-run, logs, the stop report), going by their names. */
export const SECRET_NAME = /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH/i;

/** What a secret variable's value is shown as. */
export const MASK = '***';

/** Shorter values are not masked: hiding every "1" would hide more than it protects. */
const MIN_SECRET_LENGTH = 3;

/** Text for people, with the values of secret-looking variables masked. */
export type Redact = (text: string) => string;

/**
 * Masks the value of every secret-looking variable of `env` wherever it appears, so a value that reaches
 * text through another variable (DB_URL built from DB_PASSWORD) is masked too; `then` masks further.
 */
export function redactor(env: Readonly<Record<string, string>>, then: Redact = (t) => t): Redact {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_NAME.test(name) || value.length < MIN_SECRET_LENGTH) continue;
    values.add(value);
    // A partly expanded template holds a literal $ as $$.
    values.add(value.replaceAll('$', '$$$$'));
  }
  const longestFirst = [...values].sort((a, b) => b.length - a.length);
  if (longestFirst.length === 0) return then;
  return (text) => then(longestFirst.reduce((t, v) => t.replaceAll(v, MASK), text));
}
