// node exec-as.js UID GID GROUPS -- PROGRAM [ARG...]
// Drops to UID, GID and exactly the supplementary GROUPS (comma-separated, may be empty), then becomes
// PROGRAM through execvp, keeping this pid. libuv can set a uid and gid, but clears supplementary groups.
// Kept minimal (node:fs and koffi only): it runs before every main or task that has a `user:`.
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { errnoName } from '../libc/errno.js';
import { openLibc } from '../libc/open.js';

const fail = (message: string, code: number): never => {
  // writeSync, not process.stderr: that stream would make a piped stderr, shared with hookvisor, non-blocking.
  try {
    writeSync(2, `hookvisor: ${message}\n`);
  } catch {
    // Nowhere left to say it; the exit status still does.
  }
  process.exit(code);
};

const [uidText, gidText, groupsText, dashes, ...argv] = process.argv.slice(2);
const id = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) && Number(text) < 2 ** 31 ? Number(text) : NaN);
const uid = id(uidText);
const gid = id(gidText);
const groups = groupsText ? groupsText.split(',').map(id) : [];
if (dashes !== '--' || argv.length === 0 || [uid, gid, ...groups].some(Number.isNaN)) fail('usage: exec-as UID GID GROUPS -- PROGRAM [ARG...]', 2);
const program = argv[0]!;
const target = `uid ${uid} gid ${gid} groups ${groups.join(',') || 'none'}`;

/** All four uids and gids (real, effective, saved, filesystem) and the exact group list, as the kernel has them. */
function dropped(): boolean {
  const sorted = (list: number[]) => [...new Set(list)].sort((a, b) => a - b).join(' ');
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // No /proc: Node's getters; getgroups always adds the effective gid, so compare without it.
    const others = (list: number[]) => sorted(list.filter((g) => g !== gid));
    const ids = [process.getuid!(), process.geteuid!(), process.getgid!(), process.getegid!()];
    return ids.join(' ') === `${uid} ${uid} ${gid} ${gid}` && others(process.getgroups!()) === others(groups);
  }
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(status)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
  return (
    field('Uid').join(' ') === `${uid} ${uid} ${uid} ${uid}` &&
    field('Gid').join(' ') === `${gid} ${gid} ${gid} ${gid}` &&
    sorted(field('Groups').map(Number)) === sorted(groups)
  );
}

try {
  // Groups and gid first: once the uid is dropped, they can no longer be changed.
  process.setgroups!(groups);
  process.setgid!(gid);
  process.setuid!(uid);
} catch (err) {
  fail(`cannot run ${program} as ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 126);
}
if (!dropped()) fail(`cannot run ${program} as ${target}: the ids did not all change`, 126);

// No top-level await: the single executable runs this module as CommonJS (scripts/sea.mjs).
void openLibc().then(execProgram, (err: Error) => fail(`cannot run ${program} as ${target}: koffi is needed to exec (${err.message})`, 126));

/** Hands 0-2 and default signal dispositions to the program, then becomes it. */
function execProgram({ koffi, lib }: Awaited<ReturnType<typeof openLibc>>): void {
  // fcntl is variadic; an int third argument is passed the same way on x86-64 and aarch64.
  const fcntl = lib.func('int fcntl(int fd, int cmd, int arg)');
  const signal = lib.func('void *signal(int sig, void *handler)');
  const execvp = lib.func('int execvp(const char *file, const char **argv)');
  const F_SETFD = 2;
  const FD_CLOEXEC = 1;
  let open: number[] = [];
  try {
    open = readdirSync('/proc/self/fd').map(Number);
  } catch {
    // No /proc: nothing to list, but the program still needs 0-2.
  }
  // The program gets 0-2 (Node marks them close-on-exec) and no other descriptor of this process.
  for (const fd of new Set([0, 1, 2, ...open])) fcntl(fd, F_SETFD, fd <= 2 ? 0 : FD_CLOEXEC);
  // Ignored signals stay ignored across exec and Node ignores SIGPIPE; libuv resets 1-31 in the children
  // it spawns, so do the same (SIG_DFL is null; SIGKILL and SIGSTOP cannot be changed).
  for (let sig = 1; sig < 32; sig++) if (sig !== 9 && sig !== 19) signal(sig, null);
  execvp(program, [...argv, null]);
  const errno = koffi.errno();
  fail(`cannot execute ${program}: ${errnoName(errno)}`, errno === 2 || errno === 20 ? 127 : 126);
}
