import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, readMarks, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);

// A tmpfs at $WORK/mnt, mounted in preStart; each test adds its postStop tasks.
const MOUNT_TMPFS = `env: { MNT: "\${WORK}/mnt" }
hooks:
  preStart:
    - shell: 'mkdir -p "$MNT" && mount -t tmpfs tmpfs "$MNT"'
  postStop:
`;

describe.skipIf(NO_UNSHARE)('unmount: task', () => {
  it('waits out EBUSY, naming who holds the mount, verifies it is gone, and is a no-op the second time', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `${MOUNT_TMPFS}    - name: hold a file open for a moment
      shell: '(exec 3>"$MNT/held"; sleep 0.8) & echo started'
    - { name: unmount data, unmount: "\${MNT}", timeout: 5s }
    - { name: again, unmount: "\${MNT}" }
    - shell: 'grep -c " $MNT " /proc/self/mountinfo > "$MARK" || true'
`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', 'true'], { env: { WORK: dir, MARK: mark } });
      expect((await hv.exited).code).toBe(0);
      const out = (task: string) => eventsNamed(hv.events(), 'hook.output').filter((e) => e.task === task).map((e) => String(e.line));
      const first = out('unmount data');
      expect(first.some((l) => /^busy: pid \d+ \((sh|sleep)\) holds .*\/mnt\/held$/.test(l))).toBe(true);
      expect(first.at(-1)).toBe(`unmounted ${dir}/mnt`);
      expect(out('again')).toEqual([`${dir}/mnt is not a mount point: nothing to do`]);
      expect(eventsNamed(hv.events(), 'hook.end').filter((e) => e.phase === 'postStop').every((e) => e.ok)).toBe(true);
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
      expect(eventsNamed(hv.events(), 'hook.output').some((e) => e.line === `lazily unmounted ${dir}/mnt (still in use until its holders close it)`)).toBe(true);
    }));
});
