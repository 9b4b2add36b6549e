import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/hookvisor.js';
import { removeContainers, startContainer } from './helpers/container.js';
import { exampleHooks, volume } from './helpers/examples.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

const EXAMPLES = ['-v', `${join(ROOT, 'examples')}:/examples:ro`];
/** The command in a README's `-- sh -c '...'` line. */
const readmeShellCommand = (name: string) => /-- sh -c '([^']+)'/.exec(readFileSync(join(ROOT, 'examples', name, 'README.md'), 'utf8'))![1]!;
const output = (c: { events(): { event: string; line?: unknown }[] }) =>
  c
    .events()
    .filter((e) => e.event === 'hook.output')
    .map((e) => e.line);

describe.skipIf(NO_PODMAN)('the app examples, each run for real under hookvisor in a container', () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  it("python-app: with the README's command, app.py's own SIGTERM handler runs and its status is the container's", async () => {
    const c = startContainer({
      rootfs: fs,
      hooks: exampleHooks('python-app'),
      command: ['sh', '-c', readmeShellCommand('python-app').replace('examples/', '/examples/')],
      run: EXAMPLES,
    });
    await c.waitFor('app: running');
    await podman(['stop', '-t', '10', c.name]);
    expect(await c.exited).toBe(0);
    expect(output(c)).toContain('app stopped: reason=signal code=0');
    expect(c.stdout).toContain('app: SIGTERM received, flushing and exiting');
    expect(output(c).some((l) => String(l).startsWith('app stopped: reason=signal'))).toBe(true);
  }, 30_000);

  // start.sh execs node, so main's status, the container's and HOOKVISOR_EXIT_CODE are the app's own.
  it("node-app: the container's exit status is the app's own", async () => {
    const c = startContainer({ rootfs: fs, hooks: exampleHooks('node-app'), command: ['/examples/node-app/start.sh'], run: EXAMPLES, env: { PORT: '3000' } });
    await c.waitFor('app: listening');
    await podman(['stop', '-t', '10', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.events().find((e) => e.event === 'main.exit')).toMatchObject({ exitCode: 0 });
    expect(output(c)).toContain('app stopped: code=0 signal=');
  }, 30_000);

  it('node-app: behind the same start.sh, the app shuts down gracefully', async () => {
    const c = startContainer({ rootfs: fs, hooks: exampleHooks('node-app'), command: ['/examples/node-app/start.sh'], run: EXAMPLES, env: { PORT: '3000' } });
    await c.waitFor('app: listening on 3000');
    await podman(['stop', '-t', '10', c.name]);
    await c.exited;
    expect(c.stdout).toContain('app: SIGTERM received, graceful shutdown');
    expect(output(c).some((l) => String(l).startsWith('app stopped:'))).toBe(true);
  }, 30_000);

  it('kubernetes: the drain endpoint is called before the signal, then the lock on the data volume is released', async () => {
    const dir = volume();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/lock'), '');
    // The pod spec's terminationGracePeriodSeconds, passed as in pod.yaml.
    const c = startContainer({
      rootfs: fs,
      hooks: exampleHooks('kubernetes'),
      command: ['/usr/bin/node', '/fixtures/http-recorder.mjs', 'daemon'],
      dir,
      run: ['-v', `${dir}/data:/data`],
      env: { PORT: '8080', HOOKVISOR_GRACE_PERIOD: '45' },
    });
    await c.waitFor('READY');
    await podman(['stop', '-t', '45', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.marks()).toEqual(['main daemon', 'POST /drain undefined ']);
    const ev = c.events();
    const drained = ev.findIndex((e) => e.event === 'hook.end' && e.phase === 'preStop' && e.ok === true);
    expect(drained).toBeGreaterThan(-1);
    expect(ev.findIndex((e) => e.event === 'signal.forward')).toBeGreaterThan(drained);
    expect(existsSync(join(dir, 'data/lock'))).toBe(false);
  }, 30_000);

  it("compose: redis (Debian's redis-server) saves its data on the stop and has it after a restart", async () => {
    const dir = volume();
    mkdirSync(join(dir, 'data'));
    // As docker-compose.yml: the same 30 for stop_grace_period and HOOKVISOR_GRACE_PERIOD, pretty logs.
    const spec = {
      rootfs: fs,
      hooks: exampleHooks('compose'),
      command: ['redis-server', '--dir', '/data/db', '--save', '3600 1', '--bind', '127.0.0.1', '--port', '6379'],
      dir,
      run: ['-v', `${dir}/data:/data`],
      env: { HOOKVISOR_GRACE_PERIOD: '30', HOOKVISOR_LOG_FORMAT: 'pretty', NO_COLOR: '1' },
    };
    const c = startContainer(spec);
    await c.waitFor('Ready to accept connections');
    expect((await podman(['exec', c.name, 'redis-cli', 'SET', 'k', 'kept'])).stdout.trim()).toBe('OK');
    await podman(['stop', '-t', '30', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.stdout).toContain('DB saved on disk');
    expect(c.stderr).toContain('stopped: reason=signal code=0');
    expect(existsSync(join(dir, 'data/db/dump.rdb'))).toBe(true);
    const again = startContainer(spec);
    await again.waitFor('Ready to accept connections');
    expect((await podman(['exec', again.name, 'redis-cli', 'GET', 'k'])).stdout.trim()).toBe('kept');
    await podman(['stop', '-t', '30', again.name]);
    expect(await again.exited).toBe(0);
  }, 30_000);
});
