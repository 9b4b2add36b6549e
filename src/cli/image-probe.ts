import { accessSync, constants, statSync } from 'node:fs';
import type { ImageProbe } from '../plan/image-check.js';

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
    directory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
  };
}
