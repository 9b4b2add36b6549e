const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 8: 'ENOEXEC', 13: 'EACCES', 20: 'ENOTDIR', 21: 'EISDIR' };

/** The errno names hookvisor reports (exec failures); others as numbers. */
export const errnoName = (n: number) => ERRNO_NAMES[n] ?? `errno ${n}`;
