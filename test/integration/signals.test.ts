// Signals that do not start a stop are forwarded to main unchanged (issue 2, lifecycle step 4).
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const OTHER_SIGNALS = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGQUIT', 'SIGCONT', 'SIGALRM'] as const;
const short = (sig: string) => sig.slice(3);

describe('signal forwarding', () => {
  it.each([
    { how: 'with a hooks file', hooks: true },
    { how: 'without a hooks file (plain init)', hooks: false },
  ])('SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGQUIT, SIGCONT, SIGALRM reach main unchanged, in order, and start no stop ($how)', ({ hooks }) =>
    withDir(async ({ dir, mark }) => {
      const args = hooks ? ['--hooks', writeFile(dir, 'hooks.yaml', `hooks:\n  preStop:\n    - run: [sh, ${fixture('mark.sh')}, preStop]\n`)] : [];
      const hv = startHookvisor([...args, '--', fixture('main-trap.sh')], { env: { MARK: mark, TRAP_EXIT: '4' } });
      await hv.waitFor('READY');
      for (const sig of OTHER_SIGNALS) {
        hv.signal(sig);
        // main-trap.sh prints "got NAME" once it has recorded the signal.
        await hv.waitFor(`got ${short(sig)}\n`);
        expect(eventsNamed(hv.events(), 'stop.start'), `no stop after ${sig}`).toEqual([]);
      }
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 4, signal: null });

      const got = OTHER_SIGNALS.map((s) => `main got ${short(s)}`);
      expect(readMarks(mark)).toEqual(['main started', ...got, ...(hooks ? ['preStop'] : []), 'main got TERM']);
      expect(hv.stdout).toBe(`READY\n${OTHER_SIGNALS.map((s) => `got ${short(s)}\n`).join('')}`);
      const events = hv.events();
      const mainPid = eventsNamed(events, 'main.start')[0]!.pid;
      expect(eventsNamed(events, 'signal.forward')).toEqual(
        [...OTHER_SIGNALS, 'SIGTERM'].map((signal) => expect.objectContaining({ level: 30, signal, pid: mainPid, group: true })),
      );
      expect(eventsNamed(events, 'signal.received').map((e) => e.signal)).toEqual([...OTHER_SIGNALS, 'SIGTERM']);
      expect(eventsNamed(events, 'stop.start')).toEqual([expect.objectContaining({ signal: 'SIGTERM' })]);
    }),
  );

  it('SIGINT is forwarded like any other signal when stop.signals leaves it out', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  signals: [SIGTERM]\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGINT');
      await hv.waitFor('got INT\n');
      expect(eventsNamed(hv.events(), 'stop.start')).toEqual([]);
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got INT', 'main got TERM']);
      expect(eventsNamed(hv.events(), 'signal.forward').map((e) => e.signal)).toEqual(['SIGINT', 'SIGTERM']);
    }));

  it('with group: false other signals go to main alone (signal.forward says group false)', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `stop:\n  group: false\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGUSR1');
      await hv.waitFor('got USR1\n');
      hv.signal('SIGTERM');
      expect(await hv.exited).toEqual({ code: 0, signal: null });
      expect(readMarks(mark)).toEqual(['main started', 'main got USR1', 'main got TERM']);
      const mainPid = eventsNamed(hv.events(), 'main.start')[0]!.pid;
      expect(eventsNamed(hv.events(), 'signal.forward')[0]).toMatchObject({ signal: 'SIGUSR1', pid: mainPid, group: false });
    }));
});
