import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { ImageProbe } from '../plan/image-check.js';
import { parsePasswd } from '../process/users.js';

/** The filesystem dry-run runs in, as the image checks see it. */
export function realImageProbe(): ImageProbe {
  return {
    executable: (path) => {
      try {
        accessSync(path, constants.X_OK);
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    hasUid: (uid) => {
      try {
        return parsePasswd(readFileSync('/etc/passwd', 'utf8')).some((p) => p.uid === uid);
      } catch {
        return false;
      }
    },
    directory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
  };
}
