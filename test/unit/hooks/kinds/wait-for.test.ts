import { once } from 'node:events';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { runWaitFor } from '../../../../src/hooks/kinds/index.js';
import { tempDir } from '../../../helpers/hookvisor.js';
import { ctx, expectNoLeakedHandles, serve } from './helpers.js';

// Counts the executor's finished lstat calls, so a test acts only after a first check was seen.
const looks = vi.hoisted(() => ({ done: 0, next: [] as (() => void)[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const lstat = (async (...args: Parameters<typeof real.lstat>) => {
    try {
      return await real.lstat(...args);
    } finally {
      looks.done++;
      for (const f of looks.next.splice(0)) f();
    }
  }) as typeof real.lstat;
  return { ...real, lstat };
});
const nextLook = () => new Promise<void>((resolve) => looks.next.push(resolve));

// formatDuration to the tenth of a second: 300ms, 1.2s.
const AFTER = /^.+ after (\d+00ms|0ms|\d+(\.\d)?s)$/;

describe('runWaitFor, ports', { timeout: 5000 }, () => {
  expectNoLeakedHandles();

  it('sees a listening port open at once, and hangs up by itself', async () => {
    const { server, port } = await serve(createServer());
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const c = ctx();
    expect(await runWaitFor({ port, host: '127.0.0.1', state: 'open', intervalMs: 1000 }, c)).toEqual({ ok: true });
    // The server keeps its side open: only the probe's own close ends the connection.
    const [socket] = await accepted;
    if (!socket.closed) await once(socket, 'close');
    expect(c.lines).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} is open after (\\d+00ms|0ms)$`))]);
  });

  it('sees a port closed once its server goes, after the first poll found it open', async () => {
    const { server, port } = await serve(createServer((s) => s.destroy()));
    let polls = 0;
    server.on('connection', () => ++polls === 1 && server.close());
    const c = ctx();
    expect(await runWaitFor({ port, host: '127.0.0.1', state: 'closed', intervalMs: 20 }, c)).toEqual({ ok: true });
    expect(polls).toBe(1);
    expect(c.lines).toEqual([expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${port} is closed after (\\d+00ms|0ms|\\d+(\\.\\d)?s)$`))]);
  });

  it('times out on a port that stays open, with the port and the state in the message', async () => {
    const { port } = await serve(createServer((s) => s.destroy()));
    const result = await runWaitFor({ port, host: '127.0.0.1', state: 'closed', intervalMs: 20 }, ctx(AbortSignal.timeout(150)));
    expect(result).toEqual({ ok: false, error: `timed out waiting for 127.0.0.1:${port} to be closed` });
  });

  it('returns at once on an aborted signal, mid-wait too', async () => {
    const { port } = await serve(createServer((s) => s.destroy()));
    const spec = { port, host: '127.0.0.1', state: 'closed', intervalMs: 60_000 } as const;
    expect(await runWaitFor(spec, ctx(AbortSignal.abort()))).toEqual({ ok: false, error: `timed out waiting for 127.0.0.1:${port} to be closed` });
    const controller = new AbortController();
    const waiting = runWaitFor(spec, ctx(controller.signal));
    controller.abort();
    expect(await waiting).toEqual({ ok: false, error: `timed out waiting for 127.0.0.1:${port} to be closed` });
  });
});

describe('runWaitFor, paths', { timeout: 5000 }, () => {
  expectNoLeakedHandles();
  const inTemp = async (test: (dir: string) => Promise<void>) => {
    const { dir, cleanup } = tempDir();
    try {
      await test(dir);
    } finally {
      cleanup();
    }
  };

  it('waits for a path to exist: created after the first check', () =>
    inTemp(async (dir) => {
      const path = `${dir}/osd.lock`;
      const c = ctx();
      const first = nextLook();
      const waiting = runWaitFor({ path, host: '127.0.0.1', state: 'exists', intervalMs: 10 }, c);
      await first;
      const before = looks.done;
      writeFileSync(path, '');
      expect(await waiting).toEqual({ ok: true });
      expect(looks.done).toBeGreaterThan(before);
      expect(c.lines).toEqual([expect.stringMatching(AFTER)]);
      expect(c.lines[0]).toMatch(`${path} exists after`);
    }));

  it('waits for a path to be gone: removed after the first check', () =>
    inTemp(async (dir) => {
      const path = `${dir}/run/daemon.pid`;
      mkdirSync(`${dir}/run`);
      writeFileSync(path, '123');
      const c = ctx();
      const first = nextLook();
      const waiting = runWaitFor({ path, host: '127.0.0.1', state: 'gone', intervalMs: 10 }, c);
      await first;
      rmSync(`${dir}/run`, { recursive: true });
      expect(await waiting).toEqual({ ok: true });
      expect(c.lines[0]).toMatch(`${path} is gone after`);
    }));

  it('counts a dangling symlink as existing', () =>
    inTemp(async (dir) => {
      symlinkSync(`${dir}/nowhere`, `${dir}/link`);
      expect(await runWaitFor({ path: `${dir}/link`, host: '127.0.0.1', state: 'exists', intervalMs: 10 }, ctx())).toEqual({ ok: true });
      const stays = await runWaitFor({ path: `${dir}/link`, host: '127.0.0.1', state: 'gone', intervalMs: 10 }, ctx(AbortSignal.timeout(60)));
      expect(stays).toEqual({ ok: false, error: `timed out waiting for ${dir}/link to be gone` });
    }));

  it('times out with the path in the message, and says why when a check could not tell', () =>
    inTemp(async (dir) => {
      const timeout = () => ctx(AbortSignal.timeout(60));
      expect(await runWaitFor({ path: `${dir}/never`, host: '127.0.0.1', state: 'exists', intervalMs: 10 }, timeout())).toEqual({
        ok: false,
        error: `timed out waiting for ${dir}/never to exist`,
      });
      // A name too long for the kernel is not proof that the path is gone.
      const tooLong = `${dir}/${'x'.repeat(300)}`;
      expect(await runWaitFor({ path: tooLong, host: '127.0.0.1', state: 'gone', intervalMs: 10 }, timeout())).toEqual({
        ok: false,
        error: `timed out waiting for ${tooLong} to be gone (last check: ENAMETOOLONG)`,
      });
    }));
});
