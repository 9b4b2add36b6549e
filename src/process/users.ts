import { readFileSync } from 'node:fs';
import type { PlannedUser } from '../plan/types.js';

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const NUMBER = /^\d+$/;

/** name:x:uid:gid:gecos:home:shell; comments, blanks and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (line.startsWith('#') || f.length < 4 || !NUMBER.test(f[2]!) || !NUMBER.test(f[3]!)) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }];
  });
}

/** name:x:gid:member,member */
export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (line.startsWith('#') || f.length < 3 || !NUMBER.test(f[2]!)) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) }];
  });
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Resolves NAME, UID, NAME:GROUP or UID:GID as `docker run --user` does: a name must exist; a uid that
 * is not in /etc/passwd gets gid 0 unless one is given; supplementary groups are the user's memberships
 * in /etc/group plus its primary gid.
 */
export function resolveUser(spec: string, files?: { passwd: string; group: string }): PlannedUser {
  const passwd = parsePasswd(files?.passwd ?? readOr('/etc/passwd'));
  const groups = parseGroup(files?.group ?? readOr('/etc/group'));
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new Error(`invalid user "${spec}": expected NAME, UID, NAME:GROUP or UID:GID`);
  const [userPart, groupPart] = parts as [string, string | undefined];
  const entry = NUMBER.test(userPart) ? passwd.find((p) => p.uid === Number(userPart)) : passwd.find((p) => p.name === userPart);
  if (!entry && !NUMBER.test(userPart)) throw new Error(`user "${userPart}" not found in /etc/passwd`);
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined) {
    const group = NUMBER.test(groupPart) ? undefined : groups.find((g) => g.name === groupPart);
    if (!group && !NUMBER.test(groupPart)) throw new Error(`group "${groupPart}" not found in /etc/group`);
    gid = group?.gid ?? Number(groupPart);
  }
  const member = entry ? groups.filter((g) => g.members.includes(entry.name)).map((g) => g.gid) : [];
  return { spec, uid, gid, groups: [...new Set([gid, ...member])].sort((a, b) => a - b) };
}
