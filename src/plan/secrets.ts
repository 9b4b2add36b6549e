import type { Lookup } from '../config/expand.js';

/** Variables whose values are never shown (dry-run, logs, the stop report), going by their names. */
export const SECRET_NAME = /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|AUTH/i;

/** What a secret variable's value is shown as. */
export const MASK = '***';

/** The same lookup, but a secret-looking variable's value comes back as ***: for the text people see, never for what runs. */
export function masked(lookup: Lookup): Lookup {
  return (name) => {
    const value = lookup(name);
    return value !== undefined && value !== '' && SECRET_NAME.test(name) ? MASK : value;
  };
}
