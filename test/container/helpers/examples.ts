import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { ROOT } from '../../helpers/hookvisor.js';
import type { Ctr } from './container.js';
import { podmanSpawn } from './podman.js';
import type { Rootfs } from './rootfs.js';

/** An example's hooks file, unchanged. */
export const exampleHooks = (name: string) => readFileSync(join(ROOT, 'examples', name, 'hooks.yaml'), 'utf8');

/** A directory for one test (a volume), removed when the test ends. */
export function volume(): string {
  const dir = mkdtempSync('/var/tmp/hookvisor-vol-');
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `node -e SCRIPT` inside the container (a client on its loopback, as --network none has only that). */
export function nodeIn(c: Ctr, script: string) {
  return c.exec(['/usr/bin/node', '-e', script]);
}

/** A program started inside the container, its output collected; `until` waits for a text in it. */
export function startIn(c: Ctr, argv: string[]) {
  return collect(podmanSpawn(['exec', c.name, ...argv]));
}

/**
 * A program in a container of its own that shares `c`'s network namespace, as a client on another host
 * would: it outlives `c`, and what `c` wrote to a socket before it exited still arrives.
 */
export function startBeside(c: Ctr, fs: Rootfs, argv: string[]) {
  return collect(podmanSpawn(['run', '--rm', '--network', `container:${c.name}`, ...fs.mounts, '--rootfs', `${fs.dir}:O`, ...argv]));
}

function collect(child: ReturnType<typeof podmanSpawn>) {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<number | null>((res) => child.on('close', res));
  const until = (text: string) =>
    new Promise<void>((res, rej) => {
      const check = () => out.includes(text) && res();
      child.stdout!.on('data', check);
      void done.then(() => (out.includes(text) ? res() : rej(new Error(`exited before ${text}: ${out}`))));
      check();
    });
  return {
    get out() {
      return out;
    },
    done,
    until,
  };
}
