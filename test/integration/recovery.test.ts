import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { eventsNamed, fixture, killLeftovers, type LogRecord, readMarks, runHookvisor, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);
afterEach(killLeftovers);

// preStart refuses to stack a second mount or loop device, as ceph-volume's activate does: without recovery, a start after a hard kill fails.
const hooks = (state: boolean) => `${state ? 'state: ${WORK}/state\n' : ''}hooks:
  preStart:
    - name: attach and mount
      shell: |
        if grep -q " $VOL/osd " /proc/self/mountinfo; then echo "$VOL/osd is still mounted"; exit 1; fi
        if [ -n "$(losetup -j "$IMG")" ]; then echo "$IMG is still attached"; exit 1; fi
        mount "$(losetup --find --show "$IMG")" "$VOL/osd"
  postStop:
    - { name: unmount, unmount: "\${VOL}/osd" }
    - { name: detach, detachLoop: "\${IMG}" }
    - { name: note, shell: 'echo "postStop $HOOKVISOR_STOP_REASON" >> "$MARK"' }
`;

/**
 * A mount namespace that outlives hookvisor's, holding a shared mount point `vol`: what the node is to a
 * container whose volume has Bidirectional propagation. Mounts hookvisor makes there survive its SIGKILL.
 */
async function holdNamespace(vol: string): Promise<{ ns: string; mounted: (path: string) => boolean }> {
  const holder = spawn(
    'unshare',
    ['--mount', 'sh', '-c', 'mount --bind "$1" "$1" && mount --make-shared "$1" && echo READY && exec sleep infinity', 'sh', vol],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  onTestFinished(() => void holder.kill('SIGKILL'));
  await new Promise<void>((res, rej) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && res());
    holder.on('exit', (code) => rej(new Error(`the namespace holder exited with ${code}`)));
  });
  const pid = holder.pid!;
  return { ns: `/proc/${pid}/ns/mnt`, mounted: (path) => readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(` ${path} `) };
}

const attached = (img: string) => execFileSync('losetup', ['-j', img], { encoding: 'utf8' }).trim() !== '';

async function setUp(dir: string) {
  const vol = join(dir, 'vol');
  mkdirSync(join(vol, 'osd'), { recursive: true });
  const img = join(dir, 'disk.img');
  execFileSync('truncate', ['-s', '16M', img]);
  execFileSync('mkfs.ext4', ['-q', '-F', img]);
  onTestFinished(() => {
    for (const line of execFileSync('losetup', ['-j', img], { encoding: 'utf8' }).split('\n').filter(Boolean))
      execFileSync('losetup', ['-d', line.split(':')[0]!]);
  });
  return { vol, img, holder: await holdNamespace(vol) };
}

/** Starts hookvisor as PID 1, lets preStart mount, then SIGKILLs it before any postStop could run. */
async function startThenKill(hooksFile: string, env: Record<string, string>, ns: string) {
  const first = startAsPid1(['--hooks', hooksFile, '--', fixture('main-trap.sh')], { env, mountNamespace: ns });
  await first.waitFor('READY');
  first.signalPid1('SIGKILL');
  await first.exited;
}

const index = (events: LogRecord[], pred: (e: LogRecord) => boolean) => events.findIndex(pred);

describe.skipIf(NO_UNSHARE)('recovery after a hard kill (state:), on a real loop device and ext4 mount', () => {
  it(
    'runs the owed postStop with HOOKVISOR_STOP_REASON=recovery before the next preStart, and clears the record after a clean stop',
    () =>
      withDir(async ({ dir, mark }) => {
        const { vol, img, holder } = await setUp(dir);
        const env = { WORK: dir, VOL: vol, IMG: img, MARK: mark };
        const file = writeFile(dir, 'hooks.yaml', hooks(true));
        await startThenKill(file, env, holder.ns);
        // The kill left the mount and the loop device, and the record that says so.
        expect(holder.mounted(join(vol, 'osd'))).toBe(true);
        expect(attached(img)).toBe(true);
        const record = JSON.parse(readFileSync(join(dir, 'state/poststop-owed.json'), 'utf8'));
        expect(record).toMatchObject({ version: 1, pid: 1, hooksFile: file, preStartCompleted: true });

        const second = startAsPid1(['--hooks', file, '--', fixture('main-trap.sh')], { env, mountNamespace: holder.ns });
        await second.waitFor('READY');
        const events = second.events();
        const recovered = index(events, (e) => e.event === 'recovery.end');
        expect(events.find((e) => e.event === 'recovery.start')).toMatchObject({ level: 40, since: record.since, previousPid: 1, preStartCompleted: true });
        expect(events.filter((e) => e.event === 'hook.end' && e.phase === 'postStop').map((e) => [e.task, e.ok])).toEqual([
          ['unmount', true],
          ['detach', true],
          ['note', true],
        ]);
        expect(recovered).toBeLessThan(index(events, (e) => e.event === 'hook.start' && e.phase === 'preStart'));
        expect(readMarks(mark)).toEqual(['main started', 'postStop recovery', 'main started']);
        expect(holder.mounted(join(vol, 'osd'))).toBe(true);

        second.signalPid1('SIGTERM');
        expect((await second.exited).code).toBe(0);
        expect(readMarks(mark).at(-1)).toBe('postStop signal');
        expect(holder.mounted(join(vol, 'osd'))).toBe(false);
        expect(attached(img)).toBe(false);
        expect(existsSync(join(dir, 'state/poststop-owed.json'))).toBe(false);
      }),
    30_000,
  );

  it(
    'without state:, the same kill leaves the mount behind and the next start fails',
    () =>
      withDir(async ({ dir, mark }) => {
        const { vol, img, holder } = await setUp(dir);
        const env = { WORK: dir, VOL: vol, IMG: img, MARK: mark };
        const file = writeFile(dir, 'hooks.yaml', hooks(false));
        await startThenKill(file, env, holder.ns);
        const second = startAsPid1(['--hooks', file, '--', fixture('main-trap.sh')], { env, mountNamespace: holder.ns });
        const exit = await second.exited;
        expect(exit.code).toBe(1);
        expect(second.events().find((e) => e.event === 'hook.output')).toMatchObject({ line: `${vol}/osd is still mounted` });
        expect(readMarks(mark)).toEqual(['main started', 'postStop start-failed']);
      }),
    30_000,
  );
});

describe('recovery, seen from outside', () => {
  const owed = (dir: string) => {
    mkdirSync(join(dir, 'state'));
    writeFile(join(dir, 'state'), 'poststop-owed.json', '{"version": 1, "since": "2026-11-23T08:00:00.000Z", "pid": 1, "preStartCompleted": false}\n');
  };

  it('dry-run shows the state directory, the recovery step and whether a record is there now', () =>
    withDir(async ({ dir }) => {
      const file = writeFile(
        dir,
        'hooks.yaml',
        `state: ${dir}/state\nhooks:\n  postStop:\n    - { unmount: /mnt/a }\n    - { run: [echo, ok], when: success }\n    - { run: [echo, again], when: recovery }\n`,
      );
      const before = await runHookvisor(['dry-run', '--hooks', file]);
      expect(before.code).toBe(0);
      expect(before.stdout).toContain(`state     ${dir}/state   (postStop is recorded as owed from preStart until it has run)`);
      expect(before.stdout).toContain(
        "recovery  first, if the last run was killed before its postStop finished:\n          postStop's 2 task(s) with when always, failure or recovery run, with HOOKVISOR_STOP_REASON=recovery\n          no record now: nothing is owed\n",
      );
      expect(before.stdout).toContain('when recovery');
      owed(dir);
      expect((await runHookvisor(['dry-run', '--hooks', file])).stdout).toContain('a record is there now: the next start recovers first');
      // dry-run starts nothing and leaves the record alone.
      expect(existsSync(join(dir, 'state/poststop-owed.json'))).toBe(true);
    }));

  it("a second run on the same state directory waits for the first to finish, and never takes its live record for a killed run's", () =>
    withDir(async ({ dir, mark }) => {
      const file = writeFile(
        dir,
        'hooks.yaml',
        `state: ${dir}/state\nhooks:\n  preStart:\n    - { shell: 'echo "$WHO preStart" >> "$MARK"' }\n  postStop:\n    - { shell: 'echo "$WHO postStop $HOOKVISOR_STOP_REASON" >> "$MARK"' }\n`,
      );
      const main = ['--hooks', file, '--', 'sh', '-c', 'echo READY; exec sleep 1000'];
      const first = startHookvisor(main, { env: { MARK: mark, WHO: 'first' } });
      await first.waitFor('READY');
      const second = startHookvisor(main, { env: { MARK: mark, WHO: 'second' } });
      await second.waitForEvent((e) => e.event === 'state.busy');
      expect(readMarks(mark)).toEqual(['first preStart']);
      first.signal('SIGTERM');
      expect((await first.exited).code).toBe(143);
      await second.waitFor('READY');
      expect(second.events().find((e) => e.event === 'state.locked')).toMatchObject({ level: 30, waitedMs: expect.any(Number) });
      second.signal('SIGTERM');
      expect((await second.exited).code).toBe(143);
      expect(readMarks(mark)).toEqual(['first preStart', 'first postStop signal', 'second preStart', 'second postStop signal']);
      expect(eventsNamed(second.events(), 'recovery.start')).toEqual([]);
    }));

  it('the stop report keeps the recovery apart from the stop', () =>
    withDir(async ({ dir, mark }) => {
      owed(dir);
      const file = writeFile(
        dir,
        'hooks.yaml',
        `state: ${dir}/state\nreport: ${dir}/last-stop.json\nhooks:\n  postStop:\n    - { name: note, shell: 'echo "$HOOKVISOR_STOP_REASON" >> "$MARK"' }\n`,
      );
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { MARK: mark } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual(['recovery', 'exit']);
      const report = JSON.parse(readFileSync(join(dir, 'last-stop.json'), 'utf8'));
      expect(report.recovery).toMatchObject({
        since: '2026-11-23T08:00:00.000Z',
        previousPid: 1,
        preStartCompleted: false,
        tasks: [{ phase: 'postStop', name: 'note', outcome: 'ok' }],
      });
      expect(report.tasks.map((t: { name: string }) => t.name)).toEqual(['note']);
      expect(report.reason).toBe('exit');
    }));

  it('a state directory that cannot be written is logged, and the run goes on with its cleanup', () =>
    withDir(async ({ dir, mark }) => {
      writeFile(dir, 'not-a-dir', '');
      const file = writeFile(
        dir,
        'hooks.yaml',
        `state: ${dir}/not-a-dir/state\nhooks:\n  postStop:\n    - { shell: 'echo "$HOOKVISOR_STOP_REASON" >> "$MARK"' }\n`,
      );
      const r = await runHookvisor(['--hooks', file, '--', 'sh', '-c', 'exit 5'], { env: { MARK: mark } });
      expect(r.code).toBe(5);
      expect(readMarks(mark)).toEqual(['exit']);
      // Without the lock the record is never written or removed: only the lock's failure is an error.
      expect(r.events.filter((e) => e.event === 'state.error').map((e) => [e.during, e.level])).toEqual([['lock', 50]]);
      expect(eventsNamed(r.events, 'state.left')).toHaveLength(1);
    }));

  it("a state directory that cannot be locked leaves a killed run's record byte for byte: it could be a live run's", () =>
    withDir(async ({ dir, mark }) => {
      owed(dir);
      // A directory where the lock file should be: open() fails (EISDIR), so the lock cannot be taken.
      mkdirSync(join(dir, 'state/.lock'));
      const path = join(dir, 'state/poststop-owed.json');
      const before = readFileSync(path);
      const file = writeFile(dir, 'hooks.yaml', `state: ${dir}/state\nhooks:\n  postStop:\n    - { shell: 'echo "$HOOKVISOR_STOP_REASON" >> "$MARK"' }\n`);
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { MARK: mark } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual(['exit']);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(eventsNamed(r.events, 'recovery.start')).toEqual([]);
      expect(eventsNamed(r.events, 'state.error').map((e) => e.during)).toEqual(['lock']);
      expect(eventsNamed(r.events, 'state.left')).toEqual([expect.objectContaining({ level: 40, path })]);
    }));

  it('rejects a relative state directory before anything starts, naming line, column and key', () =>
    withDir(async ({ dir, mark }) => {
      const file = writeFile(dir, 'hooks.yaml', `hooks:\n  preStart:\n    - { shell: 'echo ran >> "$MARK"' }\nstate: var/lib/hookvisor\n`);
      const r = await runHookvisor(['--hooks', file, '--', 'true'], { env: { MARK: mark } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `hookvisor: ${file}:4:8: state: "var/lib/hookvisor" is not an absolute path: give a directory on a persistent volume, such as /var/lib/hookvisor\n`,
      );
      expect(readMarks(mark)).toEqual([]);
    }));
});
