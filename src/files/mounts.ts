import { readFileSync, readlinkSync, type Stats } from 'node:fs';

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
 * Whether what the opened `fd` names cannot be changed from inside the container: its mount is read-only
 * (its own flags or its filesystem's), and no writable mount of the same filesystem shows it too (a
 * Compose project mounted read-write at /app beside a read-only bind of one of its files). Read from
 * /proc/self/fdinfo and /proc/self/mountinfo; mountinfo is read once per checker.
 */
export function readOnlyMounts(): (fd: number) => boolean {
  let mounts: Mount[] | undefined;
  return (fd) => {
    try {
      const id = /^mnt_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      mounts ??= readMountinfo();
      const mount = mounts.find((m) => m.id === id);
      if (!mount?.ro) return false;
      // Where the object is inside its filesystem: the mount's root, plus its path below the mount point.
      const seen = readlinkSync(`/proc/self/fd/${fd}`);
      const below =
        seen === mount.point
          ? ''
          : seen.startsWith(`${mount.point === '/' ? '' : mount.point}/`)
            ? seen.slice(mount.point === '/' ? 0 : mount.point.length)
            : undefined;
      if (below === undefined) return false; // not where its mount says: judge it by owner and mode
      const inFs = `${mount.root === '/' ? '' : mount.root}${below}` || '/';
      return !mounts.some((m) => !m.ro && m.dev === mount.dev && within(inFs, m.root));
    } catch {
      return false; // without /proc nothing counts as read-only: the owner and mode checks still apply
    }
  };
}

interface Mount {
  id: string;
  /** major:minor of the filesystem. */
  dev: string;
  /** The directory or file of the filesystem this mount shows. */
  root: string;
  point: string;
  ro: boolean;
}

/** Whether `path` is `dir` or lies below it. */
const within = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
export const unescapeMountField = (field: string) => field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

function readMountinfo(): Mount[] {
  const out: Mount[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // "36 35 98:0 /root /mnt rw,noatime master:1 - ext4 /dev/sda1 rw": the mount's options, then after " - " the filesystem's.
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (fields.length < 6 || right === undefined) continue;
    const ro = (opts: string | undefined) => (opts ?? '').split(',').includes('ro');
    out.push({
      id: fields[0]!,
      dev: fields[2]!,
      root: unescapeMountField(fields[3]!),
      point: unescapeMountField(fields[4]!),
      ro: ro(fields[5]) || ro(right.split(' ')[2]),
    });
  }
  return out;
}
