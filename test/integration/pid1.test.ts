import { afterEach, describe, expect, it } from 'vitest';
import { RELAYED_SIGNALS } from '../../src/signals/names.js';
import { eventsNamed, fixture, readMarks, tempDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);

// One shell line that records zombies, and processes adopted by PID 1 other than this task, as postStop sees them.
const CENSUS = `echo "zombies $(awk '$3 == "Z"' /proc/[0-9]*/stat 2>/dev/null | wc -l)" >> "$MARK"; echo "others $(awk -v me=$$ '$4 == 1 && $1 != me' /proc/[0-9]*/stat 2>/dev/null | wc -l)" >> "$MARK"`;

describe.skipIf(NO_UNSHARE)('as PID 1 of a PID namespace', () => {
  it('reaps 1,000 orphans without losing any exit status of main or of 100 hook tasks', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const tasks = Array.from({ length: 100 }, (_, i) => `    - { run: [sh, -c, "exit ${i % 5}"] }`).join('\n');
      // The last postStart task lets main exit, so all 100 run beside main and its orphans.
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStart:\n${tasks}\n    - { run: [touch, ${dir}/go] }\n  postStop:\n    - shell: '${CENSUS.replaceAll("'", "''")}'\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('orphans.sh'), '1000', '3', `${dir}/go`], { env: { MARK: mark } });
      const exit = await hv.exited;
      expect(exit.code).toBe(3);
      const ends = eventsNamed(hv.events(), 'hook.end')
        .filter((e) => e.phase === 'postStart')
        .slice(0, -1);
      expect(ends.map((e) => e.exitCode)).toEqual(Array.from({ length: 100 }, (_, i) => i % 5));
      expect(eventsNamed(hv.events(), 'pid1.ready')[0]).toMatchObject({ mode: 'pid1' });
      expect(eventsNamed(hv.events(), 'reaper.reaped').length).toBeGreaterThanOrEqual(500);
      expect(readMarks(mark)).toEqual(['zombies 0', 'others 0']);
    } finally {
      cleanup();
    }
  }, 30_000);

  it("lets a grandchild outside main's group finish its 1 s cleanup before postStop, leaving no straggler", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `stop: { timeout: 5s }\nhooks:\n  postStop:\n    - shell: 'echo postStop >> "$MARK"; ${CENSUS.replaceAll("'", "''")}'\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('slow-grandchild.sh')], { env: { MARK: mark } });
      await hv.waitFor('grandchild READY');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main got TERM', 'cleanup started', 'cleanup finished', 'postStop', 'zombies 0', 'others 0']);
      // The grandchild is named as a straggler, beside the sleep or subshell it was running at that moment.
      const stragglers = eventsNamed(hv.events(), 'stop.straggler').map((e) => String(e.command));
      expect(stragglers.some((c) => c.includes('grandchild'))).toBe(true);
      expect(stragglers.every((c) => /^(sh|sleep) /.test(c))).toBe(true);
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('SIGKILLs a grandchild that ignores SIGTERM at stop.timeout, then runs postStop', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(dir, 'hooks.yaml', `stop: { timeout: 700ms }\nhooks:\n  postStop:\n    - shell: '${CENSUS.replaceAll("'", "''")}'\n`);
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('slow-grandchild.sh')], { env: { MARK: mark, IGNORE_TERM: '1' } });
      await hv.waitFor('grandchild READY');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([expect.objectContaining({ signal: 'SIGKILL', afterMs: 700 })]);
      expect(readMarks(mark)).toEqual(['main got TERM', 'zombies 0', 'others 0']);
    } finally {
      cleanup();
    }
  });

  it('unmounts in postStop a tmpfs mounted in preStart although a grandchild held a file open on it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mnt = `${dir}/mnt`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - run: [mkdir, -p, ${mnt}]\n    - run: [mount, -t, tmpfs, tmpfs, ${mnt}]\n  postStop:\n    - run: [umount, ${mnt}]\n    - shell: 'grep -c " ${mnt} " /proc/self/mountinfo >> "$MARK" || true'\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('slow-grandchild.sh'), mnt], { env: { MARK: `${dir}/marks` } });
      await hv.waitFor('grandchild READY');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      const umount = eventsNamed(hv.events(), 'hook.end').find((e) => e.task === `umount ${mnt}`);
      expect(umount).toMatchObject({ ok: true, exitCode: 0 });
      expect(readMarks(`${dir}/marks`)).toEqual(['main got TERM', 'cleanup started', 'cleanup finished', '0']);
    } finally {
      cleanup();
    }
  });

  it('forwards every relayed signal to main unchanged', async () => {
    const hv = startAsPid1(['--', process.execPath, fixture('signal-recorder.mjs')]);
    await hv.waitFor('READY');
    const others = RELAYED_SIGNALS.filter((s) => s !== 'SIGTERM' && s !== 'SIGINT');
    expect(others).toHaveLength(14);
    for (const sig of others) {
      hv.signalPid1(sig);
      await hv.waitFor(`got ${sig}\n`);
    }
    hv.signalPid1('SIGTERM');
    expect((await hv.exited).code).toBe(0);
    expect(eventsNamed(hv.events(), 'signal.forward').map((e) => e.signal)).toEqual([...others, 'SIGTERM']);
  });

  it('forwards each signal to main, and SIGUSR1 opens no inspector', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hv = startAsPid1(['--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      for (const sig of ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGQUIT', 'SIGCONT', 'SIGALRM'] as const) {
        hv.signalPid1(sig);
        await hv.waitFor(`got ${sig.slice(3)}`);
      }
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual([
        'main started',
        'main got HUP',
        'main got USR1',
        'main got USR2',
        'main got WINCH',
        'main got QUIT',
        'main got CONT',
        'main got ALRM',
        'main got TERM',
      ]);
      expect(hv.stderr).not.toMatch(/Debugger listening/);
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(NO_UNSHARE)('as PID 1, nothing is lost', () => {
  it('catches a stop signal that arrives while it is still starting up', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStart:\n    - run: [sleep, "0.3"]\n  postStop:\n    - shell: 'echo "postStop $HOOKVISOR_STOP_REASON" >> "$MARK"'\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('mark.sh'), 'main started'], { env: { MARK: mark } });
      await hv.waitForEvent((e) => e.event === 'hookvisor.start');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(1);
      expect(readMarks(mark)).toEqual(['postStop signal']);
    } finally {
      cleanup();
    }
  });

  it('survives an uncaught exception while handling a hook, and still runs postStop before exiting', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStart:\n    - shell: echo BOOM\n  postStop:\n    - shell: 'echo "postStop $HOOKVISOR_EXIT_CODE" >> "$MARK"'\n`,
      );
      const hv = startAsPid1(['--hooks', hooks, '--', fixture('main-trap.sh')], {
        env: { MARK: mark, TRAP_EXIT: '9', NODE_OPTIONS: `--import ${fixture('fault-on-boom.mjs')}` },
      });
      await hv.waitForEvent((e) => e.event === 'internal.error');
      await hv.waitFor('READY');
      hv.signalPid1('SIGTERM');
      expect((await hv.exited).code).toBe(9);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop 9']);
      expect(eventsNamed(hv.events(), 'internal.error')[0]).toMatchObject({ error: expect.stringContaining('injected fault') });
    } finally {
      cleanup();
    }
  });
});

describe('not PID 1', () => {
  it('becomes a child subreaper: an orphan of main is adopted by hookvisor and gets the stop signal', async () => {
    const { startHookvisor, killLeftovers } = await import('../helpers/hookvisor.js');
    const { dir, cleanup } = tempDir();
    try {
      const mark = `${dir}/marks`;
      const hv = startHookvisor(['--', fixture('orphan-ppid.sh')], { env: { MARK: mark } });
      const exit = await hv.exited;
      expect(exit.code).toBe(0);
      expect(eventsNamed(hv.events(), 'pid1.ready')[0]).toMatchObject({ mode: 'subreaper' });
      expect(readMarks(mark)).toEqual([`orphan parent ${hv.child.pid}`]);
    } finally {
      killLeftovers();
      cleanup();
    }
  });
});
