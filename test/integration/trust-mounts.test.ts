import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hv, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { NO_UNSHARE } from '../helpers/pid1.js';

const HOOKS = 'hooks:\n  preStart:\n    - { run: [touch, "${WORK}/started"] }\n';

/**
 * Bind-mounts `source` on `target` in a mount namespace of its own, where hookvisor then runs as PID 1.
 * Read-only (`ro`), it is first copied to a tmpfs of its own, as a container sees a volume: its source is
 * not otherwise visible (`elsewhere: 'hidden'`, the tmpfs's own mount is detached), or it is also there
 * writable (`'writable'`: a Compose project mounted read-write beside a read-only bind of one of its files).
 */
function inMountNamespace(source: string, target: string, ro: boolean, elsewhere: 'hidden' | 'writable' = 'hidden'): string[] {
  const copy = `mkdir -p "$2.src" && mount -t tmpfs tmpfs "$2.src" && cp -a "$1" "$2.src/x" && mount --bind "$2.src/x" "$2" && mount -o remount,bind,ro "$2" && `;
  const script = ro ? `${copy}${elsewhere === 'hidden' ? 'umount -l "$2.src" && ' : ''}shift 2 && exec "$@"` : 'mount --bind "$1" "$2" && shift 2 && exec "$@"';
  // --kill-child: should the test kill unshare, hookvisor dies with it.
  return ['unshare', '--pid', '--fork', '--kill-child', '--mount', '--mount-proc', '--propagation', 'private', 'sh', '-c', script, 'sh', source, target];
}

const started: Hv[] = [];
afterEach(() => {
  for (const hv of started.splice(0)) hv.child.kill('SIGKILL');
});

/** Runs hookvisor on `file` behind `prefix` to its end; main is `true`, the hooks file's preStart marks `work`. */
async function runIn(prefix: string[], file: string, work: string) {
  const hv = startHookvisor(['--hooks', file, '--', 'true'], { env: { WORK: work }, prefix });
  started.push(hv);
  const exit = await hv.exited;
  return { ...exit, stderr: hv.stderr };
}

describe.skipIf(NO_UNSHARE !== undefined)('as root, a hooks file on a read-only mount is accepted whatever its owner and mode', () => {
  /** A Compose `./hooks.yaml:/etc/hookvisor/hooks.yaml:ro`: the host user's file (uid 1000) mounted over a root-owned one. */
  function compose(dir: string): { source: string; target: string } {
    const host = join(dir, 'project');
    mkdirSync(host);
    const source = writeFile(host, 'hooks.yaml', HOOKS);
    chownSync(source, 1000, 1000);
    const etc = join(dir, 'etc', 'hookvisor');
    mkdirSync(etc, { recursive: true, mode: 0o755 });
    return { source, target: writeFile(etc, 'hooks.yaml', '') };
  }

  it(
    'a Compose bind mount with :ro of a file owned by uid 1000',
    () =>
      withDir(async ({ dir }) => {
        const { source, target } = compose(dir);
        const r = await runIn(inMountNamespace(source, target, true), target, dir);
        expect(r.stderr).not.toContain('refusing');
        expect(r.code).toBe(0);
        expect(existsSync(join(dir, 'started'))).toBe(true);
      }),
    30_000,
  );

  it(
    'the same file on a writable bind mount stays refused, and starts nothing',
    () =>
      withDir(async ({ dir }) => {
        const { source, target } = compose(dir);
        const r = await runIn(inMountNamespace(source, target, false), target, dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(
          `hookvisor: ${target}: refusing to run as root: the hooks file is owned by uid 1000, not by root, so a non-root user could change what runs as root. Fix the permissions, or pass --allow-insecure-hooks.\n`,
        );
        expect(existsSync(join(dir, 'started'))).toBe(false);
      }),
    30_000,
  );

  it(
    'a read-only bind of a file that is also mounted writable elsewhere in the container stays refused',
    () =>
      withDir(async ({ dir }) => {
        const { source, target } = compose(dir);
        const r = await runIn(inMountNamespace(source, target, true, 'writable'), target, dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('refusing to run as root: the hooks file is owned by uid 1000');
        expect(existsSync(join(dir, 'started'))).toBe(false);
      }),
    30_000,
  );

  /**
   * A Kubernetes ConfigMap volume with `fsGroup: 2000`, as the kubelet lays it out: a root-owned 1777
   * directory, the files in a `..<timestamp>` directory made group-writable for the fsGroup, reached
   * through root-owned `..data` and per-key symlinks, the whole mounted read-only into the container.
   */
  function configMap(dir: string): string {
    const volume = join(dir, 'volume');
    mkdirSync(volume);
    chownSync(volume, 0, 2000);
    chmodSync(volume, 0o1777);
    const stamp = '..2026_12_06_22_00_00.123456789';
    mkdirSync(join(volume, stamp));
    chownSync(join(volume, stamp), 0, 2000);
    chmodSync(join(volume, stamp), 0o2775);
    const file = writeFile(join(volume, stamp), 'hooks.yaml', HOOKS);
    chownSync(file, 0, 2000);
    chmodSync(file, 0o664);
    symlinkSync(stamp, join(volume, '..data'));
    symlinkSync('..data/hooks.yaml', join(volume, 'hooks.yaml'));
    for (const link of ['..data', 'hooks.yaml']) lchownSync(join(volume, link), 0, 0);
    return volume;
  }

  it(
    'a Kubernetes ConfigMap volume: 1777 directory, ..data symlinks, files its fsGroup can write, mounted read-only',
    () =>
      withDir(async ({ dir }) => {
        const volume = configMap(dir);
        const mounted = join(dir, 'etc-hookvisor');
        mkdirSync(mounted, { mode: 0o755 });
        const r = await runIn(inMountNamespace(volume, mounted, true), join(mounted, 'hooks.yaml'), dir);
        expect(r.stderr).not.toContain('refusing');
        expect(r.code).toBe(0);
        expect(existsSync(join(dir, 'started'))).toBe(true);
      }),
    30_000,
  );

  it(
    'the same layout on a writable mount stays refused',
    () =>
      withDir(async ({ dir }) => {
        const volume = configMap(dir);
        const mounted = join(dir, 'etc-hookvisor');
        mkdirSync(mounted, { mode: 0o755 });
        const r = await runIn(inMountNamespace(volume, mounted, false), join(mounted, 'hooks.yaml'), dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `refusing to run as root: the directory ${mounted}/..2026_12_06_22_00_00.123456789 above it can be changed by its group (mode 2775)`,
        );
        expect(existsSync(join(dir, 'started'))).toBe(false);
      }),
    30_000,
  );
});
