import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, resolveUser } from '../../../src/process/users.js';

const files = {
  passwd: ['root:x:0:0:root:/root:/bin/bash', '# a comment', '', 'ceph:x:167:167:Ceph:/var/lib/ceph:/sbin/nologin', 'broken:x:notanumber:1', 'postgres:x:999:999::/var/lib/postgresql:/bin/bash'].join('\n'),
  group: ['root:x:0:', 'disk:x:6:ceph', 'ceph:x:167:', 'ssl-cert:x:110:postgres, ceph', 'postgres:x:999:', 'bad:line'].join('\n'),
};

describe('parsePasswd / parseGroup', () => {
  it('skip comments, blanks and malformed lines', () => {
    expect(parsePasswd(files.passwd).map((p) => p.name)).toEqual(['root', 'ceph', 'postgres']);
    expect(parseGroup(files.group).find((g) => g.name === 'ssl-cert')?.members).toEqual(['postgres', 'ceph']);
  });
});

describe('resolveUser', () => {
  it.each([
    ['ceph', { uid: 167, gid: 167, groups: [6, 110, 167] }],
    ['167', { uid: 167, gid: 167, groups: [6, 110, 167] }],
    ['ceph:disk', { uid: 167, gid: 6, groups: [6, 110] }],
    ['ceph:42', { uid: 167, gid: 42, groups: [6, 42, 110] }],
    ['postgres', { uid: 999, gid: 999, groups: [110, 999] }],
    ['5000', { uid: 5000, gid: 0, groups: [0] }],
    ['5000:5000', { uid: 5000, gid: 5000, groups: [5000] }],
  ])('%s', (spec, expected) => {
    expect(resolveUser(spec, files)).toEqual({ spec, ...expected });
  });

  it.each([
    ['nobody2', 'user "nobody2" not found in /etc/passwd'],
    ['ceph:nogroup', 'group "nogroup" not found in /etc/group'],
    ['a:b:c', 'invalid user "a:b:c": expected NAME, UID, NAME:GROUP or UID:GID'],
    ['ceph:', 'invalid user "ceph:": expected NAME, UID, NAME:GROUP or UID:GID'],
  ])('%s fails with a clear message', (spec, message) => {
    expect(() => resolveUser(spec, files)).toThrow(message);
  });
});
