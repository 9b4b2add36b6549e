import { readdirSync } from 'node:fs';
import type { ExitStatus } from '../process/ports.js';
import { signalName } from '../signals/names.js';
import { bindForeground, type ForegroundLibc } from './foreground.js';
import { openLibc } from './open.js';

/** The few libc calls Node does not offer: reaping other processes' children and becoming a subreaper. */
export interface Libc {
  /** waitpid(pid, WNOHANG): the status once the child is a zombie, 'running' while it lives, 'gone' when not our child. */
  reap(pid: number): ExitStatus | 'running' | 'gone';
  /** waitid(P_ALL, WNOWAIT): the pid of a child that is a zombie now, without reaping it; 0 when none. */
  peekZombie(): number;
  /** prctl(PR_SET_CHILD_SUBREAPER, 1): orphans of our descendants come back to us, as to PID 1. */
  becomeSubreaper(): void;
  /** Sets close-on-exec on every descriptor above 2, so main and tasks inherit only stdin, stdout and stderr. */
  closeExtraFdsOnExec(): void;
  /** Which libc was loaded, for the start-up log. */
  readonly name: string;
  /** Starting main as the terminal's foreground process group (interactive containers). */
  readonly foreground: ForegroundLibc;
}

const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const P_ALL = 0;
/** siginfo_t is 128 bytes; si_pid follows si_signo, si_errno, si_code and the union's alignment. */
const SIGINFO_BYTES = 128;
const SI_PID_OFFSET = 16;
const EINTR = 4;
const PR_SET_CHILD_SUBREAPER = 36;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/** Binds the calls; throws when koffi or the C library cannot be loaded. */
export async function loadLibc(): Promise<Libc> {
  const { koffi, lib, name } = await openLibc();
  const waitpid = lib.func('int waitpid(int pid, _Out_ int *status, int options)');
  const prctl = lib.func('prctl', 'int', ['int', 'unsigned long', 'unsigned long', 'unsigned long', 'unsigned long']);
  const fcntl = lib.func('int fcntl(int fd, int cmd, int arg)');
  const waitid = lib.func('int waitid(int idtype, int id, void *infop, int options)');
  const siginfo = Buffer.alloc(SIGINFO_BYTES);
  return {
    name,
    foreground: bindForeground(koffi, lib),
    reap(pid) {
      for (;;) {
        const status = [0];
        const r = waitpid(pid, status, WNOHANG) as number;
        if (r > 0) return decodeWaitStatus(status[0]!);
        if (r === 0) return 'running';
        if (koffi.errno() !== EINTR) return 'gone';
      }
    },
    peekZombie() {
      siginfo.fill(0);
      if ((waitid(P_ALL, 0, siginfo, WEXITED | WNOHANG | WNOWAIT) as number) !== 0) return 0;
      return siginfo.readInt32LE(SI_PID_OFFSET);
    },
    closeExtraFdsOnExec() {
      // Descriptors hookvisor's own parent leaked to it would otherwise pass on to every child.
      for (const name of readdirSync('/proc/self/fd')) if (Number(name) > 2) fcntl(Number(name), F_SETFD, FD_CLOEXEC);
    },
    becomeSubreaper() {
      if ((prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) as number) !== 0) throw new Error(`prctl(PR_SET_CHILD_SUBREAPER) failed: errno ${koffi.errno()}`);
    },
  };
}

/** Linux wait status: low 7 bits are the terminating signal, bits 8-15 the exit code. */
export function decodeWaitStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  if (signal === 0) return { exitCode: (status >> 8) & 0xff };
  return { signal: signalName(signal) };
}
