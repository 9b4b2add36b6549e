// Issue 12, point 8: as PID 1 a signal without a handler is dropped by the kernel, so a SIGTERM that
// arrives while Node is still reading and compiling hookvisor's code must already find the handlers.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, readMarks, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);

describe.skipIf(NO_UNSHARE)('a SIGTERM during start-up, as PID 1', () => {
  it('is caught while the bulk of the code is being loaded, and postStop runs (3 runs)', async () => {
    for (let run = 1; run <= 3; run++) {
      await withDir(async ({ dir, mark, go }) => {
        const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`);
        const hv = startAsPid1(['--hooks', hooks, '--', 'sh', '-c', 'echo main >> "$MARK"; exec sleep 1000'], {
          env: { MARK: mark, GO: go, NODE_OPTIONS: `--import ${fixture('hold-bulk-load.mjs')}` },
        });
        // The loader holds the bulk of hookvisor's code until the file `go` exists: the signal lands before it is compiled.
        await hv.waitFor('LOADING');
        hv.signalPid1('SIGTERM');
        writeFileSync(go, '');
        const first = await hv.waitForEvent((e) => e.event === 'signal.received' || e.event === 'main.start');
        expect(first.event, `run ${run}: the SIGTERM was lost`).toBe('signal.received');
        expect(await hv.exited).toEqual({ code: 1, signal: null });
        expect(readMarks(mark)).toEqual(['postStop']);
        expect(eventsNamed(hv.events(), 'hookvisor.exit')[0]).toMatchObject({ exitCode: 1, reason: 'signal' });
      });
    }
  }, 60_000);
});
