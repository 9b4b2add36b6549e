// node exec-as.js UID GID GROUPS -- PROGRAM [ARG...]
// Drops to UID, GID and exactly the supplementary GROUPS (comma-separated), then becomes PROGRAM through
// execvp, keeping this pid. libuv can set a uid and gid, but not supplementary groups. Kept minimal: it
// runs before every main or task that has a `user:`.
import { readdirSync } from 'node:fs';
import { errnoName } from '../libc/errno.js';
import { openLibc } from '../libc/open.js';

const [uidText, gidText, groupsText, dashes, ...argv] = process.argv.slice(2);
const fail = (message: string, code: number): never => {
  process.stderr.write(`hookvisor: ${message}\n`);
  process.exit(code);
};
if (dashes !== '--' || argv.length === 0) fail('usage: exec-as UID GID GROUPS -- PROGRAM [ARG...]', 2);
const uid = Number(uidText);
const gid = Number(gidText);
const groups = groupsText ? groupsText.split(',').map(Number) : [];

process.setgroups!(groups);
process.setgid!(gid);
process.setuid!(uid);
// Node's getgroups() adds the effective gid to the list; compare without it.
const norm = (list: number[]) => [...new Set(list.filter((g) => g !== gid))].sort((a, b) => a - b).join(',');
const dropped = process.getuid!() === uid && process.geteuid!() === uid && process.getgid!() === gid && process.getegid!() === gid;
if (!dropped || norm(process.getgroups!()) !== norm(groups)) {
  fail(`could not drop privileges to uid ${uid} gid ${gid} groups ${groups.join(',')}`, 126);
}

const { koffi, lib } = await openLibc();
const fcntl = lib.func('int fcntl(int fd, int cmd, int arg)');
const signal = lib.func('void *signal(int sig, void *handler)');
const execvp = lib.func('int execvp(const char *file, const char **argv)');
const F_SETFD = 2;
const FD_CLOEXEC = 1;
// The program gets 0-2 (Node keeps them close-on-exec) and no other descriptor of this process.
for (const name of readdirSync('/proc/self/fd')) fcntl(Number(name), F_SETFD, Number(name) <= 2 ? 0 : FD_CLOEXEC);
// Node ignores some signals (SIGPIPE, SIGXFSZ); an ignored signal would stay ignored across exec.
for (let sig = 1; sig < 65; sig++) if (sig !== 9 && sig !== 19) signal(sig, null);
execvp(argv[0]!, [...argv, null]);
const errno = koffi.errno();
fail(`cannot execute ${argv[0]}: ${errnoName(errno)}`, errno === 2 || errno === 20 ? 127 : 126);
