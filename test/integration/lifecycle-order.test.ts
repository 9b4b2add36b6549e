import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, startHookvisor, tempDir } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('lifecycle order', () => {
  it('runs preStart, main, postStart, preStop, forwards TERM, then postStop, and exits with main status', async () => {
    const { dir, cleanup } = tempDir();
    const mark = join(dir, 'marks');
    const hooks = join(dir, 'hooks.yaml');
    const m = (what: string) => `[sh, ${fixture('mark.sh')}, ${what}]`;
    writeFileSync(
      hooks,
      `hooks:
  preStart:
    - run: ${m('preStart')}
  postStart:
    - run: ${m('postStart')}
  preStop:
    - run: ${m('preStop')}
  postStop:
    - shell: 'echo "postStop $HOOKVISOR_STOP_REASON code=$HOOKVISOR_EXIT_CODE signal=$HOOKVISOR_EXIT_SIGNAL" >> "$MARK"'
`,
    );
    try {
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '7' } });
      await hv.waitFor('READY');
      // postStart runs beside main; wait for its mark so the order below is deterministic.
      await hv.waitFor(/"phase":"postStart","failed"/, 'stderr');
      hv.signal('SIGTERM');
      const exit = await hv.exited;
      const marks = readFileSync(mark, 'utf8').trim().split('\n');
      // postStart runs beside main, so those two may come in either order.
      expect([marks[0], ...[marks[1], marks[2]].sort(), ...marks.slice(3)]).toEqual([
        'preStart',
        'main started',
        'postStart',
        'preStop',
        'main got TERM',
        'postStop signal code=7 signal=',
      ]);
      expect(exit.code).toBe(7);
    } finally {
      cleanup();
    }
  });
});
