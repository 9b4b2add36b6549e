import { RETRY_MS } from './devices.js';
import { delay } from './sleep.js';
import { holders, isMountPoint } from './mounts.js';
import type { KindContext, KindResult } from './types.js';


export interface UnmountSpec {
  path: string;
  /** `umount -l` once the timeout is near, as an explicit last resort. */
  lazy: boolean;
}

/**
 * Unmounts `path` if it is a mount point (idempotent: nothing to do otherwise). While umount says the
 * target is busy it logs who holds what under the path and tries again; it verifies the mount is gone.
 */
export async function runUnmount(spec: UnmountSpec, ctx: KindContext): Promise<KindResult> {
  const run = ctx.run;
  if (!run) return { ok: false, error: 'unmount needs a way to run umount' };
  if (!isMountPoint(spec.path)) {
    ctx.log(`${spec.path} is not a mount point: nothing to do`);
    return { ok: true };
  }
  let lastError = '';
  let reported = false;
  while (!ctx.signal.aborted) {
    const r = await run(['umount', spec.path]);
    if (r.code === 0 && !isMountPoint(spec.path)) return ctx.log(`unmounted ${spec.path}`), { ok: true };
    lastError = r.output.trim().split('\n')[0] || `umount exited ${r.code}`;
    if (!reported && /busy/i.test(lastError)) {
      reported = true;
      for (const h of holders(spec.path)) ctx.log(`busy: pid ${h.pid} (${h.command}) holds ${h.paths.join(', ')}`);
    }
    if (spec.lazy && ctx.deadlineNear?.()) break;
    if (!(await delay(RETRY_MS, ctx.signal))) break;
  }
  if (spec.lazy) {
    const r = await run(['umount', '-l', spec.path]);
    if (r.code === 0 && !isMountPoint(spec.path)) return ctx.log(`lazily unmounted ${spec.path} (still in use until its holders close it)`), { ok: true };
    lastError = r.output.trim().split('\n')[0] || lastError;
  }
  return { ok: false, error: `${spec.path} is still mounted: ${lastError}` };
}
