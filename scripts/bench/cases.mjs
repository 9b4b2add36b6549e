// One measurement each; every case runs its supervisor as PID 1 of a fresh PID namespace.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inNamespace } from './systems.mjs';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const tmp = () => mkdtempSync(join(tmpdir(), 'hookvisor-bench-'));

/** Time from exec to main running (ms) and PID 1's peak RSS (kB). `argv` null: the bare `node -e 0` floor. */
export function timeToMain(argv) {
  const dir = tmp();
  try {
    const out = join(dir, 'out');
    const t0 = now();
    if (!argv) {
      const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(out)}, String(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1]))`]);
      const total = now() - t0;
      if (r.status !== 0) throw new Error(`node -e 0 failed: ${r.stderr}`);
      return { ms: total, rssKb: Number(readFileSync(out, 'utf8')) };
    }
    const [cmd, ...args] = inNamespace([...argv, here('./mains/to-main.sh')]);
    const r = spawnSync(cmd, args, { env: { ...process.env, OUT: out } });
    if (r.status !== 0) throw new Error(`${argv[0]} failed: ${r.stderr}`);
    const [ns, hwm] = readFileSync(out, 'utf8').trim().split('\n');
    return { ms: Number(BigInt(ns) / 1000n) / 1000 - t0, rssKb: Number(hwm) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a supervisor around `main`; resolves lines as they come, and PID 1's host pid. */
function start(argv, main, env = {}) {
  const [cmd, ...args] = inNamespace([...argv, ...main]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
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
export async function signals(argv, count, extraArgs = []) {
  const run = start([...argv.slice(0, -1), ...extraArgs, argv.at(-1)], [process.execPath, here('./mains/signal-main.mjs')]);
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
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  const [msLeft, zombies, ticks] = r.stdout.trim().split(/\s+/).map(Number);
  return { msToNoZombie: msLeft, zombiesLeft: zombies, cpuMs: ticks * 10 };
}

/** PID 1's CPU time (ms) and context switches while main sleeps `seconds`. */
export function idle(argv, seconds, settleSeconds) {
  const [cmd, ...args] = inNamespace([...argv, here('./mains/idle.sh'), String(seconds), String(settleSeconds)]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: (seconds + settleSeconds + 30) * 1000 });
  const [cpu0, ctx0, cpu1, ctx1] = r.stdout.trim().split(/\s+/).map(Number);
  return { cpuMs: (cpu1 - cpu0) * 10, switches: ctx1 - ctx0 };
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
