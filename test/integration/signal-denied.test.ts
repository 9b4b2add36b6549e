import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

const held: number[] = [];
afterEach(() => {
  killLeftovers();
  for (const pid of held.splice(0)) spawnSync('kill', ['-KILL', String(pid)]);
});

const CC = spawnSync('cc', ['--version']).status === 0;
const why = process.getuid?.() !== 0 ? 'not root: cannot install a setuid program' : !CC ? 'no C compiler (cc) to build the setuid fixture' : undefined;
if (why && process.env.CI) throw new Error(`the EPERM test must run in CI, but ${why}`);

describe('a signal the kernel refuses (EPERM)', () => {
  it.skipIf(why !== undefined)('is logged once and decided on: the other tasks beside main are still cut, and postStop runs after them', () =>
    withDir(async ({ dir, mark }) => {
      const hold = join(dir, 'root-hold');
      execFileSync('cc', ['-o', hold, fixture('root-hold.c')]);
      chmodSync(hold, 0o4755);
      chmodSync(dir, 0o777);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 1s }
on:
  SIGHUP:
    tasks: [{ name: reload, shell: 'echo "$$" > "$MARK.reload"; exec sleep 30', timeout: 60s }]
    forward: false
hooks:
  postStart:
    - { name: setuid, run: [${hold}], timeout: 60s }
  postStop:
    - { name: check, shell: 'if kill -0 "$(cat "$MARK.reload")" 2>/dev/null; then echo "reload alive"; else echo "reload gone"; fi >> "$MARK"' }
`,
      );
      chmodSync(hooks, 0o644);
      // hookvisor as nobody: the setuid program is root's, so every signal to it is refused.
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], {
        env: { MARK: mark },
        prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      });
      const start = await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'setuid');
      held.push(start.pid as number);
      await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'root-hold READY');
      await hv.waitFor('READY');
      hv.signal('SIGHUP');
      await hv.waitForEvent((e) => e.event === 'hook.start' && e.task === 'reload');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readFileSync(`${mark}.reload`, 'utf8')).toMatch(/^\d+\n$/);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'reload gone']);
      const events = hv.events();
      expect(eventsNamed(events, 'internal.error')).toEqual([]);
      const denied = eventsNamed(events, 'signal.denied');
      expect(denied.filter((e) => e.target === `group ${start.pid}`)).toHaveLength(1);
      expect(eventsNamed(events, 'hook.end').find((e) => e.task === 'reload')).toMatchObject({ ok: false, cut: true });
      // The refused process is still there: postStop runs once the kill wait is over, and says so.
      expect(eventsNamed(events, 'stop.stuck')).toHaveLength(1);
    }),
  );
});
