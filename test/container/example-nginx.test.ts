import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeContainers, startContainer } from './helpers/container.js';
import { exampleHooks, startBeside, startIn, volume } from './helpers/examples.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

const SIZE = 1_600_000;
// Debian's nginx; only the paths a test container needs (logs to stderr, temp files in /tmp), and a slow file.
const CONF = `user root; worker_processes 1; pid /tmp/nginx.pid; error_log stderr notice;
events {}
http { access_log off; client_body_temp_path /tmp/body; proxy_temp_path /tmp/proxy; fastcgi_temp_path /tmp/fcgi; uwsgi_temp_path /tmp/uwsgi; scgi_temp_path /tmp/scgi;
  server { listen 127.0.0.1:8080; root /t/www; location /slow { limit_rate 200k; } } }
`;
// A download that prints when its first bytes arrive and how many it got in the end.
const CLIENT = (path: string) =>
  `fetch('http://127.0.0.1:8080${path}').then(async (r) => { let n = 0; for await (const c of r.body) { if (!n) console.log('first bytes'); n += c.length; } console.log('got ' + n); }).catch((e) => console.log('failed ' + e.cause?.code));`;

function nginxVolume(): { dir: string; run: string[] } {
  const dir = volume();
  writeFileSync(join(dir, 'nginx.conf'), CONF);
  const www = join(dir, 'www');
  mkdirSync(join(www, 'slow'), { recursive: true });
  writeFileSync(join(www, 'slow/big'), Buffer.alloc(SIZE, 'x'));
  writeFileSync(join(www, 'index.html'), 'hello\n');
  return { dir, run: ['-v', `${dir}/nginx.conf:/etc/nginx/nginx.conf:ro`] };
}

describe.skipIf(NO_PODMAN)("examples/nginx against Debian's nginx", () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  it('podman stop: drains for 5s while still serving, then SIGQUIT lets the in-flight download finish', async () => {
    const { dir, run } = nginxVolume();
    const c = startContainer({ rootfs: fs, hooks: exampleHooks('nginx'), command: [], dir, run });
    await c.waitForEvent((e) => e.event === 'main.start');
    await c.waitFor(/start worker process/, 'stderr');
    const slow = startBeside(c, fs, ['/usr/bin/node', '-e', CLIENT('/slow/big')]);
    await slow.until('first bytes');
    // podman refuses exec once a container is stopping: this client is in place before, waiting for its gate.
    const during = startIn(c, [
      '/usr/bin/node',
      '-e',
      `const fs = require('fs'); console.log('waiting'); const t = setInterval(() => { if (fs.existsSync('/t/go')) { clearInterval(t); ${CLIENT('/index.html')} } }, 20);`,
    ]);
    await during.until('waiting');
    // The grace period the example's README asks for: podman stop -t 30 matches gracePeriod: 30s.
    const stopped = podman(['stop', '-t', '30', c.name]);
    await c.waitForEvent((e) => e.event === 'hook.start' && e.phase === 'preStop');
    // During the drain nginx still answers new requests.
    writeFileSync(join(dir, 'go'), '');
    await during.done;
    expect(during.out).toContain('got 6');
    await slow.done;
    expect(slow.out).toContain(`got ${SIZE}`);
    await stopped;
    expect(await c.exited).toBe(0);
    const ev = c.events();
    const drained = ev.findIndex((e) => e.event === 'hook.end' && e.phase === 'preStop');
    const forwarded = ev.findIndex((e) => e.event === 'signal.forward');
    expect(drained).toBeGreaterThan(-1);
    expect(forwarded).toBeGreaterThan(drained);
    expect(ev[forwarded]).toMatchObject({ signal: 'SIGQUIT' });
    expect(ev.find((e) => e.event === 'main.exit')).toMatchObject({ exitCode: 0 });
  }, 40_000);

  // An image FROM the official nginx inherits STOPSIGNAL SIGQUIT: the example lists SIGQUIT in stop.signals.
  it("with the official image's inherited STOPSIGNAL SIGQUIT the drain still runs before nginx quits", async () => {
    const { dir, run } = nginxVolume();
    const c = startContainer({ rootfs: fs, hooks: exampleHooks('nginx'), command: [], dir, run: [...run, '--stop-signal', 'SIGQUIT'] });
    await c.waitFor(/start worker process/, 'stderr');
    await podman(['stop', '-t', '30', c.name]);
    expect(await c.exited).toBe(0);
    const ev = c.events();
    expect(ev.find((e) => e.event === 'stop.start')).toMatchObject({ signal: 'SIGQUIT' });
    const drained = ev.findIndex((e) => e.event === 'hook.end' && e.phase === 'preStop' && e.ok === true);
    expect(drained).toBeGreaterThan(-1);
    expect(ev.findIndex((e) => e.event === 'signal.forward' && e.signal === 'SIGQUIT')).toBeGreaterThan(drained);
    expect(ev.find((e) => e.event === 'hookvisor.exit')).toMatchObject({ exitCode: 0, reason: 'signal' });
    expect(ev.some((e) => e.event === 'signal.not-stop')).toBe(false);
  }, 40_000);
});
