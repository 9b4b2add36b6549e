// One measurement each; every case runs its supervisor as PID 1 of a fresh PID namespace.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv } from './env.mjs';
import { inNamespace } from './systems.mjs';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const tmp = () => mkdtempSync(join(tmpdir(), 'hookvisor-bench-'));
// Every system starts as in a container: no NODE_EXTRA_CA_CERTS, NODE_OPTIONS and the like (env.mjs).
const { env: ENV } = benchEnv();

/** Time from exec to main running (ms), PID 1's peak RSS and private memory then (kB). `argv` null: the bare `node -e 0` floor. */
export function timeToMain(argv) {
  const dir = tmp();
  try {
    const out = join(dir, 'out');
    const t0 = now();
    if (!argv) {
      const probe = `const s=require('fs').readFileSync('/proc/self/status','utf8');require('fs').writeFileSync(${JSON.stringify(out)}, ['VmHWM','RssAnon'].map((f)=>new RegExp(f+':\\\\s+(\\\\d+)').exec(s)[1]).join(' '))`;
      const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '-e', probe], { env: ENV });
      const total = now() - t0;
      if (r.status !== 0) throw new Error(`node -e 0 failed: ${r.stderr}`);
      const [rssKb, anonKb] = readFileSync(out, 'utf8').split(' ').map(Number);
      return { ms: total, rssKb, anonKb };
    }
    const [cmd, ...args] = inNamespace([...argv, here('./mains/to-main.sh')]);
    const r = spawnSync(cmd, args, { env: { ...ENV, OUT: out } });
    if (r.status !== 0) throw new Error(`${argv[0]} failed: ${r.stderr}`);
    const [ns, hwm, anon] = readFileSync(out, 'utf8').trim().split('\n');
    return { ms: Number(BigInt(ns) / 1000n) / 1000 - t0, rssKb: Number(hwm), anonKb: Number(anon) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a supervisor around `main`; resolves lines as they come, and PID 1's host pid. */
function start(argv, main, env = {}) {
  const [cmd, ...args] = inNamespace([...argv, ...main]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...ENV, ...env } });
  let buf = '';
  const waiters = [];
  child.stdout.on('data', (d) => {
    buf += d;
    for (const w of [...waiters]) w();
  });
  const exited = new Promise((resolve) => child.on('close', () => resolve(now())));
  const line = (re, ms = 10_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} from ${argv[0]}`)), ms);
      const check = () => {
        const m = re.exec(buf);
        if (!m) return;
        buf = buf.slice(m.index + m[0].length);
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(m);
      };
      waiters.push(check);
      check();
    });
  const pid1 = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]);
  return { child, line, exited, pid1 };
}

/** SIGHUP latencies (ms, `count` of them), then one SIGTERM latency and the stop time (SIGTERM to exit). */
export async function signals(argv, count) {
  const run = start(argv, [process.execPath, here('./mains/signal-main.mjs')]);
  await run.line(/READY\n/);
  const pid = run.pid1();
  const hup = [];
  for (let i = 0; i < count; i++) {
    const t = now();
    process.kill(pid, 'SIGHUP');
    hup.push(Number((await run.line(/HUP ([\d.]+)\n/))[1]) - t);
  }
  const t = now();
  process.kill(pid, 'SIGTERM');
  const term = Number((await run.line(/TERM ([\d.]+)\n/))[1]) - t;
  const stop = (await run.exited) - t;
  return { hup, term, stop };
}

/** Orphans made by main: ms until no zombie is left, zombies left then, PID 1's CPU ticks. */
export function orphans(argv, n) {
  const [cmd, ...args] = inNamespace([...argv, here('./mains/orphans.sh'), String(n)]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, env: ENV });
  const [msLeft, zombies, ticks] = r.stdout.trim().split(/\s+/).map(Number);
  return { msToNoZombie: msLeft, zombiesLeft: zombies, cpuMs: ticks * 10 };
}

/** PID 1's CPU time (ms) and context switches while main sleeps `seconds`, and its private memory then (kB). */
export function idle(argv, seconds, settleSeconds) {
  const [cmd, ...args] = inNamespace([...argv, here('./mains/idle.sh'), String(seconds), String(settleSeconds)]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: (seconds + settleSeconds + 30) * 1000, env: ENV });
  const [cpu0, ctx0, cpu1, ctx1, anonKb] = r.stdout.trim().split(/\s+/).map(Number);
  return { cpuMs: (cpu1 - cpu0) * 10, switches: ctx1 - ctx0, anonKb };
}

/** A main whose grandchild needs 1 s to clean up after SIGTERM: does it finish, and the total stop time. */
export async function gracefulTree(argv, fixture) {
  const dir = tmp();
  try {
    const mark = join(dir, 'marks');
    writeFileSync(mark, '');
    const run = start(argv, [fixture], { MARK: mark });
    await run.line(/grandchild READY\n/);
    const t = now();
    process.kill(run.pid1(), 'SIGTERM');
    const stop = (await run.exited) - t;
    return { finished: readFileSync(mark, 'utf8').includes('cleanup finished'), stopMs: stop };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
