import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parse, stringify } from 'yaml';
import { removeContainers, startContainer } from './helpers/container.js';
import { exampleHooks } from './helpers/examples.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

/**
 * examples/ceph-osd-luks/hooks.yaml with loop devices and ext4 in place of dm-crypt (this kernel has no
 * device-mapper): luksOpen becomes `losetup` of an ext4 image, cryptClose becomes detachLoop, `ceph osd set
 * noout` a mark. Everything else is the example's own: env, state, report, stop, and both unmount tasks.
 */
function hooksWithLoopDevices(): string {
  const h = parse(exampleHooks('ceph-osd-luks'));
  const img = (n: string) => `/t/${n}.img`;
  h.hooks.preStart = [
    {
      name: 'mount the lockbox',
      shell: `mkdir -p "$LOCKBOX" && losetup --find --show ${img('lockbox')} > /t/lockbox.dev && mount -o ro "$(cat /t/lockbox.dev)" "$LOCKBOX"`,
      timeout: '20s',
    },
    {
      name: 'open the data device (losetup for luksOpen)',
      shell: `losetup --find --show ${img('data')} > /t/data.dev && test -s "$LOCKBOX/osd.key"`,
      timeout: '60s',
    },
    { name: 'open the block device (losetup for luksOpen)', shell: `losetup --find --show ${img('block')} > /t/block.dev`, timeout: '60s' },
    { name: 'mount the OSD data directory', shell: 'mkdir -p "$OSD_DIR" && mount -o noatime "$(cat /t/data.dev)" "$OSD_DIR"', timeout: '30s' },
  ];
  h.hooks.preStop = [{ name: 'noout', run: ['/fixtures/mark.sh', 'ceph osd set noout'] }];
  h.hooks.postStop[1] = { name: 'close the data device (detachLoop for cryptClose)', detachLoop: img('data'), timeout: '10s' };
  h.hooks.postStop[2] = { name: 'close the block device (detachLoop for cryptClose)', detachLoop: img('block'), timeout: '10s' };
  // The example's lockbox is a partition; the stand-in's is a loop device of its own, detached last.
  h.hooks.postStop.push({ name: "detach the lockbox (the stand-in's own)", detachLoop: img('lockbox'), timeout: '10s' });
  h.hooks.postStop.push({
    name: 'check',
    shell: 'grep -c " /var/lib/ceph/" /proc/mounts | xargs /fixtures/mark.sh mounts left:; /fixtures/mark.sh "postStop $HOOKVISOR_STOP_REASON"',
  });
  delete h.main;
  return stringify(h);
}

/** The lockbox (ext4 holding osd.key), the data device (ext4) and the block device, as image files on the volume. */
function images(dir: string): void {
  const keys = join(dir, 'keys');
  mkdirSync(keys);
  for (const d of ['state', 'log']) mkdirSync(join(dir, d));
  writeFileSync(join(keys, 'osd.key'), 'not a real key\n');
  for (const [name, size] of [
    ['lockbox', '8M'],
    ['data', '16M'],
    ['block', '1M'],
  ] as const)
    execFileSync('truncate', ['-s', size, join(dir, `${name}.img`)]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-d', keys, join(dir, 'lockbox.img')]);
  execFileSync('mkfs.ext4', ['-q', '-F', join(dir, 'data.img')]);
}

/** Loop devices are not namespaced: attached means a backing file, seen from out here too. */
const attached = (dir: string, name: string) => {
  const f = join(dir, `${name}.dev`);
  if (!existsSync(f)) return false;
  const dev = readFileSync(f, 'utf8').trim().replace('/dev/', '');
  return dev !== '' && existsSync(`/sys/block/${dev}/loop/backing_file`);
};

// Only what a failed test left: the loops it attached (the container's mounts died with it).
function detachLeftovers(dir: string): void {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.dev'))) {
    const name = f.slice(0, -'.dev'.length);
    if (attached(dir, name)) execFileSync('losetup', ['-d', readFileSync(join(dir, f), 'utf8').trim()]);
  }
}

/** The volume with the images; a failed test's loops are detached before the directory goes. */
function osdVolume(): string {
  const dir = mkdtempSync('/var/tmp/hookvisor-osd-');
  onTestFinished(() => {
    detachLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  images(dir);
  return dir;
}

describe.skipIf(NO_PODMAN)('examples/ceph-osd-luks with loop devices and ext4 standing in for dm-crypt', () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  const spec = (dir: string) => ({
    rootfs: fs,
    hooks: hooksWithLoopDevices(),
    // ceph-osd stands in: its helper keeps a file open in the OSD directory and needs a second after SIGTERM.
    command: ['/fixtures/slow-grandchild.sh', '/var/lib/ceph/osd/ceph-0'],
    dir,
    // Privileged with the host's /dev, as the example says: losetup makes /dev/loopN nodes on the fly.
    run: ['--privileged', '-v', '/dev:/dev', '-v', `${dir}/state:/var/lib/hookvisor`, '-v', `${dir}/log:/var/log/hookvisor`],
  });

  it('podman stop: noout, the signal, the OSD and its helper gone, then everything unmounted and detached', async () => {
    const dir = osdVolume();
    const c = startContainer(spec(dir));
    await c.waitFor('grandchild READY');
    expect(attached(dir, 'data')).toBe(true);
    // The example's gracePeriod: 90s, as terminationGracePeriodSeconds.
    await podman(['stop', '-t', '90', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.marks()).toEqual(['ceph osd set noout', 'main got TERM', 'cleanup started', 'cleanup finished', 'mounts left: 0', 'postStop signal']);
    for (const name of ['lockbox', 'data', 'block']) expect(attached(dir, name), name).toBe(false);
    expect(
      c
        .events()
        .filter((e) => e.event === 'hook.end' && e.phase === 'postStop')
        .every((e) => e.ok === true),
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'log/osd-0-last-stop.json'), 'utf8'))).toMatchObject({ reason: 'signal' });
  }, 40_000);

  /** Kills the first container hard and runs a second on the same volumes; returns the first one's loop devices. */
  async function killThenRecover(dir: string) {
    const first = startContainer(spec(dir));
    await first.waitFor('grandchild READY');
    await podman(['kill', '-s', 'KILL', first.name]);
    expect(await first.exited).toBe(137);
    const left = ['lockbox', 'data', 'block'].filter((n) => attached(dir, n));
    for (const n of left) writeFileSync(join(dir, `first-${n}.dev`), readFileSync(join(dir, `${n}.dev`)));
    const second = startContainer({ ...spec(dir), command: ['/fixtures/exit-with.sh', '0'] });
    expect(await second.exited).toBe(0);
    return { left, second };
  }

  it('podman kill -s KILL leaves the loop devices attached; the next container on the state volume runs the lost postStop first', async () => {
    const dir = osdVolume();
    const { left, second } = await killThenRecover(dir);
    expect(left).toEqual(['lockbox', 'data', 'block']);
    expect(second.events().some((e) => e.event === 'recovery.start')).toBe(true);
    expect(second.marks()).toEqual(['mounts left: 0', 'postStop recovery', 'main started', 'mounts left: 0', 'postStop exit']);
    for (const name of ['lockbox', 'data', 'block']) expect(attached(dir, name), name).toBe(false);
  }, 40_000);

  // The backing file's path reads as the attaching mount namespace saw it ("/data.img", not "/t/data.img"):
  // detachLoop matches by inode and device instead, so recovery finds the killed container's loops.
  it('recovery detaches the loop devices the killed container attached', async () => {
    const dir = osdVolume();
    const { left } = await killThenRecover(dir);
    for (const name of left) expect(attached(dir, `first-${name}`), name).toBe(false);
  }, 40_000);
});
