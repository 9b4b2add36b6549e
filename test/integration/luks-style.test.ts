import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { eventsNamed, fixture, readMarks, withDir, writeFile } from '../helpers/hookvisor.js';
import { orchestratorStop } from '../helpers/orchestrator.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);

// The ceph-osd-luks sequence with what these machines have: a loop device stands for the dm-crypt
// mapping (attached and formatted in preStart, detached in postStop), ext4 for the OSD's file system.
const HOOKS = `env:
  MNT: "\${WORK}/mnt"
hooks:
  preStart:
    - name: create the image
      run: [truncate, -s, 16M, "\${WORK}/disk.img"]
    - name: attach the loop device
      shell: 'losetup --find --show "$WORK/disk.img" > "$WORK/loopdev"'
    - name: make the file system
      shell: 'mkfs.ext4 -q -F "$(cat "$WORK/loopdev")"'
    - name: mount it
      shell: 'mkdir -p "$MNT" && mount "$(cat "$WORK/loopdev")" "$MNT" && mkdir "$MNT/db"'
  postStop:
    - name: unmount
      run: [umount, "\${MNT}"]
      retries: 3
      retryDelay: 200ms
    - name: detach the loop device
      shell: 'losetup -d "$(cat "$WORK/loopdev")"'
      retries: 3
      retryDelay: 200ms
    - name: check nothing is mounted there any more
      shell: 'grep -c " $MNT " /proc/self/mountinfo > "$WORK/mounted-after" || true'
`;

function detachIfAttached(loopdevFile: string): void {
  if (!existsSync(loopdevFile)) return;
  const dev = readFileSync(loopdevFile, 'utf8').trim();
  if (existsSync(`/sys/block/${dev.replace('/dev/', '')}/loop/backing_file`)) execFileSync('losetup', ['-d', dev]);
}

function verify(work: string): { records: number; acked: number } {
  const loopdev = readFileSync(`${work}/loopdev`, 'utf8').trim();
  expect(readFileSync(`${work}/mounted-after`, 'utf8').trim()).toBe('0');
  // Loop devices are not namespaced: detached means no backing file, seen from out here too.
  expect(existsSync(`/sys/block/${loopdev.replace('/dev/', '')}/loop/backing_file`)).toBe(false);
  execFileSync('e2fsck', ['-n', '-f', `${work}/disk.img`], { stdio: 'pipe' });
  const text = execFileSync('debugfs', ['-R', 'cat /db/records', `${work}/disk.img`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = text.split('\n').filter(Boolean);
  lines.forEach((line, i) => {
    const [seq, payload, sum] = line.split(' ');
    expect(Number(seq)).toBe(i + 1);
    expect(createHash('sha256').update(`${seq} ${payload}`).digest('hex')).toBe(sum);
  });
  expect(text.endsWith('\n')).toBe(true);
  const acks = readMarks(`${work}/acks`);
  const lastAck = Number(acks.at(-1)!.split(' ')[1]);
  expect(lines.length).toBeGreaterThanOrEqual(lastAck);
  return { records: lines.length, acked: lastAck };
}

describe.skipIf(NO_UNSHARE)('LUKS-style end to end: loop device, ext4, a database, every way of stopping', () => {
  it.each([
    ['SIGTERM, the database finishes its record', 'graceful', 0],
    ['a database that ignores SIGTERM is SIGKILLed at the timeout', 'ignore', 137],
    ['a database that crashes by itself', 'crash', 3],
  ] as const)(
    '%s: unmounted, detached, fsck clean, every record whole',
    (_, mode, code) =>
      withDir(async ({ dir }) => {
        const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 1s }\n${HOOKS}`);
        const env = { WORK: dir, MODE: mode, DB_DIR: `${dir}/mnt/db`, ACK_FILE: `${dir}/acks` };
        const hv = startAsPid1(['--hooks', hooks, '--', process.execPath, fixture('db-writer.mjs')], { env });
        // Loop devices outlive the namespace: if this test fails half-way, do not leave one attached.
        onTestFinished(() => detachIfAttached(`${dir}/loopdev`));
        await hv.waitFor('READY');
        if (mode !== 'crash') expect(await orchestratorStop(hv, 15_000, { signal: hv.signalPid1 })).toMatchObject({ killed: false, code });
        else expect((await hv.exited).code).toBe(code);
        const postStop = eventsNamed(hv.events(), 'hook.end').filter((e) => e.phase === 'postStop');
        expect(postStop.map((e) => [e.task, e.ok])).toEqual([
          ['unmount', true],
          ['detach the loop device', true],
          ['check nothing is mounted there any more', true],
        ]);
        const { records, acked } = verify(dir);
        expect(records).toBeGreaterThanOrEqual(mode === 'crash' ? 20 : 1);
        if (mode === 'graceful') expect(hv.stdout).toContain(`stopped cleanly after record ${acked}`);
      }),
    20_000,
  );
});
