// Descriptor exhaustion (issue 12, point 11): EMFILE named in a clear error, never an internal error; postStop still runs.
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, type Hv, killLeftovers, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';
import { NO_UNSHARE } from '../helpers/pid1.js';

afterEach(killLeftovers);

const HOOKS = `hooks:
  postStop:
    - { name: note, shell: 'echo "$HOOKVISOR_STOP_REASON $HOOKVISOR_EXIT_CODE" >> "$MARK"' }
`;

/** hookvisor as PID 1 of a fresh namespace, under `ulimit -n N`; --kill-child ends it with unshare. */
const asPid1Under = (n: number) => ['unshare', '--pid', '--fork', '--kill-child', '--mount', '--mount-proc', 'sh', '-c', `ulimit -n ${n}; exec "$@"`, 'sh'];

function expectNoInternalError(hv: Hv): void {
  expect(eventsNamed(hv.events(), 'internal.error')).toEqual([]);
  expect(hv.stderr).not.toContain('is not iterable');
  expect(hv.stderr).not.toMatch(/^\s+at /m);
}

describe.skipIf(NO_UNSHARE)('out of file descriptors, hookvisor as PID 1', () => {
  it('under ulimit -n 20 main still starts (posix_spawn needs no descriptor); a postStop task fails cleanly, naming EMFILE', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { prefix: asPid1Under(20), env: { MARK: mark } });
      expect((await hv.exited).code).toBe(0);
      expect(eventsNamed(hv.events(), 'main.exit')[0]).toMatchObject({ exitCode: 0 });
      expect(eventsNamed(hv.events(), 'hook.end')).toEqual([
        expect.objectContaining({ phase: 'postStop', task: 'note', ok: false, error: expect.stringContaining('EMFILE') }),
      ]);
      expect(readMarks(mark)).toEqual([]);
      expectNoInternalError(hv);
    }));

  it('without the FFI, a spawn of main that hits EMFILE is an exec failure: 126, named, and postStop runs (its task fails cleanly)', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
      // Every descriptor but one taken at each spawn: a spawn (two at once) cannot start.
      const env = { MARK: mark, NODE_OPTIONS: `--import ${fixture('block-koffi.mjs')} --import ${fixture('exhaust-fds.mjs')}`, HOOKVISOR_TEST_FREE_FDS: '1' };
      const hv = startHookvisor(['--hooks', hooks, '--', 'true'], { prefix: asPid1Under(64), env });
      expect((await hv.exited).code).toBe(126);
      expect(eventsNamed(hv.events(), 'main.spawn-error')).toEqual([
        expect.objectContaining({ code: 'EMFILE', exitCode: 126, msg: expect.stringContaining('out of file descriptors') }),
      ]);
      expect(eventsNamed(hv.events(), 'main.start')).toEqual([]);
      expect(eventsNamed(hv.events(), 'phase.start').map((e) => e.phase)).toEqual(['postStop']);
      expect(eventsNamed(hv.events(), 'hook.end')).toEqual([expect.objectContaining({ task: 'note', ok: false, error: expect.stringContaining('EMFILE') })]);
      expect(eventsNamed(hv.events(), 'hookvisor.exit')).toEqual([expect.objectContaining({ exitCode: 126, reason: 'start-failed' })]);
      expectNoInternalError(hv);
    }));
});
