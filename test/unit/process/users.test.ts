import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, resolveUser } from '../../../src/process/users.js';

const files = {
  passwd: [
    'root:x:0:0:root:/root:/bin/bash',
    '# a comment',
    '',
    'ceph:x:167:167:Ceph:/var/lib/ceph:/sbin/nologin',
    'broken:x:notanumber:1',
    'short:x:12',
    ':x:13:13::/:/bin/sh',
    'huge:x:4294967296:0::/:/bin/sh',
    'postgres:x:999:999::/var/lib/postgresql:/bin/bash\r',
    '  app:x:1000:1000:::/bin/sh',
    'ceph:x:168:168:second ceph line, ignored::/bin/sh',
  ].join('\n'),
  group: [
    'root:x:0:',
    'disk:x:6:ceph',
    'ceph:x:167:',
    'ssl-cert:x:110:postgres, ceph',
    'postgres:x:999:',
    'bad:line',
    '# comment:x:5:ceph',
    'users:x:100:app\r',
    'wheel:x:abc:ceph',
  ].join('\n'),
};

describe('parsePasswd / parseGroup', () => {
  it('skip comments, blanks and malformed lines (no name, non-numeric or out-of-range ids, too few fields)', () => {
    expect(parsePasswd(files.passwd).map((p) => p.name)).toEqual(['root', 'ceph', 'postgres', 'app', 'ceph']);
    expect(parseGroup(files.group).map((g) => g.name)).toEqual(['root', 'disk', 'ceph', 'ssl-cert', 'postgres', 'users']);
  });

  it('read home and member lists, trimmed (CRLF files, spaces after commas)', () => {
    expect(parsePasswd(files.passwd)[2]).toEqual({ name: 'postgres', uid: 999, gid: 999, home: '/var/lib/postgresql' });
    expect(parsePasswd(files.passwd)[3]).toEqual({ name: 'app', uid: 1000, gid: 1000 });
    expect(parseGroup(files.group).find((g) => g.name === 'ssl-cert')?.members).toEqual(['postgres', 'ceph']);
    expect(parseGroup(files.group).find((g) => g.name === 'users')?.members).toEqual(['app']);
  });
});

describe('resolveUser', () => {
  const ceph = { name: 'ceph', home: '/var/lib/ceph' };
  it.each([
    // A name: its passwd line, and its memberships in /etc/group (the first matching line wins).
    ['ceph', { uid: 167, gid: 167, groups: [6, 110, 167], ...ceph }],
    ['postgres', { uid: 999, gid: 999, groups: [110, 999], name: 'postgres', home: '/var/lib/postgresql' }],
    ['app', { uid: 1000, gid: 1000, groups: [100, 1000], name: 'app' }],
    // A uid in passwd is that user, memberships included.
    ['167', { uid: 167, gid: 167, groups: [6, 110, 167], ...ceph }],
    // An explicit group replaces the primary gid and, as with docker run --user, brings no memberships.
    ['ceph:disk', { uid: 167, gid: 6, groups: [6], ...ceph }],
    ['ceph:42', { uid: 167, gid: 42, groups: [42], ...ceph }],
    ['167:postgres', { uid: 167, gid: 999, groups: [999], ...ceph }],
    ['167:167', { uid: 167, gid: 167, groups: [167], ...ceph }],
    // A uid not in passwd: gid 0 (runc), no name, no home.
    ['5000', { uid: 5000, gid: 0, groups: [0] }],
    ['5000:5000', { uid: 5000, gid: 5000, groups: [5000] }],
    ['5000:disk', { uid: 5000, gid: 6, groups: [6] }],
    ['0', { uid: 0, gid: 0, groups: [0], name: 'root', home: '/root' }],
  ])('%s', (spec, expected) => {
    expect(resolveUser(spec, files)).toStrictEqual({ spec, ...expected });
  });

  it.each([
    ['nobody2', 'user "nobody2" not found in /etc/passwd'],
    ['broken', 'user "broken" not found in /etc/passwd'],
    ['ceph:nogroup', 'group "nogroup" not found in /etc/group'],
    ['5000:wheel', 'group "wheel" not found in /etc/group'],
    ['a:b:c', 'invalid user "a:b:c": expected NAME, UID, NAME:GROUP or UID:GID'],
    ['ceph:', 'invalid user "ceph:": expected NAME, UID, NAME:GROUP or UID:GID'],
    [':100', 'invalid user ":100": expected NAME, UID, NAME:GROUP or UID:GID'],
    ['', 'invalid user "": expected NAME, UID, NAME:GROUP or UID:GID'],
    ['4294967296', 'uid 4294967296 is out of range (0 to 2147483647)'],
    ['ceph:2147483648', 'gid 2147483648 is out of range (0 to 2147483647)'],
  ])('%s fails with a clear message', (spec, message) => {
    expect(() => resolveUser(spec, files)).toThrow(new Error(message));
  });

  it('without files reads the real /etc/passwd and /etc/group', () => {
    expect(resolveUser('root')).toMatchObject({ uid: 0, gid: 0, name: 'root' });
  });
});
