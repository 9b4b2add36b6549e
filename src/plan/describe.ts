import { formatDuration as d } from '../config/duration.js';
import { displayArg } from '../config/expand.js';
import type { PlannedTask, WaitForSpec } from './types.js';

/** What a task does, in one line: also a task's default name. */
export function describeAction(t: DistributiveOmit<PlannedTask, 'name'>): string {
  switch (t.kind) {
    case 'run': return quoteArgv(t.argv.map(displayArg));
    case 'shell': return `sh -c ${JSON.stringify(t.argv[2])}`;
    case 'sleep': return `sleep ${d(t.sleepMs)}`;
    case 'http': return `http ${t.http.method} ${displayArg(t.http.url)}${t.http.expectStatus ? ` expecting ${t.http.expectStatus.join(' or ')}` : ''}`;
    case 'unmount': return `unmount ${t.unmount.path}${t.unmount.lazy ? ' (lazily as a last resort)' : ''}`;
    case 'cryptClose': return `cryptsetup close ${t.cryptClose} (if open)`;
    case 'detachLoop': return `detach loop ${t.detachLoop} (if attached)`;
    case 'waitFor': return `wait for ${t.waitFor.port !== undefined ? `${t.waitFor.host}:${t.waitFor.port}` : t.waitFor.path} ${awaited(t.waitFor.state)}`;
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}

/** "to be open", "to exist": the state a waitFor task waits for, in words. */
export const awaited = (state: WaitForSpec['state']) => (state === 'exists' ? 'to exist' : `to be ${state}`);
/** "is open", "exists": the state a waitFor task reached, in words. */
export const reached = (state: WaitForSpec['state']) => (state === 'exists' ? 'exists' : `is ${state}`);
