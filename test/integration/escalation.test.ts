import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('stop.escalation', () => {
  it('climbs the ladder step by step and stops climbing once everything is gone', () =>
    withDir(async ({ dir, mark }) => {
      // main-trap.sh records USR1 and INT and keeps running; it exits on TERM. SIGKILL is never needed.
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'stop:\n  escalation:\n    - { signal: SIGUSR1 }\n    - { signal: SIGINT, after: 300ms }\n    - { signal: SIGTERM, after: 600ms }\n    - { signal: SIGKILL, after: 5s }\n',
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'main got USR1', 'main got INT', 'main got TERM']);
      expect(eventsNamed(hv.events(), 'signal.forward').map((e) => e.signal)).toEqual(['SIGUSR1']);
      expect(eventsNamed(hv.events(), 'stop.escalate').map((e) => [e.signal, e.afterMs])).toEqual([
        ['SIGINT', 300],
        ['SIGTERM', 600],
      ]);
    }));

  it('ends in SIGKILL after stop.timeout when the ladder has none, and shows the ladder in dry-run', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'stop:\n  timeout: 400ms\n  escalation:\n    - { signal: SIGTERM }\n    - { signal: SIGQUIT, after: 200ms }\n',
      );
      const dry = await runHookvisor(['dry-run', '--hooks', hooks, '--', 'x']);
      expect(dry.stdout).toContain('          at +200ms, if anything is left, send SIGQUIT to it all\n          wait up to 600ms for main');
      expect(dry.stdout).toMatch(/^signal {4}[·█]+ {2}\+200ms SIGQUIT if anything is left$/m);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-ignore-term.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      // main-ignore-term.sh ignores TERM, and its shell survives QUIT: SIGKILL comes 400ms after the last step.
      expect((await hv.exited).code).toBe(137);
      expect(eventsNamed(hv.events(), 'stop.escalate').map((e) => [e.signal, e.afterMs])).toEqual([
        ['SIGQUIT', 200],
        ['SIGKILL', 600],
      ]);
    }));

  it.each([
    ['stop:\n  forward: SIGINT\n  escalation: [{ signal: SIGTERM }]\n', 'give either stop.forward (with stop.timeout) or stop.escalation, not both'],
    ['stop:\n  escalation: [{ signal: SIGTERM, after: 1s }]\n', 'the first escalation step is the forward itself: it has no "after"'],
    [
      'stop:\n  escalation: [{ signal: SIGTERM }, { signal: SIGINT, after: 2s }, { signal: SIGQUIT, after: 1s }]\n',
      'escalation steps must come in time order: step 3 (SIGQUIT) is not after step 2',
    ],
    [
      'stop:\n  escalation: [{ signal: SIGTERM }, { signal: SIGKILL, after: 2s }, { signal: SIGQUIT, after: 3s }]\n',
      'SIGKILL ends everything: it can only be the last escalation step',
    ],
  ])('refuses a bad ladder: %j', (text, message) =>
    withDir(async ({ dir }) => {
      const file = writeFile(dir, 'hooks.yaml', text);
      const r = await runHookvisor(['dry-run', '--hooks', file, '--', 'x']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^hookvisor: ${file}:\\d+:\\d+: stop\\.escalation: ${message.replace(/[()]/g, '\\$&')}\\n$`));
    }),
  );
});
