import type { Stats } from 'node:fs';
import { ConfigError } from '../errors/errors.js';
import { openness, readOnlyMounts } from '../files/mounts.js';
import type { Guard } from '../files/walk.js';

/**
 * Like sshd's StrictModes: as root, a hooks file decides what runs as root, so it, every directory on the
 * way to it and every symlink followed must be beyond the reach of other users. Judged on the descriptors
 * the file is read through (files/walk.ts), so nothing can be swapped between the check and the read.
 */
export interface TrustCheck {
  guard: Guard;
  /** The opened hooks file itself. */
  file(fd: number, st: Stats): void;
}

export function trustCheck(file: string, uid: number): TrustCheck {
  const readOnly = readOnlyMounts();
  return {
    guard: {
      // A root-owned sticky directory such as /tmp is fine: others cannot rename or remove what is in it.
      dir(dir) {
        if (openness(dir.fd, dir.stat, uid, readOnly) === 'open') refuse(file, why(`the directory ${dir.path} above it`, dir.stat));
      },
      // In a sticky directory the owner of a symlink can repoint it; elsewhere only who can write the directory.
      link(holder, link, path) {
        if (openness(holder.fd, holder.stat, uid, readOnly) === 'sticky' && link.uid !== 0 && link.uid !== uid) {
          refuse(file, `the symlink ${path} on the way to it is owned by uid ${link.uid}, in a directory others can write`);
        }
      },
    },
    file(fd, st) {
      // On a read-only mount (a Compose ":ro" bind mount, a ConfigMap) no one in the container can change it.
      if (openness(fd, st, uid, readOnly) !== 'sealed') refuse(file, why('the hooks file', st));
    },
  };
}

function why(what: string, st: Stats): string {
  if (st.uid !== 0) return `${what} is owned by uid ${st.uid}, not by root`;
  const who = (st.mode & 0o002) !== 0 ? 'anyone' : 'its group';
  return `${what} can be changed by ${who} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`;
}

function refuse(file: string, why: string): never {
  throw new ConfigError(file, [
    {
      path: '',
      message: `refusing to run as root: ${why}, so a non-root user could change what runs as root. Fix the permissions, or pass --allow-insecure-hooks.`,
    },
  ]);
}
