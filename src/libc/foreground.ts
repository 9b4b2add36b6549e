import { SpawnError } from '../errors/errors.js';
import { errnoName } from './errno.js';
import type { Koffi, LibHandle as Lib } from './open.js';

/** The libc calls that start main in its own process group and hand it the terminal. */
export interface ForegroundLibc {
  /** posix_spawn with its own process group and default signal dispositions; returns the pid or throws SpawnError. */
  spawnInOwnGroup(path: string, argv: readonly string[], env: Record<string, string>): number;
  /** tcsetpgrp(0, pgrp) with SIGTTOU blocked, so a background caller is not stopped. Returns errno, 0 on success. */
  giveTerminal(pgrp: number): number;
  getpgrp(): number;
}

// Flag values shared by glibc and musl.
const POSIX_SPAWN_SETPGROUP = 0x02;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
const SIGTTOU = 22;
/** Larger than posix_spawnattr_t and sigset_t on glibc and musl, x64 and arm64. */
const OPAQUE_BYTES = 1024;

export function bindForeground(koffi: Koffi, lib: Lib): ForegroundLibc {
  const f = (decl: string) => lib.func(decl);
  const attrInit = f('int posix_spawnattr_init(void *attr)');
  const attrDestroy = f('int posix_spawnattr_destroy(void *attr)');
  const setFlags = f('int posix_spawnattr_setflags(void *attr, short flags)');
  const setPgroup = f('int posix_spawnattr_setpgroup(void *attr, int pgroup)');
  const setSigDefault = f('int posix_spawnattr_setsigdefault(void *attr, const void *set)');
  const setSigMask = f('int posix_spawnattr_setsigmask(void *attr, const void *set)');
  const actionsInit = f('int posix_spawn_file_actions_init(void *actions)');
  const actionsDestroy = f('int posix_spawn_file_actions_destroy(void *actions)');
  const addDup2 = f('int posix_spawn_file_actions_adddup2(void *actions, int fd, int newfd)');
  const spawn = f('int posix_spawn(_Out_ int *pid, const char *path, void *actions, void *attr, const char **argv, const char **envp)');
  const sigfillset = f('int sigfillset(void *set)');
  const sigemptyset = f('int sigemptyset(void *set)');
  const sigaddset = f('int sigaddset(void *set, int sig)');
  const sigmask = f('int pthread_sigmask(int how, const void *set, void *old)');
  const tcsetpgrp = f('int tcsetpgrp(int fd, int pgrp)');
  const getpgrp = f('int getpgrp(void)');

  return {
    spawnInOwnGroup(path, argv, env) {
      const attr = Buffer.alloc(OPAQUE_BYTES);
      const actions = Buffer.alloc(OPAQUE_BYTES);
      const all = Buffer.alloc(OPAQUE_BYTES);
      const none = Buffer.alloc(OPAQUE_BYTES);
      attrInit(attr);
      actionsInit(actions);
      try {
        // Node keeps 0-2 close-on-exec; dup2 onto itself clears that in the child only (glibc >= 2.29, musl).
        for (const fd of [0, 1, 2]) addDup2(actions, fd, fd);
        sigfillset(all);
        sigemptyset(none);
        // Node ignores SIGPIPE and blocks nothing we want inherited: main starts with the defaults, as after libuv's spawn.
        setFlags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        setPgroup(attr, 0);
        setSigDefault(attr, all);
        setSigMask(attr, none);
        const pid = [0];
        const envp = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), null];
        let err = spawn(pid, path, actions, attr, [...argv, null], envp) as number;
        // A script without #!: as execvp (and so Node's spawn) does, run it with /bin/sh.
        if (errnoName(err) === 'ENOEXEC') err = spawn(pid, '/bin/sh', actions, attr, ['/bin/sh', path, ...argv.slice(1), null], envp) as number;
        if (err !== 0) throw new SpawnError(argv[0]!, errnoName(err));
        return pid[0]!;
      } finally {
        attrDestroy(attr);
        actionsDestroy(actions);
      }
    },
    giveTerminal(pgrp) {
      const block = Buffer.alloc(OPAQUE_BYTES);
      const old = Buffer.alloc(OPAQUE_BYTES);
      sigemptyset(block);
      sigaddset(block, SIGTTOU);
      sigmask(SIG_BLOCK, block, old);
      try {
        return (tcsetpgrp(0, pgrp) as number) === 0 ? 0 : koffi.errno();
      } finally {
        sigmask(SIG_SETMASK, old, null);
      }
    },
    getpgrp: () => getpgrp() as number,
  };
}
