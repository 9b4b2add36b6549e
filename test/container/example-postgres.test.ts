import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Ctr, removeContainers, startContainer } from './helpers/container.js';
import { exampleHooks, volume } from './helpers/examples.js';
import { NO_PODMAN, podman } from './helpers/podman.js';
import { type Rootfs, rootfs } from './helpers/rootfs.js';

afterEach(removeContainers);

/** Debian's PostgreSQL server programs (one major version installed). */
function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const v = readdirSync(base).sort().at(-1);
  return v ? join(base, v, 'bin') : undefined;
}
const BIN = pgBin();
const NO_PG = BIN ? undefined : 'PostgreSQL is not installed (Debian package postgresql)';
if (NO_PG && !NO_PODMAN && process.env.CI) throw new Error(`the postgres example must run in CI, but ${NO_PG}`);

const psql = (c: Ctr, sql: string) => podman(['exec', '--user', '999:999', c.name, `${BIN}/psql`, '-h', '/tmp', '-d', 'postgres', '-XAtc', sql]);

describe.skipIf(NO_PODMAN || NO_PG)("examples/postgres against Debian's PostgreSQL", () => {
  let fs: Rootfs;
  beforeAll(() => void (fs = rootfs('host')));

  it('podman stop: SIGINT is the fast shutdown, pg_controldata says "shut down", committed rows survive a restart', async () => {
    const dir = volume();
    const data = join(dir, 'pgdata');
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, 999, 999);
    const spec = {
      rootfs: fs,
      hooks: exampleHooks('postgres'),
      command: [],
      dir,
      run: ['-v', `${data}:/var/lib/postgresql/data`],
      env: { PATH: `${BIN}:/usr/bin:/bin` },
    };
    const init = await podman([
      'run',
      '--rm',
      '--network',
      'none',
      '--user',
      '999:999',
      ...fs.mounts,
      '-v',
      `${data}:/var/lib/postgresql/data`,
      '--rootfs',
      `${fs.dir}:O`,
      `${BIN}/initdb`,
      '-D',
      '/var/lib/postgresql/data',
      '-A',
      'trust',
      '--no-sync',
    ]);
    expect(init.code, init.stderr).toBe(0);
    appendFileSync(join(data, 'postgresql.conf'), "unix_socket_directories = '/tmp'\nlisten_addresses = ''\n");

    const c = startContainer(spec);
    await c.waitFor('ready to accept connections', 'stderr', 30_000);
    expect((await psql(c, 'CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 1000);')).code).toBe(0);
    // The example's gracePeriod: 90s; podman stop -t 90 matches it.
    await podman(['stop', '-t', '90', c.name]);
    expect(await c.exited).toBe(0);
    expect(c.events().find((e) => e.event === 'signal.forward')).toMatchObject({ signal: 'SIGINT' });
    expect(c.stderr).toContain('received fast shutdown request');
    expect(c.events().some((e) => e.event === 'hook.output' && e.line === 'postgres stopped: reason=signal code=0 signal=')).toBe(true);
    expect(existsSync(join(data, 'hookvisor-unclean-stop'))).toBe(false);
    expect(execFileSync(`${BIN}/pg_controldata`, [data], { encoding: 'utf8' })).toMatch(/Database cluster state:\s+shut down\n/);

    const again = startContainer(spec);
    await again.waitFor('ready to accept connections', 'stderr', 30_000);
    expect((await psql(again, 'SELECT count(*) FROM t')).stdout.trim()).toBe('1000');
    await podman(['stop', '-t', '90', again.name]);
    expect(await again.exited).toBe(0);
  }, 60_000);
});
