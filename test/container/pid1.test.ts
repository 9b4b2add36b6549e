import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepare, removeContainers, runArgs, startContainer } from './helpers/container.js';
import { NO_PODMAN, podman, podmanArgv } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

describe.skipIf(NO_PODMAN)('hookvisor as PID 1 of a podman container: processes, mounts, volumes, terminals', () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  it("reaps orphans and zombies as PID 1 and exits with main's code", async () => {
    const c = startContainer({ rootfs: fs, command: ['/fixtures/orphans.sh', '6', '4'] });
    expect(await c.exited).toBe(4);
    const ev = c.events();
    expect(ev.find((e) => e.event === 'pid1.ready')).toMatchObject({ mode: 'pid1' });
    expect(ev.filter((e) => e.event === 'reaper.reaped').length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it("behind podman run --init (catatonit as PID 1) it is a child subreaper and still reaps main's orphans", async () => {
    const c = startContainer({ rootfs: fs, command: ['/fixtures/orphans.sh', '6', '4'], run: ['--init'] });
    expect(await c.exited).toBe(4);
    const ev = c.events();
    expect(ev.find((e) => e.event === 'pid1.ready')).toMatchObject({ mode: 'subreaper' });
    expect(ev.filter((e) => e.event === 'reaper.reaped').length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('a real umount in postStop of a tmpfs held by a slow grandchild, after the grandchild is gone (--cap-add SYS_ADMIN)', async () => {
    const hooks = `version: 1
stop: { timeout: 10s }
hooks:
  preStart: [{ shell: 'mkdir -p /mnt/data && mount -t tmpfs tmpfs /mnt/data' }]
  postStop:
    - { run: [/fixtures/mark.sh, postStop] }
    - { unmount: /mnt/data, timeout: 5s }
    - { shell: 'grep -q " /mnt/data " /proc/mounts && /fixtures/mark.sh still mounted || /fixtures/mark.sh unmounted' }
`;
    const c = startContainer({ rootfs: fs, hooks, command: ['/fixtures/slow-grandchild.sh', '/mnt/data'], run: ['--cap-add', 'SYS_ADMIN'] });
    await c.waitFor('grandchild READY');
    await podman(['stop', '-t', '20', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.marks()).toEqual(['main got TERM', 'cleanup started', 'cleanup finished', 'postStop', 'unmounted']);
    expect(
      c
        .events()
        .filter((e) => e.event === 'hook.end')
        .every((e) => e.ok === true),
    ).toBe(true);
  }, 30_000);

  it('podman kill -s KILL, then a new container on the same state: volume runs the lost postStop first (recovery)', async () => {
    const dir = mkdtempSync('/var/tmp/hookvisor-vol-');
    try {
      const hooks = `version: 1\nstate: /t/state\nhooks:\n  postStop: [{ shell: '/fixtures/mark.sh "postStop $HOOKVISOR_STOP_REASON"' }]\n`;
      const first = startContainer({ rootfs: fs, hooks, command: ['/fixtures/main-trap.sh'], dir });
      await first.waitFor('READY');
      await podman(['kill', '-s', 'KILL', first.name]);
      expect(await first.exited).toBe(137);
      expect(first.marks()).toEqual(['main started']);
      const second = startContainer({ rootfs: fs, hooks, command: ['/fixtures/exit-with.sh', '0'], dir });
      expect(await second.exited).toBe(0);
      expect(second.marks()).toEqual(['main started', 'postStop recovery', 'main started', 'postStop exit']);
      expect(second.events().some((e) => e.event === 'recovery.start')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("podman run -it: main owns the pseudo-terminal, reads a line and its status is the container's", async () => {
    const spec = { rootfs: fs, command: ['/fixtures/tty-main.sh'], run: ['-it'], env: { HOOKVISOR_LOG_FORMAT: 'pretty', NO_COLOR: '1' } };
    const { name, dir } = prepare(spec);
    const { argv, env } = podmanArgv(runArgs(spec, name, dir));
    // script(1) gives podman a terminal of its own and relays our writes as keystrokes.
    const child = spawn('script', ['-qfec', argv.map((a) => `'${a}'`).join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = new Promise<number | null>((res) => child.on('close', res));
    await new Promise<void>((res) => child.stdout.on('data', () => out.includes('READY') && res()));
    child.stdin.write('hello\r');
    await new Promise<void>((res) => child.stdout.on('data', () => out.includes('line: hello') && res()));
    child.stdin.write('quit\r');
    expect(await code).toBe(5);
    expect(out).toContain('owns terminal: yes');
  }, 30_000);
});
