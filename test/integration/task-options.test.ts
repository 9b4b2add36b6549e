import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('task options', () => {
  it('retries a failed task after retryDelay, as a umount that hits EBUSY once would need', () =>
    withDir(async ({ dir, mark }) => {
      // Fails on the first attempt only, as `umount` does while a straggler still closes its files.
      const once = `n=$(cat "$MARK.n" 2>/dev/null || echo 0); echo $((n + 1)) > "$MARK.n"; echo "attempt $((n + 1))" >> "$MARK"; [ "$n" -ge 1 ]`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStop:\n    - name: umount data\n      shell: '${once}'\n      retries: 3\n      retryDelay: 100ms\n`,
      );
      const r = await runHookvisor(['--hooks', hooks, '--', 'true'], { env: { MARK: mark } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual(['attempt 1', 'attempt 2']);
      expect(eventsNamed(r.events, 'hook.retry')).toEqual([expect.objectContaining({ task: 'umount data', attempt: 1, delayMs: 100, error: 'exit 1' })]);
      expect(eventsNamed(r.events, 'hook.end')).toEqual([expect.objectContaining({ task: 'umount data', ok: true, attempts: 2 })]);
    }));

  it('gives up after the last retry and reports every attempt', () =>
    withDir(async ({ dir }) => {
      const hooks = writeFile(dir, 'hooks.yaml', 'hooks:\n  postStop:\n    - { run: ["false"], retries: 2, retryDelay: 50ms }\n');
      const r = await runHookvisor(['--hooks', hooks, '--', 'true']);
      expect(r.code).toBe(0);
      expect(eventsNamed(r.events, 'hook.retry').map((e) => e.attempt)).toEqual([1, 2]);
      expect(eventsNamed(r.events, 'hook.end')).toEqual([expect.objectContaining({ ok: false, attempts: 3, exitCode: 1 })]);
    }));

  it('runs sleep, http and waitFor in preStop before main gets the signal, and waitFor in postStop after', () =>
    withDir(async ({ dir, mark }) => {
      const requests: string[] = [];
      const server = createServer((req, res) => {
        writeFileSync(mark, `drain ${req.method} ${req.url}\n`, { flag: 'a' });
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(202).end('draining');
      }).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const drain = `http://127.0.0.1:${(server.address() as AddressInfo).port}/drain`;
      try {
        const hv = startHookvisor(['--', process.execPath, fixture('port-daemon.mjs')], { env: { MARK: mark } });
        await hv.waitFor(/READY \d+/);
        const port = /READY (\d+)/.exec(hv.stdout)![1];
        hv.signal('SIGTERM');
        await hv.exited;
        // The same plan, now with hooks; the port is known from the first run.
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `hooks:\n  preStop:\n    - waitFor: { port: ${port}, state: open }\n    - sleep: 300ms\n    - http: { url: "${drain}", method: POST, expectStatus: 202 }\n  postStop:\n    - waitFor: { port: ${port} }\n`,
        );
        const hv2 = startHookvisor(['--hooks', hooks, '--', process.execPath, fixture('port-daemon.mjs')], { env: { MARK: mark, PORT: port } });
        await hv2.waitFor(`READY ${port}`);
        hv2.signal('SIGTERM');
        expect((await hv2.exited).code).toBe(0);
        const ends = eventsNamed(hv2.events(), 'hook.end');
        expect(ends.map((e) => [e.task, e.ok])).toEqual([
          [`wait for 127.0.0.1:${port} to be open`, true],
          ['sleep 300ms', true],
          [`http POST ${drain} expecting 202`, true],
          [`wait for 127.0.0.1:${port} to be closed`, true],
        ]);
        expect(ends[1]!.durationMs).toBeGreaterThanOrEqual(290);
        expect(requests).toEqual(['POST /drain']);
        // The drain came before main was told to stop: main was still running when the server saw it.
        const forward = hv2.events().findIndex((e) => e.event === 'signal.forward');
        const http = hv2.events().findIndex((e) => e.event === 'hook.end' && String(e.task).startsWith('http'));
        expect(http).toBeLessThan(forward);
      } finally {
        server.close();
      }
    }));

  it('runs when: failure or success by main status after exit.remap, and exits with the remapped status', () =>
    withDir(async ({ dir, mark }) => {
      const tasks = `hooks:\n  postStop:\n    - { run: [${fixture('mark.sh')}, failure], when: failure }\n    - { run: [${fixture('mark.sh')}, success], when: success }\n`;
      const plain = await runHookvisor(['--hooks', writeFile(dir, 'a.yaml', tasks), '--', fixture('exit-with.sh'), '3'], { env: { MARK: mark } });
      expect(plain.code).toBe(3);
      const remapped = await runHookvisor(
        ['--hooks', writeFile(dir, 'b.yaml', `exit: { remap: { 3: 0, 143: 0 } }\n${tasks}`), '--', fixture('exit-with.sh'), '3'],
        { env: { MARK: mark } },
      );
      expect(remapped.code).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'failure', 'main started', 'success']);
    }));

  it('maps a JVM-style 143 after SIGTERM to 0', () =>
    withDir(async ({ dir, mark }) => {
      const hv = startHookvisor(['--hooks', writeFile(dir, 'h.yaml', 'exit: { remap: { 143: 0 } }\n'), '--', fixture('main-trap.sh')], {
        env: { MARK: mark, TRAP_EXIT: '143' },
      });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
    }));
});

describe('on: signal tasks', () => {
  it('runs the tasks then forwards; a signal during the run is queued once, a third is dropped', () =>
    withDir(async ({ dir, mark }) => {
      const go = `${dir}/go`;
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `on:\n  SIGHUP:\n    tasks:\n      - { name: reload, run: [${fixture('gate.sh')}, reload] }\n  SIGUSR2:\n    tasks: [{ run: [${fixture('mark.sh')}, rotate] }]\n    forward: false\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark, GO: go } });
      await hv.waitFor('READY');
      hv.signal('SIGHUP');
      await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'reload begin');
      // Standard signals do not queue in the kernel: send the third only once the second has arrived.
      hv.signal('SIGHUP');
      await hv.waitFor(/(received SIGHUP[\s\S]*){2}/, 'stderr');
      hv.signal('SIGHUP');
      await hv.waitForEvent((e) => e.event === 'signal.ignored' && e.signal === 'SIGHUP');
      writeFileSync(go, '');
      await hv.waitFor(/got HUP\n[\s\S]*got HUP\n/);
      hv.signal('SIGUSR2');
      await hv.waitForEvent((e) => e.event === 'hook.end' && e.task === `${fixture('mark.sh')} rotate`);
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      const marks = readMarks(mark);
      expect(marks.filter((m) => m.startsWith('reload'))).toEqual(['reload begin', 'reload end', 'reload begin', 'reload end']);
      expect(marks.filter((m) => m === 'main got HUP')).toHaveLength(2);
      expect(marks.indexOf('main got HUP')).toBeGreaterThan(marks.indexOf('reload end'));
      expect(marks).toContain('rotate');
      expect(marks).not.toContain('main got USR2');
      const runs = eventsNamed(hv.events(), 'hook.start').filter((e) => e.phase === 'on');
      expect(runs).toHaveLength(3);
    }));

  it('during a stop an on: signal starts no tasks: it is forwarded like any other signal', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `on:\n  SIGHUP:\n    tasks: [{ run: [${fixture('mark.sh')}, reload] }]\nhooks:\n  preStop:\n    - { name: hup, shell: 'kill -HUP $PPID' }\n    - { name: wait for it, shell: 'until grep -q "main got HUP" "$MARK"; do sleep 0.01; done', timeout: 5s }\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'main got HUP', 'main got TERM']);
      expect(eventsNamed(hv.events(), 'hook.start').filter((e) => e.phase === 'on')).toEqual([]);
      expect(eventsNamed(hv.events(), 'hook.end').find((e) => e.task === 'wait for it')).toMatchObject({ ok: true });
    }));
});
