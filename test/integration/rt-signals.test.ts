// Exit status of a main ended by a signal above 31 (issue 12, point 10): 128+N for every N, named in the logs.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, eventsNamed, readMarks, withDir, writeFile } from '../helpers/hookvisor.js';
import { killPid1s, NO_UNSHARE, startAsPid1 } from '../helpers/pid1.js';

afterEach(killPid1s);

const HOOKS = `hooks:
  postStop:
    - { name: on failure, shell: 'echo "failure $HOOKVISOR_EXIT_SIGNAL" >> "$MARK"', when: failure }
    - { name: on success, shell: 'echo success >> "$MARK"', when: success }
`;

// The kernel's numbers; the names follow glibc's SIGRTMIN (34), as bash's kill -l does.
const rows = [
  { n: 34, name: 'SIGRTMIN' },
  { n: 35, name: 'SIGRTMIN+1' },
  { n: 50, name: 'SIGRTMIN+16' },
  { n: 64, name: 'SIGRTMIN+30' },
];

describe.skipIf(NO_UNSHARE)('a main ended by a real-time signal, hookvisor as PID 1', () => {
  it.each(rows)('signal $n ($name) → exit 128+$n, when: failure runs, when: success does not', ({ n, name }) =>
    withDir(async ({ dir, mark }) => {
      const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
      const hv = startAsPid1(['--hooks', hooks, '--', 'sh', '-c', `kill -${n} $$`], { env: { MARK: mark } });
      expect((await hv.exited).code).toBe(128 + n);
      expect(eventsNamed(hv.events(), 'main.exit')[0]).toMatchObject({ signal: name });
      expect(eventsNamed(hv.events(), 'hookvisor.exit')[0]).toMatchObject({ exitCode: 128 + n });
      expect(readMarks(mark)).toEqual([`failure ${name}`]);
    }),
  );
});

describe('a main ended by a real-time signal on the terminal path (docker run -it)', () => {
  it(
    'signal 35 (SIGRTMIN+1) → exit 163, named in the logs, when: failure runs',
    () =>
      withDir(async ({ dir, mark }) => {
        const hooks = writeFile(dir, 'hooks.yaml', HOOKS);
        // `script` gives hookvisor a fresh pseudo-terminal: main is started as its foreground process group.
        const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} --log-format pretty --hooks ${hooks} -- sh -c 'kill -35 $$'`, '/dev/null'], {
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: true,
          env: { ...process.env, MARK: mark, HOOKVISOR_HOOKS: undefined },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        expect(out).toContain('exited on SIGRTMIN+1');
        expect(out).toContain('exiting with 163');
        expect(code).toBe(163);
        expect(readMarks(mark)).toEqual(['failure SIGRTMIN+1']);
      }),
    20_000,
  );
});
