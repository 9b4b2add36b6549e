import { readFileSync } from 'node:fs';
import type { ProcessUser } from './ports.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home?: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** What `user:` resolves to; name and home only when the user is in /etc/passwd (HOME for the process). */
export type ResolvedUser = ProcessUser & { name?: string; home?: string };

// runc's range: setuid takes a uid_t, but -1 is "unchanged" and ids above 2^31-1 are refused.
const MAX_ID = 2 ** 31 - 1;
const ID = /^\d+$/;
const id = (text: string | undefined) => (text !== undefined && ID.test(text) && Number(text) <= MAX_ID ? Number(text) : undefined);

/** Trimmed lines that are neither blank nor comments (CRLF files and indented lines happen). */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/** name:x:uid:gid:gecos:home:shell; a line without a name or numeric ids is skipped, never read as uid 0. */
export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).flatMap((line) => {
    const [name, , uidText, gidText, , home] = line.split(':');
    const uid = id(uidText);
    const gid = id(gidText);
    if (!name || uid === undefined || gid === undefined) return [];
    return [home ? { name, uid, gid, home } : { name, uid, gid }];
  });
}

/** name:x:gid:member,member */
export function parseGroup(text: string): GroupEntry[] {
  return lines(text).flatMap((line) => {
    const [name, , gidText, list] = line.split(':');
    const gid = id(gidText);
    const members = (list ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    return name && gid !== undefined ? [{ name, gid, members }] : [];
  });
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A numeric part must be in range; a name is looked up. */
function numeric(part: string, what: 'uid' | 'gid'): number | undefined {
  if (!ID.test(part)) return undefined;
  const n = id(part);
  if (n === undefined) throw new Error(`${what} ${part} is out of range (0 to ${MAX_ID})`);
  return n;
}

/**
 * Resolves NAME, UID, NAME:GROUP, UID:GID, NAME:GID or UID:GROUP as `docker run --user` (runc's
 * GetExecUser) does: a name must exist, a number need not; a uid not in /etc/passwd gets gid 0; the
 * user's /etc/group memberships are added only when no group is given, as Docker adds none to NAME:GROUP.
 */
export function resolveUser(spec: string, files?: { passwd: string; group: string }): ResolvedUser {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new Error(`invalid user "${spec}": expected NAME, UID, NAME:GROUP or UID:GID`);
  const [userPart, groupPart] = parts as [string, string | undefined];
  const passwd = parsePasswd(files?.passwd ?? readOr('/etc/passwd'));
  const groups = parseGroup(files?.group ?? readOr('/etc/group'));

  const uidArg = numeric(userPart, 'uid');
  // A numeric part is always a uid, never a name (runc); the first matching line wins.
  const entry = passwd.find((p) => (uidArg === undefined ? p.name === userPart : p.uid === uidArg));
  if (!entry && uidArg === undefined) throw new Error(`user "${userPart}" not found in /etc/passwd`);
  const uid = entry?.uid ?? uidArg!;
  let gid = entry?.gid ?? 0;
  let member: number[] = [];
  if (groupPart !== undefined) {
    const gidArg = numeric(groupPart, 'gid');
    const group = groups.find((g) => (gidArg === undefined ? g.name === groupPart : g.gid === gidArg));
    if (!group && gidArg === undefined) throw new Error(`group "${groupPart}" not found in /etc/group`);
    gid = group?.gid ?? gidArg!;
  } else if (entry) {
    member = groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid);
  }
  const user: ResolvedUser = { spec, uid, gid, groups: [...new Set([gid, ...member])].sort((a, b) => a - b) };
  return entry ? { ...user, name: entry.name, ...(entry.home ? { home: entry.home } : {}) } : user;
}
