import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { busyReporter, firstLine, isBusy } from './busy.js';
import { resolved } from './mounts.js';
import { delay } from './sleep.js';
import type { KindContext, KindResult } from './types.js';

/** How often busy cleanup (umount, cryptsetup close, losetup -d) is tried again within the task's timeout. */
export const RETRY_MS = 200;

/** A mapping's device node: a name is looked for where dm-crypt puts it; a path is taken as it is. */
const mappingPath = (mapping: string) => (mapping.startsWith('/') ? mapping : `/dev/mapper/${mapping}`);

/** The loop devices backed by `target`, or `target` itself when it is an attached /dev/loopN. */
export function attachedLoops(target: string): string[] {
  const wanted = resolved(target);
  const found: string[] = [];
  for (const name of readdirSync('/sys/block').filter((n) => n.startsWith('loop'))) {
    let backing: string;
    try {
      backing = readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim();
    } catch {
      continue; // not attached
    }
    if (`/dev/${name}` === target || backing === wanted) found.push(`/dev/${name}`);
  }
  return found;
}

/**
 * Runs `argv` until `gone()` holds, while its failures are busy-type (the device is in use) and the task's
 * time lasts; any other failure ends it at once with the helper's message. Idempotent: nothing to do when already gone.
 */
async function closeUntilGone(what: string, device: () => string, gone: () => boolean, argv: () => string[][], ctx: KindContext): Promise<KindResult> {
  const run = ctx.run;
  if (!run) return { ok: false, error: `${what} needs a way to run programs` };
  if (gone()) return ctx.log(`${what}: nothing to do`), { ok: true };
  const busy = busyReporter(device(), ctx);
  let last = '';
  while (!ctx.signal.aborted) {
    for (const cmd of argv()) {
      const r = await run(cmd);
      if (r.code === 0) continue;
      last = firstLine(r.output, cmd[0]!, r.code);
      if (ctx.signal.aborted) break;
      if (!isBusy(last)) return { ok: false, error: `${what}: ${last}` };
    }
    if (gone()) return ctx.log(`${what}: done`), { ok: true };
    // Busy, or the helper succeeded and the kernel has not let go yet (an autoclear loop device): wait, visibly.
    busy(last || `${what}: still there`);
    if (!(await delay(RETRY_MS, ctx.signal))) break;
  }
  return { ok: false, error: `${what}: still there: ${last}` };
}

/** `cryptsetup close NAME` when /dev/mapper/NAME exists, retried while busy, verified gone. */
export function runCryptClose(name: string, ctx: KindContext): Promise<KindResult> {
  return closeUntilGone(`close ${name}`, () => resolved(mappingPath(name)), () => !existsSync(mappingPath(name)), () => [['cryptsetup', 'close', name]], ctx);
}

/** `losetup -d` for a loop device, or for every loop device backed by a file; verified detached. */
export function runDetachLoop(target: string, ctx: KindContext): Promise<KindResult> {
  return closeUntilGone(`detach ${target}`, () => attachedLoops(target)[0] ?? target, () => attachedLoops(target).length === 0, () => attachedLoops(target).map((dev) => ['losetup', '-d', dev]), ctx);
}
