import { readFileSync } from 'node:fs';

/** Set by scripts/sea.mjs: true inside the single executable, whose koffi is an asset, not a package. */
declare const HOOKVISOR_SEA: boolean | undefined;

export type Koffi = typeof import('koffi').default;
export type LibHandle = ReturnType<Koffi['load']>;

const GLIBC = ['libc.so.6'];
const MUSL = ['libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1', '/lib/ld-musl-x86_64.so.1', '/lib/ld-musl-aarch64.so.1'];

/** musl images (Alpine) have no libc.so.6; look at what this node binary mapped to try the right one first. */
function candidates(): string[] {
  try {
    return /ld-musl-|libc\.musl-/.test(readFileSync('/proc/self/maps', 'utf8')) ? [...MUSL, ...GLIBC] : [...GLIBC, ...MUSL];
  } catch {
    return [...GLIBC, ...MUSL];
  }
}

/** Loads koffi and the C library; koffi is imported only here, so a missing native part is an error value, not a crash at load. */
export async function openLibc(): Promise<{ koffi: Koffi; lib: LibHandle; name: string }> {
  const koffi =
    typeof HOOKVISOR_SEA === 'boolean' && HOOKVISOR_SEA
      ? (await import('./sea-koffi.js')).seaKoffi(process.env, process.dlopen)
      : (await import('koffi')).default;
  const errors: string[] = [];
  for (const name of candidates()) {
    try {
      return { koffi, lib: koffi.load(name), name };
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no C library could be loaded (${errors.join('; ')})`);
}
