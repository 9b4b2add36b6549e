import { describe, expect, it } from 'vitest';
import { BUSY_REPORT_MS, busyReporter, isBusy } from '../../../../src/hooks/kinds/busy.js';
import { ctx } from './helpers.js';

describe('busy-type failures', () => {
  it.each([
    ['umount: /mnt/data: target is busy.', true],
    ['umount: /mnt/data: device is busy.', true],
    ['umount2: Device or resource busy', true],
    ['EBUSY', true],
    ['Device osd-data is still in use.', true],
    ['umount: command not found', false],
    ['umount: /mnt/data: must be superuser to unmount.', false],
    ['umount: /mnt/data: not mounted.', false],
    ['Cannot initialize device-mapper. Is dm_mod kernel module loaded?', false],
    ['losetup: /dev/loop0: detach failed: Permission denied', false],
  ])('%s → %s', (message, busy) => expect(isBusy(message)).toBe(busy));
});

describe('busyReporter', () => {
  it('says so at the start, then once per interval however often it is told', () => {
    let now = 0;
    const c = ctx();
    const report = busyReporter('/nonexistent/path', c, () => now);
    for (; now <= 2 * BUSY_REPORT_MS + 100; now += 200) report('target is busy');
    expect(c.lines).toEqual(['busy: target is busy; waiting', 'still busy after 2s: target is busy', 'still busy after 4s: target is busy']);
  });
});
