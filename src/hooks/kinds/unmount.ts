import { busyReporter, firstLine, isBusy } from './busy.js';
import { RETRY_MS } from './devices.js';
import { isMountPoint } from './mounts.js';
import { delay } from './sleep.js';
import type { KindContext, KindResult } from './types.js';

/** The end of the timeout kept for `umount -l` when lazy is set. */
const LAZY_RESERVE_MS = 500;

export interface UnmountSpec {
  path: string;
  /** `umount -l` once the timeout is near, as an explicit last resort. */
  lazy: boolean;
}

/**
 * Unmounts `path` if it is a mount point (idempotent: nothing to do otherwise). While umount says the
 * target is busy it logs who holds what under the path and tries again; any other failure ends it at
 * once with umount's message. It verifies the mount is gone.
 */
export async function runUnmount(spec: UnmountSpec, ctx: KindContext): Promise<KindResult> {
  const run = ctx.run;
  if (!run) return { ok: false, error: 'unmount needs a way to run umount' };
  if (!isMountPoint(spec.path)) {
    ctx.log(`${spec.path} is not a mount point: nothing to do`);
    return { ok: true };
  }
  let lastError = '';
  const busy = busyReporter(spec.path, ctx);
  // With lazy, the plain attempts stop early enough for umount -l to run within the timeout.
  const tries = spec.lazy && ctx.beforeEnd ? ctx.beforeEnd(LAZY_RESERVE_MS) : ctx.signal;
  while (!tries.aborted) {
    const r = await run(['umount', spec.path], tries);
    if (r.code === 0 && !isMountPoint(spec.path)) {
      ctx.log(`unmounted ${spec.path}`);
      return { ok: true };
    }
    // A umount that succeeded on one of stacked mounts: the next attempt takes the next one.
    if (r.code !== 0) {
      lastError = firstLine(r.output, 'umount', r.code);
      if (tries.aborted) break;
      // Not found, not permitted, not a mount: waiting changes nothing, and a lazy umount would fail the same way.
      if (!isBusy(lastError)) return { ok: false, error: `${spec.path} is still mounted: ${lastError}` };
      busy(lastError);
    }
    if (!(await delay(RETRY_MS, tries))) break;
  }
  if (spec.lazy) {
    const r = await run(['umount', '-l', spec.path]);
    if (r.code === 0 && !isMountPoint(spec.path)) {
      ctx.log(`lazily unmounted ${spec.path} (still in use until its holders close it)`);
      return { ok: true };
    }
    lastError = r.output.trim().split('\n')[0] || lastError;
  }
  return { ok: false, error: `${spec.path} is still mounted: ${lastError}` };
}
