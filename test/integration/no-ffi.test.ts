import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, runHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(() => {
  killLeftovers();
  killPid1s();
});

const env = { NODE_OPTIONS: `--import ${fixture('block-koffi.mjs')}` };

describe('without the FFI', () => {
  it('keeps supervising and says once what is lost and what to do', async () => {
    const r = await runHookvisor(['--', fixture('exit-with.sh'), '4'], { env });
    expect(r.code).toBe(4);
    const warnings = eventsNamed(r.events, 'pid1.degraded');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      error: expect.stringContaining("Cannot find package 'koffi'"),
      advice: expect.stringContaining('docker run --init'),
    });
    expect(eventsNamed(r.events, 'pid1.ready')).toEqual([]);
  });

  it.skipIf(NO_UNSHARE)('as PID 1 warns that orphans will stay zombies, and still runs postStop', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const hooks = writeFile(dir, 'hooks.yaml', 'hooks:\n  postStop:\n    - { name: cleanup, run: ["true"] }\n');
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('orphans.sh'), '10', '0'], { env });
      expect((await hv.exited).code).toBe(0);
      expect(eventsNamed(hv.events(), 'pid1.degraded')[0]).toMatchObject({ lost: 'orphaned processes will stay zombies' });
      expect(eventsNamed(hv.events(), 'hook.end')).toEqual([expect.objectContaining({ task: 'cleanup', ok: true })]);
    } finally {
      cleanup();
    }
  });
});
