import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../../helpers/hookvisor.js';

/** Where built root filesystems are kept between runs, one directory per kind and inputs. */
export const CACHE = process.env.HOOKVISOR_ROOTFS_CACHE ?? '/var/tmp/hookvisor-rootfs';
const BUNDLE = join(ROOT, 'dist/bundle');
// Bumped when the way a rootfs is assembled changes, so old caches are not reused.
const RECIPE = 2;

/**
 * host: a skeleton whose /usr is the host's, bind-mounted read-only at run time (Debian's merged /usr:
 * /bin, /lib, /sbin are links into it), so the daemons Debian installed (nginx, postgres, redis) run as
 * they would in a Debian image. distroless: node and the shared libraries node and koffi load, no shell.
 */
export type RootfsKind = 'host' | 'distroless';

/** How hookvisor goes into an image: node + bundle today; the single executable once it exists. */
export type HookvisorForm = 'bundle' | 'single-executable';

export interface Rootfs {
  kind: RootfsKind;
  dir: string;
  /** The argv that starts hookvisor inside this rootfs. */
  hookvisor: string[];
  /** podman run options this rootfs needs (the host's /usr for the host kind). */
  mounts: string[];
}

/**
 * Puts hookvisor into a rootfs and returns the argv that starts it there. The single executable does
 * not exist yet (its own issue): this is where it will be copied, as /usr/local/bin/hookvisor.
 */
export function installHookvisor(dir: string, form: HookvisorForm): string[] {
  if (form === 'single-executable') throw new Error('the single-executable hookvisor is not built yet');
  cpSync(BUNDLE, join(dir, 'opt/hookvisor'), { recursive: true });
  return ['/usr/bin/node', '/opt/hookvisor/hookvisor.js'];
}

/** The cache key: every input a rootfs is made from (the bundle's files, node, the recipe). */
function key(kind: RootfsKind): string {
  const h = createHash('sha256').update(`${kind} ${RECIPE} ${process.execPath} ${statSync(process.execPath).size} ${statSync(process.execPath).mtimeMs}`);
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p).update(readFileSync(p));
    }
  };
  walk(BUNDLE);
  return h.digest('hex').slice(0, 16);
}

/** The rootfs of that kind, built once per set of inputs and reused (runs use it as an overlay, `:O`). */
export function rootfs(kind: RootfsKind): Rootfs {
  const dir = join(CACHE, `${kind}-${key(kind)}`);
  const hookvisor = ['/usr/bin/node', '/opt/hookvisor/hookvisor.js'];
  const mounts = kind === 'host' ? ['-v', '/usr:/usr:ro'] : [];
  if (existsSync(dir)) return { kind, dir, hookvisor, mounts };
  // Built beside its final place and renamed: two test workers may build the same one at once.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const d of ['etc', 'tmp', 'proc', 'sys', 'dev', 'run', 'var/tmp', 'var/lib', 'var/log', 'opt']) mkdirSync(join(tmp, d), { recursive: true });
  chmodSync(join(tmp, 'tmp'), 0o1777);
  if (kind === 'host') {
    mkdirSync(join(tmp, 'usr'));
    for (const d of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${d}`, join(tmp, d));
    for (const f of ['passwd', 'group', 'nsswitch.conf', 'hosts', 'mime.types']) if (existsSync(`/etc/${f}`)) copyFileSync(`/etc/${f}`, join(tmp, 'etc', f));
    // Debian's nginx and postgres read their own configuration and share files from /etc.
    for (const d of ['nginx', 'postgresql-common', 'ssl'])
      if (existsSync(`/etc/${d}`)) cpSync(`/etc/${d}`, join(tmp, 'etc', d), { recursive: true, dereference: true });
    for (const d of ['var/log/nginx', 'var/lib/nginx', 'var/run/postgresql', 'var/lib/postgresql']) mkdirSync(join(tmp, d), { recursive: true });
    // The official postgres image's user is 999:999, as examples/postgres/hooks.yaml says.
    if (!/^[^:]*:[^:]*:999:/m.test(readFileSync('/etc/passwd', 'utf8')))
      appendFileSync(join(tmp, 'etc/passwd'), 'pg999:x:999:999:postgres as in the official image:/var/lib/postgresql:/bin/sh\n');
    if (!/^[^:]*:[^:]*:999:/m.test(readFileSync('/etc/group', 'utf8'))) appendFileSync(join(tmp, 'etc/group'), 'pg999:x:999:\n');
  } else {
    copyWithLibraries(tmp, process.execPath, '/usr/bin/node');
    for (const lib of findFiles(join(BUNDLE, 'node_modules'), /linux_x64\/koffi\.node$/)) for (const so of sharedLibraries(lib)) copyInto(tmp, so);
    copyFileSync('/etc/passwd', join(tmp, 'etc/passwd'));
    copyFileSync('/etc/group', join(tmp, 'etc/group'));
  }
  installHookvisor(tmp, 'bundle');
  // Caches of earlier inputs are dead weight: one directory per kind is kept.
  for (const old of readdirSync(CACHE)) if (new RegExp(`^${kind}-[0-9a-f]{16}$`).test(old)) rmSync(join(CACHE, old), { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker won the race
  }
  return { kind, dir, hookvisor, mounts };
}

/** The shared libraries `file` loads, from ldd (the dynamic loader included). */
function sharedLibraries(file: string): string[] {
  const out = spawnSync('ldd', [file], { encoding: 'utf8' }).stdout;
  return [...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
}

/** Copies a program and the shared libraries it loads into `root`. */
export function copyWithLibraries(root: string, file: string, as: string): void {
  mkdirSync(dirname(join(root, as)), { recursive: true });
  copyFileSync(file, join(root, as));
  chmodSync(join(root, as), 0o755);
  for (const so of sharedLibraries(file)) copyInto(root, so);
}

function copyInto(root: string, file: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  if (!existsSync(join(root, file))) copyFileSync(file, join(root, file));
}

function findFiles(dir: string, re: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => re.test(p));
}
