import { formatDuration as d } from '../config/duration.js';
import { displayArg } from '../config/expand.js';
import { type Redact, unchanged } from './secrets.js';
import type { PlannedTask, WaitForSpec } from './types.js';

/** What a task does, in one line: also a task's default name. Secrets are masked (`redact`) before quoting, which would hide them from the mask. */
export function describeAction(t: DistributiveOmit<PlannedTask, 'name'>, redact: Redact = unchanged): string {
  switch (t.kind) {
    case 'run':
      return quoteArgv(t.argv.map(displayArg), redact);
    case 'shell':
      return `sh -c ${JSON.stringify(redact(t.argv[2]!))}`;
    case 'sleep':
      return `sleep ${d(t.sleepMs)}`;
    case 'http':
      return `http ${t.http.method} ${displayArg(t.http.url)}${t.http.expectStatus ? ` expecting ${t.http.expectStatus.join(' or ')}` : ''}`;
    case 'unmount':
      return `unmount ${t.unmount.path}${t.unmount.lazy ? ' (lazily as a last resort)' : ''}`;
    case 'cryptClose':
      return `cryptsetup close ${t.cryptClose} (if open)`;
    case 'detachLoop':
      return `detach loop ${t.detachLoop} (if attached)`;
    case 'waitFor':
      return `wait for ${t.waitFor.port !== undefined ? `${t.waitFor.host}:${t.waitFor.port}` : t.waitFor.path} ${awaited(t.waitFor.state)}`;
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Shell-quoted for display; each argument masked first, since a quoted secret (one with ') no longer matches its value. */
export function quoteArgv(argv: readonly string[], redact: Redact = unchanged): string {
  // Quoted as the real argument needs, so a masked one reads as the argument it stands for.
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? redact(a) : `'${redact(a).replaceAll("'", "'\\''")}'`)).join(' ');
}

/** "to be open", "to exist": the state a waitFor task waits for, in words. */
export const awaited = (state: WaitForSpec['state']) => (state === 'exists' ? 'to exist' : `to be ${state}`);
/** "is open", "exists": the state a waitFor task reached, in words. */
export const reached = (state: WaitForSpec['state']) => (state === 'exists' ? 'exists' : `is ${state}`);
