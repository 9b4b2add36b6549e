import { existsSync, statSync } from 'node:fs';
import { busyReporter, firstLine, isBusy } from './busy.js';
import { resolved } from './mounts.js';
import { delay } from './sleep.js';
import type { KindContext, KindResult } from './types.js';

/** How often busy cleanup (umount, cryptsetup close, losetup -d) is tried again within the task's timeout. */
export const RETRY_MS = 200;

/** A mapping's device node: a name is looked for where dm-crypt puts it; a path is taken as it is. */
const mappingPath = (mapping: string) => (mapping.startsWith('/') ? mapping : `/dev/mapper/${mapping}`);

/** A loop device as `losetup --list` reports it: its backing file's inode and device say which file it is. */
interface Loop {
  name: string;
  ino: number;
  dev: string;
  file: string;
}

/** Every attached loop device; the backing file's path is as the namespace that attached it saw it. */
async function listLoops(run: NonNullable<KindContext['run']>): Promise<Loop[]> {
  const cmd = ['losetup', '--list', '--raw', '--noheadings', '--output', 'NAME,BACK-INO,BACK-MAJ:MIN,BACK-FILE'];
  const r = await run(cmd);
  // Not knowing what is attached is a failure to say, not "nothing to do" (losetup missing from the image, say).
  if (r.code !== 0) throw new Error(firstLine(r.output, cmd[0]!, r.code));
  return r.output.split('\n').flatMap((line) => {
    const m = /^(\S+) (\d+) (?:\\x20)*(\d+:\d+)(?:\\x20)* (.*)$/.exec(line);
    return m ? [{ name: m[1]!, ino: Number(m[2]), dev: m[3]!, file: m[4]! }] : [];
  });
}

/** major:minor of a stat() device number, as Linux encodes it. */
const majMin = (dev: number) => `${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00)}`;

/**
 * The loop devices backed by `target` (matched by inode and device, so one attached from another mount
 * namespace, a killed container's, is found although its path reads differently), or `target` itself
 * when it is an attached /dev/loopN.
 */
export async function attachedLoops(target: string, run: NonNullable<KindContext['run']>): Promise<string[]> {
  const loops = await listLoops(run);
  let file: { ino: number; dev: string } | undefined;
  try {
    const st = statSync(target);
    file = { ino: st.ino, dev: majMin(st.dev) };
  } catch {
    // Gone: only a loop device named by itself can still match.
  }
  const wanted = resolved(target);
  return loops.filter((l) => l.name === target || (file && l.ino === file.ino && l.dev === file.dev) || l.file === wanted).map((l) => l.name);
}

/** What a closing task works on: what is still there (empty when done), and how to close one of them. */
interface Closable {
  what: string;
  left(): Promise<string[]>;
  close(device: string): string[];
}

/**
 * Closes what is left until nothing is, while the failures are busy-type (the device is in use) and the
 * task's time lasts; any other failure ends it at once with the helper's message. Idempotent: nothing to do when already gone.
 */
async function closeUntilGone({ what, left, close }: Closable, ctx: KindContext): Promise<KindResult> {
  const run = ctx.run;
  if (!run) return { ok: false, error: `${what} needs a way to run programs` };
  let devices = await look(left);
  if (devices instanceof Error) return { ok: false, error: `${what}: ${devices.message}` };
  if (devices.length === 0) {
    ctx.log(`${what}: nothing to do`);
    return { ok: true };
  }
  const busy = busyReporter(devices[0]!, ctx);
  let last = '';
  while (!ctx.signal.aborted) {
    for (const device of devices) {
      const cmd = close(device);
      const r = await run(cmd);
      if (r.code === 0) continue;
      last = firstLine(r.output, cmd[0]!, r.code);
      if (ctx.signal.aborted) break;
      if (!isBusy(last)) return { ok: false, error: `${what}: ${last}` };
    }
    devices = await look(left);
    if (devices instanceof Error) return { ok: false, error: `${what}: ${devices.message}` };
    if (devices.length === 0) {
      ctx.log(`${what}: done`);
      return { ok: true };
    }
    // Busy, or the helper succeeded and the kernel has not let go yet (an autoclear loop device): wait, visibly.
    busy(last || `${what}: still there`);
    if (!(await delay(RETRY_MS, ctx.signal))) break;
  }
  return { ok: false, error: `${what}: still there: ${last}` };
}

/** What is left, or why that cannot be told. */
async function look(left: Closable['left']): Promise<string[] | Error> {
  try {
    return await left();
  } catch (err) {
    return err as Error;
  }
}

/** `cryptsetup close NAME` when /dev/mapper/NAME exists, retried while busy, verified gone. */
export function runCryptClose(name: string, ctx: KindContext): Promise<KindResult> {
  const path = mappingPath(name);
  return closeUntilGone(
    { what: `close ${name}`, left: async () => (existsSync(path) ? [resolved(path)] : []), close: () => ['cryptsetup', 'close', name] },
    ctx,
  );
}

/** `losetup -d` for a loop device, or for every loop device backed by a file; verified detached. */
export function runDetachLoop(target: string, ctx: KindContext): Promise<KindResult> {
  const run = ctx.run;
  return closeUntilGone({ what: `detach ${target}`, left: async () => (run ? attachedLoops(target, run) : []), close: (dev) => ['losetup', '-d', dev] }, ctx);
}
