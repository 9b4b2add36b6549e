import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runHttp, runSleep, runWaitFor, type KindContext } from '../../../../src/hooks/kinds/index.js';
import { tempDir } from '../../../helpers/hookvisor.js';

const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

function ctx(signal = new AbortController().signal): KindContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal, lines, log: (l) => lines.push(l) };
}

const handles = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;

async function httpServer(handler: (req: IncomingMessage, body: string) => [number, string] | undefined): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const answer = handler(req, body);
      if (answer) res.writeHead(answer[0]).end(answer[1]);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ close: () => server.closeAllConnections?.() ?? server.close() });
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('sleep', () => {
  it('waits, and stops at once when aborted, leaving no timer', async () => {
    const before = handles();
    expect(await runSleep(20, ctx())).toEqual({ ok: true });
    const controller = new AbortController();
    const sleeping = runSleep(60_000, ctx(controller.signal));
    controller.abort();
    expect(await sleeping).toEqual({ ok: false, error: 'interrupted' });
    expect(handles()).toBe(before);
  });
});

describe('http', () => {
  it('sends method, headers and body, and succeeds on 2xx', async () => {
    let seen: { method?: string; auth?: string; body?: string } = {};
    const { url } = await httpServer((req, body) => ((seen = { method: req.method, auth: req.headers.authorization, body }), [202, 'draining\nsecond line']));
    const c = ctx();
    expect(await runHttp({ url: `${url}/drain`, method: 'POST', headers: { Authorization: 'Bearer s3cret' }, body: '{"grace":10}' }, c)).toEqual({ ok: true });
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer s3cret', body: '{"grace":10}' });
    expect(c.lines).toEqual([`POST ${url}/drain -> 202: draining`]);
    expect(c.lines.join()).not.toContain('s3cret');
  });

  it('fails on an unexpected status, or passes when it is expected', async () => {
    const { url } = await httpServer(() => [503, 'busy']);
    expect(await runHttp({ url, method: 'GET', headers: {} }, ctx())).toEqual({ ok: false, error: 'expected status 2xx, got 503' });
    expect(await runHttp({ url, method: 'GET', headers: {}, expectStatus: [503] }, ctx())).toEqual({ ok: true });
  });

  it('says connection refused, and times out on a server that never answers', async () => {
    const closed = createTcpServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    expect(await runHttp({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {} }, ctx())).toEqual({ ok: false, error: 'connection refused' });
    const { url } = await httpServer(() => undefined);
    expect(await runHttp({ url, method: 'GET', headers: {} }, ctx(AbortSignal.timeout(100)))).toEqual({ ok: false, error: `timed out calling ${url}` });
  });
});

describe('waitFor', () => {
  it('sees a port open at once, and closed once its server goes', async () => {
    const server = createTcpServer((s) => s.destroy()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const spec = { port, host: '127.0.0.1', intervalMs: 20 } as const;
    expect(await runWaitFor({ ...spec, state: 'open' }, ctx())).toEqual({ ok: true });
    let probes = 0;
    server.on('connection', () => ++probes === 1 && server.close());
    const c = ctx();
    expect(await runWaitFor({ ...spec, state: 'closed' }, c)).toEqual({ ok: true });
    expect(c.lines[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} is closed after \\d+\\.\\ds$`));
  });

  it('waits for a path to exist and to be gone, and times out with a clear message', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = `${dir}/lock`;
      const c = ctx();
      const waiting = runWaitFor({ path, host: '127.0.0.1', state: 'exists', intervalMs: 10 }, c);
      // The first look (made at once, synchronously started) finds nothing; the file comes later.
      expect(c.lines).toEqual([]);
      writeFileSync(path, '');
      expect(await waiting).toEqual({ ok: true });
      expect(c.lines[0]).toMatch(/\/lock exists after \d+\.\ds$/);
      expect(await runWaitFor({ path, host: '127.0.0.1', state: 'gone', intervalMs: 10 }, ctx(AbortSignal.timeout(80)))).toEqual({ ok: false, error: `timed out waiting for ${path} to be gone` });
      expect(await runWaitFor({ path: `${dir}/none`, host: '127.0.0.1', state: 'gone', intervalMs: 10 }, ctx())).toEqual({ ok: true });
    } finally {
      cleanup();
    }
  });
});
