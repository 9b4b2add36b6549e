import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { eventsNamed, killLeftovers, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);
afterEach(killLeftovers);

// A tmpfs at $WORK/mnt, mounted in preStart; each test adds its postStop tasks.
const MOUNT_TMPFS = `env: { MNT: "\${WORK}/mnt" }
hooks:
  preStart:
    - shell: 'mkdir -p "$MNT" && mount -t tmpfs tmpfs "$MNT"'
  postStop:
`;

// Holds a file open under $MNT until the test creates $WORK/release, which it does once unmount has reported the holder.
const HOLD = `shell: '(exec 3>"$MNT/held"; while [ ! -e "$WORK/release" ]; do sleep 0.05; done) & echo started'`;
const released = (dir: string) => (e: { event: string; line?: unknown }) => {
  if (e.event !== 'hook.output' || !String(e.line).startsWith('busy: ')) return false;
  writeFileSync(join(dir, 'release'), '');
  return true;
};

describe.skipIf(NO_UNSHARE)('unmount: task', () => {
  it('waits out EBUSY, naming who holds the mount, verifies it is gone, and is a no-op the second time', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS}    - name: hold a file open until released
      ${HOLD}
    - { name: unmount data, unmount: "\${MNT}", timeout: 5s }
    - { name: again, unmount: "\${MNT}" }
    - shell: 'grep -c " $MNT " /proc/self/mountinfo > "$MARK" || true'
`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir, MARK: mark } });
      await hv.waitForEvent(released(dir));
      expect((await hv.exited).code).toBe(0);
      const out = (task: string) =>
        eventsNamed(hv.events(), 'hook.output')
          .filter((e) => e.task === task)
          .map((e) => String(e.line));
      const first = out('unmount data');
      expect(first.some((l) => /^busy: pid \d+ \((sh|sleep)\) holds .*\/mnt\/held$/.test(l))).toBe(true);
      expect(first.at(-1)).toBe(`unmounted ${dir}/mnt`);
      expect(out('again')).toEqual([`${dir}/mnt is not a mount point: nothing to do`]);
      expect(
        eventsNamed(hv.events(), 'hook.end')
          .filter((e) => e.phase === 'postStop')
          .every((e) => e.ok),
      ).toBe(true);
      expect(readMarks(mark)).toEqual(['0']);
    }));

  it('lazy: true detaches a mount that stays busy, as the last resort', () =>
    withDir(async ({ dir }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS}    - shell: '(exec 3>"$MNT/held"; sleep 5) & echo started'
    - { name: unmount data, unmount: "\${MNT}", timeout: 1s, lazy: true }
`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir } });
      expect((await hv.exited).code).toBe(0);
      const end = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'unmount data');
      expect(end).toMatchObject({ ok: true });
      expect(eventsNamed(hv.events(), 'hook.output').some((e) => e.line === `lazily unmounted ${dir}/mnt (still in use until its holders close it)`)).toBe(
        true,
      );
    }));

  it('unmounts an ext4 file system on a loop device while busy, then detaches the loop device', () =>
    withDir(async ({ dir }) => {
      const img = join(dir, 'disk.img');
      execFileSync('truncate', ['-s', '16M', img]);
      execFileSync('mkfs.ext4', ['-q', '-F', img]);
      const attached = () =>
        execFileSync('losetup', ['-j', img], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(':')[0]!);
      onTestFinished(() => {
        for (const dev of attached()) execFileSync('losetup', ['-d', dev]);
      });
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `env: { MNT: "\${WORK}/mnt" }
hooks:
  preStart:
    - shell: 'mkdir -p "$MNT" && losetup --find --show "$IMG" > "$WORK/dev" && mount "$(cat "$WORK/dev")" "$MNT"'
  postStop:
    - ${HOLD}
    - { name: unmount data, unmount: "\${MNT}", timeout: 5s }
    - { name: detach, detachLoop: "\${IMG}" }
`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir, IMG: img } });
      await hv.waitForEvent(released(dir));
      expect((await hv.exited).code).toBe(0);
      const dev = execFileSync('cat', [join(dir, 'dev')], { encoding: 'utf8' }).trim();
      expect(
        eventsNamed(hv.events(), 'hook.end')
          .filter((e) => e.phase === 'postStop')
          .map((e) => [e.task, e.ok]),
      ).toEqual([
        ['(exec 3>"$MNT/held"; while [ ! -e "$WORK/release" ]; do sleep 0.05; done) & echo started', true],
        ['unmount data', true],
        ['detach', true],
      ]);
      // Loop devices are global: detached means gone from out here too, and the file system is clean.
      expect(attached()).toEqual([]);
      expect(existsSync(`/sys/block/${dev.slice(5)}/loop/backing_file`)).toBe(false);
      execFileSync('e2fsck', ['-n', '-f', img], { stdio: 'pipe' });
    }));

  it('a busy wait stays visible while it lasts: the holders at its start, then a line at intervals, not one per retry', () =>
    withDir(async ({ dir }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS}    - name: hold a file open until released
      ${HOLD}
    - { name: unmount data, unmount: "\${MNT}", timeout: 20s }
`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir } });
      // Released only once the wait has said, a while in, that it still lasts.
      await hv.waitForEvent((e) => e.event === 'hook.output' && String(e.line).startsWith('still busy after '), 15_000);
      writeFileSync(join(dir, 'release'), '');
      expect((await hv.exited).code).toBe(0);
      const lines = eventsNamed(hv.events(), 'hook.output')
        .filter((e) => e.task === 'unmount data')
        .map((e) => String(e.line));
      expect(lines[0]).toMatch(/^busy: pid \d+ \((sh|sleep)\) holds .*\/mnt\/held$/);
      expect(lines.some((l) => /^still busy after \d+(\.\d)?s: umount: .*target is busy.*; pid \d+ \((sh|sleep)\) holds .*\/mnt\/held/.test(l))).toBe(true);
      // The holders are named once, at the start (one line each), not again at every 200 ms retry.
      const named = lines.filter((l) => l.startsWith('busy: '));
      expect(lines.slice(0, named.length)).toEqual(named);
      expect(new Set(named).size).toBe(named.length);
      expect(lines.at(-1)).toBe(`unmounted ${dir}/mnt`);
    }));

  it("fails at once, with umount's message, when umount is not there (a distroless image): nothing to wait out", () =>
    withDir(async ({ dir }) => {
      mkdirSync(join(dir, 'empty'));
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS}    - { name: unmount data, unmount: "\${MNT}", timeout: 3s, env: { PATH: "\${WORK}/empty" } }\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir } });
      expect((await hv.exited).code).toBe(0);
      const end = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'unmount data');
      expect(end).toMatchObject({ ok: false, timedOut: false, attempts: 1, error: `${dir}/mnt is still mounted: umount: command not found` });
      expect(eventsNamed(hv.events(), 'hook.output').filter((e) => e.task === 'unmount data')).toEqual([]);
    }));

  it('fails at once, with umount\'s message, when hookvisor is not root: "must be superuser" will not go away', () =>
    withDir(async ({ dir }) => {
      chmodSync(dir, 0o755);
      const mnt = join(dir, 'mnt');
      mkdirSync(mnt);
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - { name: unmount data, unmount: "${mnt}", timeout: 3s }\n`);
      // Mounted as root in a mount namespace of its own, then hookvisor runs there as nobody.
      const asNobody = ['unshare', '--mount', 'sh', '-c', 'mount -t tmpfs tmpfs "$0" && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"', mnt];
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { prefix: asNobody });
      expect((await hv.exited).code).toBe(0);
      const end = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'unmount data');
      expect(end).toMatchObject({ ok: false, timedOut: false, attempts: 1 });
      expect(String(end!.error)).toMatch(new RegExp(`^${mnt} is still mounted: umount: ${mnt}: must be superuser`));
    }));

  it("kills a umount that hangs at the task's timeout, and takes umount from the hooks file's PATH", () =>
    withDir(async ({ dir, mark }) => {
      // A stand-in umount, reachable only through the file's env, that hangs as one on a dead NFS server does.
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin/umount'), '#!/bin/sh\necho "umount $*" >> "$MARK"\nexec sleep 1000\n');
      chmodSync(join(dir, 'bin/umount'), 0o755);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS.replace('env: {', 'env: { PATH: "${WORK}/bin:${PATH}",')}    - { name: unmount data, unmount: "\${MNT}", timeout: 1s }\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir, MARK: mark } });
      expect((await hv.exited).code).toBe(0);
      const end = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'unmount data');
      expect(end).toMatchObject({ ok: false, timedOut: true, error: `${dir}/mnt is still mounted: umount ${dir}/mnt: killed at the timeout` });
      expect(readMarks(mark)).toEqual([`umount ${dir}/mnt`]);
    }));
});
