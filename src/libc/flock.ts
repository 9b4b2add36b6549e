import { openLibc } from './open.js';

const LOCK_EX = 2;
const LOCK_NB = 4;
const EWOULDBLOCK = 11;
const EINTR = 4;

/** flock(fd, LOCK_EX | LOCK_NB): 'locked', or 'busy' while another open file holds it. */
export type TryLock = (fd: number) => 'locked' | 'busy';

/** Binds flock(2), which Node does not offer; throws when koffi or the C library cannot be loaded. */
export async function loadFlock(): Promise<TryLock> {
  const { koffi, lib } = await openLibc();
  const flock = lib.func('int flock(int fd, int operation)');
  return (fd) => {
    for (;;) {
      if ((flock(fd, LOCK_EX | LOCK_NB) as number) === 0) return 'locked';
      const errno = koffi.errno();
      if (errno === EWOULDBLOCK) return 'busy';
      if (errno !== EINTR) throw new Error(`flock failed: errno ${errno}`);
    }
  };
}
