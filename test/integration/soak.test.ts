import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/hookvisor.js';
import { NO_UNSHARE } from '../helpers/pid1.js';

describe.skipIf(NO_UNSHARE)('npm run soak (smoke: a few cycles, so the script cannot rot)', () => {
  it('cycles hookvisor as PID 1 with mounts and loop devices and leaks nothing', () => {
    const out = execFileSync(process.execPath, ['scripts/soak.mjs', '--cycles', '3', '--reloads', '200'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(out);
    expect(report).toMatchObject({ cycles: 3, failed: 0, leakedProcesses: 0, leakedMounts: 0, leakedLoopDevices: 0, leakedFds: 0, reloads: 200 });
    expect(report.rssKbDuringReloads.length).toBeGreaterThan(2);
  }, 90_000);
});
