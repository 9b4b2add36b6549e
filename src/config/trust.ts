import { realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors/errors.js';

/**
 * Like sshd's StrictModes: as root, a hooks file decides what runs as root, so it and every directory
 * above it must be owned by root and writable by no one else. A root-owned sticky directory such as
 * /tmp is fine: others cannot rename or remove what is in it.
 */
export function checkTrusted(file: string, uid: number): void {
  let path: string;
  try {
    path = realpathSync(file);
  } catch {
    return; // reading the file reports a missing one, with its own message
  }
  for (let p = path; ; p = dirname(p)) {
    const st = statSync(p);
    const what = p === path ? 'the hooks file' : `the directory ${p} above it`;
    if (st.uid !== 0 && st.uid !== uid) refuse(file, `${what} is owned by uid ${st.uid}, not by root`);
    const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0 && st.uid === 0;
    if ((st.mode & 0o022) !== 0 && !sticky) {
      const who = (st.mode & 0o002) !== 0 ? 'anyone' : 'its group';
      refuse(file, `${what} can be changed by ${who} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`);
    }
    if (p === dirname(p)) return;
  }
}

function refuse(file: string, why: string): never {
  throw new ConfigError(file, [{ path: '', message: `refusing to run as root: ${why}, so a non-root user could change what runs as root. Fix the permissions, or pass --allow-insecure-hooks.` }]);
}
