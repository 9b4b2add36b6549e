import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type HttpSpec, runHttp } from '../../../../src/hooks/kinds/index.js';
import { closedPort, ctx, expectNoLeakedHandles, serve } from './helpers.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server on 127.0.0.1 that records every request, with its body, and lets `answer` reply (or not). */
async function server(answer: (res: ServerResponse, req: IncomingMessage) => void) {
  const seen: Seen[] = [];
  const {
    port,
    server: http,
    sockets,
  } = await serve(
    createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        answer(res, req);
      });
    }),
  );
  return { url: `http://127.0.0.1:${port}`, seen, http, sockets };
}

const get = (url: string, more: Partial<HttpSpec> = {}): HttpSpec => ({ url, method: 'GET', headers: {}, ...more });

describe('runHttp', { timeout: 5000 }, () => {
  expectNoLeakedHandles();

  it('succeeds on 200 and logs the call with the first line of the body', async () => {
    const { url } = await server((res) => res.writeHead(200).end('\n  ready  \nsecond line'));
    const c = ctx();
    expect(await runHttp(get(`${url}/healthz`), c)).toEqual({ ok: true });
    expect(c.lines).toEqual([`GET ${url}/healthz -> 200: ready`]);
  });

  it('fails on 503 with both statuses in the message, and passes when 503 is expected', async () => {
    const { url } = await server((res) => res.writeHead(503).end('busy'));
    expect(await runHttp(get(url), ctx())).toEqual({ ok: false, error: 'expected status 2xx, got 503' });
    expect(await runHttp(get(url, { expectStatus: [200] }), ctx())).toEqual({ ok: false, error: 'expected status 200, got 503' });
    expect(await runHttp(get(url, { expectStatus: [200, 503] }), ctx())).toEqual({ ok: true });
  });

  it('sends the method, headers and body, asks for no keep-alive, and never logs a header value', async () => {
    const { url, seen, http, sockets } = await server((res) => res.writeHead(202).end('draining'));
    http.keepAliveTimeout = 60_000;
    const c = ctx();
    const spec = { url: `${url}/drain`, method: 'POST', headers: { Authorization: 'Bearer s3cret', 'X-Grace': '10' }, body: '{"grace":10}' };
    expect(await runHttp(spec, c)).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/drain', body: '{"grace":10}' });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-grace': '10', connection: 'close' });
    expect(c.lines).toEqual([`POST ${url}/drain -> 202: draining`]);
    // The connection ends by itself: nothing of ours stays connected to the daemon.
    await Promise.all([...sockets].map((s) => once(s, 'close')));
  });

  it('does not follow a redirect: 302 is a status like any other', async () => {
    const { url, seen } = await server((res) => res.writeHead(302, { location: '/elsewhere' }).end());
    expect(await runHttp(get(url), ctx())).toEqual({ ok: false, error: 'expected status 2xx, got 302' });
    expect(await runHttp(get(url, { expectStatus: [302] }), ctx())).toEqual({ ok: true });
    expect(seen.map((s) => s.url)).toEqual(['/', '/']);
  });

  it('cuts a long first line at 200 characters and reads no more of an endless body', async () => {
    const { url } = await server((res) => {
      res.writeHead(200);
      // Writes until the client goes away: only a reader that stops lets this test end.
      const pump = () => {
        while (!res.destroyed && res.write('y'.repeat(1024)));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const c = ctx();
    expect(await runHttp(get(url), c)).toEqual({ ok: true });
    expect(c.lines).toEqual([`GET ${url} -> 200: ${'y'.repeat(200)}…`]);
  });

  it('says connection refused for a closed port', async () => {
    const port = await closedPort();
    expect(await runHttp(get(`http://127.0.0.1:${port}/drain`), ctx())).toEqual({ ok: false, error: 'connection refused' });
  });

  it('times out on a server that never answers', async () => {
    const { url, seen } = await server(() => {});
    expect(await runHttp(get(url), ctx(AbortSignal.timeout(100)))).toEqual({ ok: false, error: `timed out calling ${url}` });
    expect(seen).toHaveLength(1);
  });

  it('keeps a bad header value and a URL password out of its errors', async () => {
    const bad = await runHttp(get('http://127.0.0.1:1/', { headers: { Authorization: 'Bearer s3\ncret' } }), ctx());
    expect(bad).toEqual({ ok: false, error: 'invalid header "Authorization"' });
    const port = await closedPort();
    const withPassword = await runHttp(get(`http://admin:s3cret@127.0.0.1:${port}/`), ctx());
    expect(withPassword.ok).toBe(false);
    expect(withPassword.error).not.toContain('s3cret');
  });
});
