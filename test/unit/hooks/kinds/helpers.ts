import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, expect } from 'vitest';
import type { KindContext } from '../../../../src/hooks/kinds/index.js';

/** A context that keeps the logged lines. */
export function ctx(signal = new AbortController().signal): KindContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal, lines, log: (l) => lines.push(l) };
}

// The handles an executor could leak; AbortSignal.timeout's timers are unref'd and not listed.
const leakable = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap');

/** What `now` holds beyond `before`, per kind (the runner's own timers may come and go). */
function extra(now: string[], before: string[]): string[] {
  const left = [...before];
  return now.filter((r) => {
    const i = left.indexOf(r);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

const servers: { server: Server; sockets: Set<Socket>; closed: Promise<unknown> }[] = [];

/** Listens on an ephemeral port of 127.0.0.1; closed (connections and all) after the test. */
export async function serve<S extends Server>(server: S): Promise<{ server: S; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push({ server, sockets, closed: once(server, 'close') });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

/** A port that was just open and is closed now: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Snapshots the leakable handles before each test; after it, closes the test's servers and expects
 * none beyond those, so whatever the executor opened is gone by the time it returned.
 */
export function expectNoLeakedHandles(): void {
  let before: string[] = [];
  beforeEach(() => {
    before = leakable();
  });
  afterEach(async () => {
    for (const { server, sockets, closed } of servers.splice(0)) {
      if (server.listening) server.close();
      // A socket's 'close' comes once its handle is gone; the server's own 'close' can come earlier.
      await Promise.all(
        [...sockets].map((s) => {
          s.destroy();
          return once(s, 'close');
        }),
      );
      await closed;
    }
    // fetch's socket closes a few loop turns after the call returns, and undici's own clock timer lingers
    // up to its one-second tick (it owns both): allow 1.5 s, under load too, far less than a kept-alive
    // socket (4 s) or a forgotten task timeout would stay.
    const deadline = Date.now() + 1500;
    while (extra(leakable(), before).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(extra(leakable(), before)).toEqual([]);
  });
}
