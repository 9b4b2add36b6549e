import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAsset } from 'node:sea';
import type { Koffi } from './open.js';

/** The single executable's asset holding koffi's native part (scripts/sea.mjs). */
export const KOFFI_ASSET = 'koffi.node';

/** Set by scripts/sea.mjs: the koffi version whose native part the executable carries. */
declare const HOOKVISOR_KOFFI_VERSION: string | undefined;

/**
 * Where the native part can be written and mapped executable. The image's root may be read-only
 * (podman run --read-only keeps /tmp, /run, /dev/shm and /var/tmp as tmpfs) and /dev/shm is often noexec.
 */
export function nativePlaces(env: Record<string, string | undefined>): string[] {
  return [...new Set([env.TMPDIR, '/tmp', '/dev/shm', '/run', '/var/tmp'].filter((d): d is string => !!d))];
}

/**
 * koffi's native part out of the single executable: written to the first place that takes it, loaded,
 * then unlinked at once (the mapping outlives the name). Throws, naming every place tried, when none does.
 */
export function seaKoffi(env: Record<string, string | undefined>, dlopen: (module: { exports: unknown }, file: string) => void): Koffi {
  const bytes = new Uint8Array(getAsset(KOFFI_ASSET));
  const errors: string[] = [];
  for (const dir of nativePlaces(env)) {
    let tmp: string | undefined;
    try {
      tmp = mkdtempSync(join(dir, 'hookvisor-'));
      const file = join(tmp, 'koffi.node');
      writeFileSync(file, bytes, { mode: 0o500 });
      const module = { exports: {} as Koffi & { version?: string } };
      dlopen(module, file);
      if (typeof HOOKVISOR_KOFFI_VERSION === 'string' && module.exports.version !== HOOKVISOR_KOFFI_VERSION)
        throw new Error(`koffi native ${module.exports.version}, expected ${HOOKVISOR_KOFFI_VERSION}`);
      return module.exports;
    } catch (err) {
      const { code, message } = err as NodeJS.ErrnoException;
      // An fs errno says it all (EROFS, EACCES); a failed dlopen says why in its message (noexec: "failed to map segment").
      errors.push(`${dir}: ${code && code !== 'ERR_DLOPEN_FAILED' ? code : message}`);
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }
  throw new Error(
    `koffi's native part found no writable place it may run from (${errors.join('; ')}); give the container a tmpfs that allows exec, such as --tmpfs /tmp:exec`,
  );
}
