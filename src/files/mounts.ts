import { readFileSync, type Stats } from 'node:fs';

/** Who else than root (or `uid`) can change what is in a directory, or a file: judged on an opened descriptor. */
export type Openness = 'sealed' | 'sticky' | 'open';

/**
 * `sealed`: only root (or `uid`) can change it, or it sits on a read-only mount, where no one inside the
 * container can; `sticky`: a root-owned sticky directory others can write, where each entry can be
 * replaced only by its owner; `open`: someone else can change it.
 */
export function openness(fd: number, st: Stats, uid: number, readOnly: (fd: number) => boolean): Openness {
  const owned = st.uid === 0 || st.uid === uid;
  if (owned && (st.mode & 0o022) === 0) return 'sealed';
  if (readOnly(fd)) return 'sealed';
  if (st.isDirectory() && st.uid === 0 && (st.mode & 0o1000) !== 0) return 'sticky';
  return 'open';
}

/**
 * Whether the mount holding the opened `fd` is read-only (its own flags or its filesystem's), from
 * /proc/self/fdinfo and /proc/self/mountinfo; mountinfo is read once per checker.
 */
export function readOnlyMounts(): (fd: number) => boolean {
  let mounts: Map<string, boolean> | undefined;
  return (fd) => {
    try {
      const id = /^mnt_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      mounts ??= readMountinfo();
      return id !== undefined && mounts.get(id) === true;
    } catch {
      return false; // without /proc nothing counts as read-only: the owner and mode checks still apply
    }
  };
}

function readMountinfo(): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // "36 35 98:0 /root /mnt rw,noatime master:1 - ext4 /dev/sda1 rw": the mount's options, then after " - " the filesystem's.
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (fields.length < 6 || right === undefined) continue;
    const ro = (opts: string | undefined) => (opts ?? '').split(',').includes('ro');
    out.set(fields[0]!, ro(fields[5]) || ro(right.split(' ')[2]));
  }
  return out;
}
