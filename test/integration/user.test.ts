import { chmodSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsNamed, fixture, killLeftovers, readMarks, runHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const root = process.getuid?.() === 0;

/** A marker file in `dir` that an unprivileged main or task can write too. */
function writableMark(dir: string): string {
  const mark = `${dir}/marks`;
  chmodSync(dir, 0o755);
  writeFileSync(mark, '');
  chmodSync(mark, 0o666);
  return mark;
}

describe.skipIf(!root)('user:', () => {
  it('runs main and a task as the user, with its gid and supplementary groups, while other tasks stay root', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = writableMark(dir);
      // nobody (65534) and the users group (100) are in every Debian image.
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `main: { user: "nobody:100" }\nhooks:\n  postStop:\n    - { run: [${fixture('report-ids.sh')}, task-as-nobody], user: nobody }\n    - { run: [${fixture('report-ids.sh')}, task-as-root] }\n`,
      );
      const r = await runHookvisor(['--hooks', hooks, '--', fixture('report-ids.sh'), 'main'], { env: { MARK: mark } });
      expect(r.code).toBe(0);
      const mainPid = eventsNamed(r.events, 'main.start')[0]!.pid;
      const lines = readMarks(mark);
      // exec-as keeps the pid: the program reports the pid hookvisor started.
      expect(lines[0]).toBe(`main pid=${mainPid} Uid: 65534 65534 65534 65534;Gid: 100 100 100 100;Groups: 100 ;`);
      expect(lines[1]).toBe('main fds=0 1 2 3 ');
      expect(lines[2]).toMatch(/^task-as-nobody pid=\d+ Uid: 65534 65534 65534 65534;Gid: 65534 65534 65534 65534;Groups: 65534 ;$/);
      expect(lines[4]).toMatch(/^task-as-root pid=\d+ Uid: 0 0 0 0;Gid: 0 0 0 0;Groups: ;$/);
    } finally {
      cleanup();
    }
  });

  it("sets HOME to the user's home from /etc/passwd, unless the hooks file gives HOME", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = writableMark(dir);
      const hooks = writeFile(
        dir,
        'hooks.yaml',
        `main: { user: nobody }\nhooks:\n  postStop:\n    - { shell: 'echo "task $HOME" >> "$MARK"', user: nobody }\n    - { shell: 'echo "own $HOME" >> "$MARK"', user: nobody, env: { HOME: /tmp } }\n    - { shell: 'echo "root $HOME" >> "$MARK"' }\n`,
      );
      const r = await runHookvisor(['--hooks', hooks, '--', 'sh', '-c', 'echo "main $HOME" >> "$MARK"'], { env: { MARK: mark, HOME: '/root' } });
      expect(r.code).toBe(0);
      expect(readMarks(mark)).toEqual(['main /nonexistent', 'task /nonexistent', 'own /tmp', 'root /root']);
      const dry = await runHookvisor(['dry-run', '--hooks', hooks, '--', 'true']);
      expect(dry.stdout).toContain('as user nobody (uid 65534, gid 65534, groups 65534, HOME /nonexistent)');
      // A HOME in the file's env is for every process.
      const fileHome = writeFile(dir, 'home.yaml', `env: { HOME: /srv }\nmain: { user: nobody }\n`);
      writeFileSync(mark, '');
      expect((await runHookvisor(['--hooks', fileHome, '--', 'sh', '-c', 'echo "main $HOME" >> "$MARK"'], { env: { MARK: mark } })).code).toBe(0);
      expect(readMarks(mark)).toEqual(['main /srv']);
    } finally {
      cleanup();
    }
  });

  it('refuses an unknown user before starting anything, naming file, line and key', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const hooks = writeFile(dir, 'hooks.yaml', 'main:\n  user: no-such-user\n');
      const r = await runHookvisor(['--hooks', hooks, '--', 'touch', `${dir}/started`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`hookvisor: ${hooks}:2:9: main.user: user "no-such-user" not found in /etc/passwd\n`);
    } finally {
      cleanup();
    }
  });
});
