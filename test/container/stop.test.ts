import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventNames, removeContainers, startContainer } from './helpers/container.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

const MARKING = `version: 1
stop: { timeout: 5s }
hooks:
  preStop: [{ run: [/fixtures/mark.sh, preStop] }]
  postStop: [{ shell: '/fixtures/mark.sh "postStop reason=$HOOKVISOR_STOP_REASON code=$HOOKVISOR_EXIT_CODE"' }]
`;

describe.skipIf(NO_PODMAN)('hookvisor as the ENTRYPOINT of a podman container', () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  it("podman stop -t 10: preStop, the signal, main gone, postStop; the exit code is main's", async () => {
    const c = startContainer({ rootfs: fs, hooks: MARKING, command: ['/fixtures/main-trap.sh'], env: { TRAP_EXIT: '7' } });
    await c.waitFor('READY');
    const stop = await podman(['stop', '-t', '10', c.name]);
    expect(stop.code).toBe(0);
    expect(await c.exited).toBe(7);
    expect(c.marks()).toEqual(['main started', 'preStop', 'main got TERM', 'postStop reason=signal code=7']);
    const names = eventNames(c.events());
    expect(names.indexOf('signal.forward')).toBeLessThan(names.indexOf('main.exit'));
    expect(names.at(-1)).toBe('hookvisor.exit');
    expect((await podman(['inspect', '--format', '{{.State.ExitCode}}', c.name])).stdout.trim()).toBe('7');
  }, 30_000);

  it('main exiting on its own with a code: postStop runs, the container exits with that code', async () => {
    const c = startContainer({ rootfs: fs, hooks: MARKING, command: ['/fixtures/exit-with.sh', '3'] });
    expect(await c.exited).toBe(3);
    expect(c.marks()).toEqual(['main started', 'postStop reason=exit code=3']);
  }, 30_000);

  it.each(['SIGQUIT', 'SIGINT'])(
    '--stop-signal %s with a matching stop.signals is a graceful stop',
    async (sig) => {
      const hooks = `version: 1\nstop: { signals: [${sig}], forward: SIGTERM, timeout: 5s }\nhooks:\n  preStop: [{ run: [/fixtures/mark.sh, preStop] }]\n  postStop: [{ run: [/fixtures/mark.sh, postStop] }]\n`;
      const c = startContainer({ rootfs: fs, hooks, command: ['/fixtures/main-trap.sh'], run: ['--stop-signal', sig] });
      await c.waitFor('READY');
      await podman(['stop', '-t', '10', c.name]);
      expect(await c.exited).toBe(0);
      expect(c.marks()).toEqual(['main started', 'preStop', 'main got TERM', 'postStop']);
      expect(c.events().find((e) => e.event === 'signal.received')).toMatchObject({ signal: sig });
    },
    30_000,
  );

  it('podman kill -s HUP runs the on: task, forwards HUP, and main keeps running', async () => {
    const hooks = `version: 1\non:\n  SIGHUP: { tasks: [{ run: [/fixtures/mark.sh, reload] }] }\n`;
    const c = startContainer({ rootfs: fs, hooks, command: ['/fixtures/main-trap.sh'] });
    await c.waitFor('READY');
    await podman(['kill', '-s', 'HUP', c.name]);
    await c.waitFor('got HUP');
    expect(c.marks()).toEqual(['main started', 'reload', 'main got HUP']);
    await podman(['stop', '-t', '10', c.name]);
    expect(await c.exited).toBe(0);
  }, 30_000);

  it('podman stop -t 5 with a main that ignores SIGTERM: the grace budget still leaves postStop its time', async () => {
    const hooks = `version: 1\nstop: { timeout: 30s }\nhooks:\n  postStop: [{ run: [/fixtures/mark.sh, postStop], timeout: 2s }]\n`;
    const c = startContainer({ rootfs: fs, hooks, hvArgs: ['--grace-period', '5'], command: ['/fixtures/main-ignore-term.sh'] });
    await c.waitFor('READY');
    await podman(['stop', '-t', '5', c.name]);
    // hookvisor SIGKILLed main itself, early enough for postStop: podman never had to kill hookvisor.
    expect(await c.exited).toBe(137);
    expect(c.events().find((e) => e.event === 'stop.deadline')).toMatchObject({ cause: 'signal' });
    expect(c.events().find((e) => e.event === 'stop.escalate')).toMatchObject({ signal: 'SIGKILL', to: 'main' });
    expect(c.marks()).toEqual(['main started', 'postStop']);
    expect(c.events().at(-1)).toMatchObject({ event: 'hookvisor.exit' });
  }, 30_000);

  // A SIGTERM that arrived while node was still loading the bundle used to be dropped (PID 1 without a handler);
  // the entry module now installs the handlers before the bulk of hookvisor is even compiled.
  it('a stop right after podman run -d still runs postStop', async () => {
    const c = startContainer({ rootfs: fs, hooks: MARKING, command: ['/fixtures/main-trap.sh'], run: ['-d'] });
    expect(await c.exited).toBe(0); // podman run -d returns once the container started
    await podman(['stop', '-t', '3', c.name]);
    const code = (await podman(['wait', c.name])).stdout.trim();
    expect(c.marks().at(-1)).toMatch(/^postStop reason=/);
    // 1 when the stop came before main started (the contract for "main never started"); never podman's SIGKILL.
    expect(['0', '1', '143']).toContain(code);
    const logs = await podman(['logs', c.name]);
    expect(logs.stderr).toContain('"event":"hookvisor.exit"');
  }, 30_000);

  it('podman logs shows JSON by default and one readable line per event with pretty', async () => {
    const c = startContainer({ rootfs: fs, command: ['/fixtures/exit-with.sh', '0'], env: { HOOKVISOR_LOG_FORMAT: 'pretty', HOOKVISOR_LOG_LEVEL: 'info' } });
    expect(await c.exited).toBe(0);
    const logs = await podman(['logs', c.name]);
    expect(logs.stderr).toMatch(/main \(pid \d+\) exited with code 0/);
    expect(logs.stderr).not.toContain('{"level"');
    const j = startContainer({ rootfs: fs, command: ['/fixtures/exit-with.sh', '0'] });
    expect(await j.exited).toBe(0);
    const lines = (await podman(['logs', j.name])).stderr.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).event)).toContain('main.exit');
  }, 30_000);

  it('--read-only root filesystem: hookvisor runs and its tasks write only to volumes', async () => {
    const c = startContainer({ rootfs: fs, hooks: MARKING, command: ['/fixtures/main-trap.sh'], run: ['--read-only'] });
    await c.waitFor('READY');
    await podman(['stop', '-t', '10', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.marks().at(-1)).toBe('postStop reason=signal code=0');
  }, 30_000);
});
