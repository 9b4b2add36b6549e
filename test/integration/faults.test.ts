import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, startHookvisor, withDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

describe('faults and load', () => {
  it("an uncaught exception is logged in the run's log format: a pretty line with --log-format pretty, not raw JSON", () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStart:\n    - shell: echo BOOM\n  postStop:\n    - shell: 'echo "postStop $HOOKVISOR_STOP_REASON" >> "$MARK"'\n`,
      );
      const hv = startHookvisor(['--log-format', 'pretty', '--hooks', hooks, '--', 'sh', '-c', 'echo READY; exec sleep 1000'], {
        env: { MARK: mark, NODE_OPTIONS: `--import ${fixture('fault-on-boom.mjs')}` },
      });
      await hv.waitFor(/internal error during callback: Error: injected fault in hook output handling/, 'stderr');
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(143);
      expect(hv.stderr).not.toContain('"event":"internal.error"');
      expect(readMarks(mark)).toEqual(['postStop signal']);
    }));

  it('main and tasks inherit no file descriptor beyond 0, 1 and 2', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [${fixture('report-ids.sh')}, task]\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('report-ids.sh'), 'main'], { env: { MARK: mark } });
      expect((await hv.exited).code).toBe(0);
      // ls lists its own 0-2 and 3 (the directory it reads): nothing else was inherited.
      expect(readMarks(mark).filter((l) => l.includes('fds='))).toEqual(['main fds=0 1 2 3 ', 'task fds=0 1 2 3 ']);
    }));

  it('1,000 SIGTERMs and 1,000 SIGHUPs at once: one stop, every SIGHUP that arrived forwarded', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`);
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      for (let i = 0; i < 1000; i++) hv.signal('SIGHUP');
      for (let i = 0; i < 1000; i++) hv.signal(i % 2 ? 'SIGTERM' : 'SIGHUP');
      expect((await hv.exited).code).toBe(0);
      const events = hv.events();
      expect(eventsNamed(events, 'stop.start')).toHaveLength(1);
      const exit = events.findIndex((e) => e.event === 'main.exit');
      const hup = (name: string) => events.flatMap((e, i) => (e.event === name && e.signal === 'SIGHUP' ? [i] : []));
      // The kernel merges a signal that is already pending. Each one hookvisor saw while main ran was forwarded;
      // only those after main's exit may be ignored, and only because main is gone.
      const whileMainRan = hup('signal.received').filter((i) => i < exit);
      expect(whileMainRan.length).toBeGreaterThan(0);
      expect(hup('signal.forward').filter((i) => i < exit)).toHaveLength(whileMainRan.length);
      expect(hup('signal.ignored').every((i) => i > exit && events[i]!.why === 'main is gone')).toBe(true);
      expect(hup('signal.forward').length + hup('signal.ignored').length).toBe(hup('signal.received').length);
      expect(readMarks(mark).at(-1)).toBe('postStop');
    }));

  it('keeps supervising and runs postStop when its stderr is a broken pipe', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`);
      const child = spawn(process.execPath, [CLI, '--hooks', hooks, '--', fixture('main-trap.sh')], {
        env: { ...process.env, MARK: mark },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Nobody reads hookvisor's logs any more: every write to its stderr now fails with EPIPE.
      child.stderr.destroy();
      await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('READY') && resolve()));
      child.kill('SIGTERM');
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop']);
    }));

  it('keeps supervising and runs postStop when its stderr is closed', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', `hooks:\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`);
      const child = spawn('sh', ['-c', `exec 2>&-; exec "${process.execPath}" "${CLI}" --hooks "${hooks}" -- "${fixture('main-trap.sh')}"`], {
        env: { ...process.env, MARK: mark },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('READY') && resolve()));
      child.kill('SIGTERM');
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'postStop']);
    }));
});

describe('hooks that misbehave', () => {
  it(
    'a hook writing 100 MB: memory stays bounded, the first 10,000 lines are logged and the rest counted',
    () =>
      withDir(async ({ dir, mark }) => {
        // 1,059,168 lines of up to 99 characters, then hookvisor's peak memory as the next task sees it.
        const hooks = writeFile(
          dir,
          'hooks.yaml',
          `hooks:\n  preStart:\n    - name: chatty\n      shell: 'head -c 104857600 /dev/zero | tr "\\\\0" x | fold -w 99'\n    - shell: 'grep VmHWM /proc/$PPID/status | tr -s " \\t" " " | cut -d" " -f2 > "$MARK"'\n`,
        );
        const hv = startHookvisor(['--log-level', 'info', '--hooks', hooks, '--', 'true'], { env: { MARK: mark } });
        expect((await hv.exited).code).toBe(0);
        const output = hv.events().filter((e) => e.event === 'hook.output' && e.task === 'chatty');
        expect(output).toHaveLength(10_001);
        expect(output[0]!.line).toBe('x'.repeat(99));
        expect(output.at(-1)!.line).toBe(`[${1_059_168 - 10_000} more lines not logged]`);
        expect(Number(readMarks(mark)[0])).toBeLessThan(200 * 1024);
      }),
    60_000,
  );

  it('a hook that closes its stdout, and one that leaves a daemon behind, finish at once', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStart:\n    - { name: closer, shell: 'exec >&- 2>&-; sleep 0.1; exit 0', timeout: 5s }\n    - { name: forker, shell: 'setsid sleep 1000 & echo "$!" > "$MARK.daemon"', timeout: 5s }\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitForEvent((e) => e.event === 'phase.end' && e.phase === 'postStart');
      const ends = eventsNamed(hv.events(), 'hook.end');
      expect(ends.map((e) => [e.task, e.ok])).toEqual([
        ['closer', true],
        ['forker', true],
      ]);
      expect(ends.every((e) => (e.durationMs as number) < 2000)).toBe(true);
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      // The daemon a hook left is one of hookvisor's descendants: stopped before postStop.
      const daemon = Number(readMarks(`${mark}.daemon`)[0]);
      expect(eventsNamed(hv.events(), 'stop.straggler').map((e) => e.pid)).toContain(daemon);
      expect(readMarks(mark).at(-1)).toBe('postStop');
    }));
});

describe('main ending at awkward moments', () => {
  it('main exits during preStop: preStop finishes, nothing to signal or kill, postStop runs', () =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  preStop:\n    - shell: 'kill "$HOOKVISOR_MAIN_PID"; while kill -0 "$HOOKVISOR_MAIN_PID" 2>/dev/null; do sleep 0.01; done; echo "preStop done" >> "$MARK"'\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('main-trap.sh')], { env: { MARK: mark } });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main started', 'main got TERM', 'preStop done', 'postStop']);
      expect(eventsNamed(hv.events(), 'stop.escalate')).toEqual([]);
    }));

  it("main exits while postStart runs: postStop waits for postStart, and the status is main's", () =>
    withDir(async ({ dir, mark, go }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `hooks:\n  postStart:\n    - run: [${fixture('gate.sh')}, postStart]\n  postStop:\n    - run: [${fixture('mark.sh')}, postStop]\n`,
      );
      const hv = startHookvisor(['--hooks', hooks, '--', fixture('exit-with.sh'), '5'], { env: { MARK: mark, GO: go } });
      await hv.waitForEvent((e) => e.event === 'main.exit');
      await hv.waitForEvent((e) => e.event === 'hook.output' && e.line === 'postStart begin');
      writeFileSync(go, '');
      expect((await hv.exited).code).toBe(5);
      const marks = readMarks(mark);
      expect(marks.slice(-3)).toEqual(['postStart begin', 'postStart end', 'postStop']);
    }));
});

describe('secrets', () => {
  it('secret-looking variables are used as they are but shown as *** in the logs, dry-run and the report; http fields expand them', () =>
    withDir(async ({ dir, mark }) => {
      const port = await freePort();
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `env: { API_TOKEN: "\${TOKEN_FROM_ENV}" }
report: \${WORK}/report.json
main:
  command: [node, ${fixture('http-recorder.mjs')}, "--token=\${API_TOKEN}"]
hooks:
  preStop:
    - http: { url: "http://127.0.0.1:\${PORT}/drain?token=\${API_TOKEN}", method: POST, headers: { Authorization: "Bearer \${API_TOKEN}" }, body: "osd \${OSD_ID}" }
  postStop:
    - run: [sh, -c, 'echo "post $1" >> "$MARK"', sh, "--token=\${API_TOKEN}"]
    - shell: 'echo "the token is $API_TOKEN"'
`,
      );
      const env = { TOKEN_FROM_ENV: 's3cr3t-value', PORT: String(port), OSD_ID: '7', MARK: mark, WORK: dir };
      const hv = startHookvisor(['--log-level', 'debug', '--hooks', hooks], { env });
      await hv.waitFor('READY');
      hv.signal('SIGTERM');
      expect((await hv.exited).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main --token=s3cr3t-value', 'POST /drain?token=s3cr3t-value Bearer s3cr3t-value osd 7', 'post --token=s3cr3t-value']);
      expect(eventsNamed(hv.events(), 'main.start')[0]!.command).toEqual(['node', fixture('http-recorder.mjs'), '--token=***']);
      expect(eventsNamed(hv.events(), 'hook.end').map((e) => e.task)).toEqual([
        `http POST http://127.0.0.1:${port}/drain?token=***`,
        'sh -c echo "post $1" >> "$MARK" sh --token=***',
        'echo "the token is $API_TOKEN"',
      ]);
      // A task's own output too: the value is masked wherever it shows.
      expect(eventsNamed(hv.events(), 'hook.output').map((e) => e.line)).toContain('the token is ***');
      const dry = await runHookvisor(['dry-run', '--hooks', hooks], { env });
      for (const text of [hv.stderr, dry.stdout, readFileSync(join(dir, 'report.json'), 'utf8')]) {
        expect(text).not.toMatch(/s3cr3t/);
        expect(text).toContain('***');
      }
    }));

  it('environment values never reach the logs, even at debug level', () =>
    withDir(async ({ dir }) => {
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        'env: { TOKEN: "s3cr3t-file-value" }\nhooks:\n  preStart:\n    - { run: ["true"], env: { KEY: "s3cr3t-task-value" } }\n  postStop:\n    - shell: "test -n \\"$TOKEN$KEY$INHERITED\\""\n',
      );
      const hv = startHookvisor(['--log-level', 'debug', '--hooks', hooks, '--', 'true'], { env: { INHERITED: 's3cr3t-inherited-value' } });
      expect((await hv.exited).code).toBe(0);
      expect(eventsNamed(hv.events(), 'hook.end').every((e) => e.ok)).toBe(true);
      expect(hv.stderr).not.toMatch(/s3cr3t/);
    }));
});

/** A port that was free a moment ago, for a main that must listen where a task will call it. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
