// Measures hookvisor's start-up window as PID 1: the time from exec to its signal handlers being in
// place, during which the kernel drops a SIGTERM (root, unshare). Two ways, as README says:
//   handlers  exec to SIGHUP appearing in /proc/PID/status SigCgt (polled), against a bare node floor;
//   sweep     SIGTERM at increasing delays after exec; the earliest delay from which every one is caught.
// Usage: node scripts/startup-window.mjs [path/to/hookvisor.js] [runs]. Unset NODE_EXTRA_CA_CERTS first
// (it adds some 50 ms to every Node start; a container has none).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const cli = process.argv[2] ?? 'dist/bundle/hookvisor.js';
const runs = Number(process.argv[3] ?? 21);
const env = { ...process.env, NODE_EXTRA_CA_CERTS: undefined, HOOKVISOR_HOOKS: undefined };
const SIGHUP_BIT = 1n << 0n;

/** Starts `argv` as PID 1 of a new namespace; resolves with its host pid and the time it exec'd node. */
async function startPid1(argv) {
  // --kill-child: ending unshare (our own child) ends hookvisor; its pid is never signalled once it may be gone.
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount', '--mount-proc', process.execPath, ...argv], { env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  for (const end = performance.now() + 5000; performance.now() < end; ) {
    // Busy polling on purpose: the figure is a few ms, a timer would blur it.
    let kids = '';
    try {
      kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
    } catch {}
    const pid = Number(kids.split(' ')[0]);
    if (pid) {
      try {
        if (readlinkSync(`/proc/${pid}/exe`) === process.execPath) return { child, pid, execAt: performance.now(), exited };
      } catch {}
    }
  }
  child.kill('SIGKILL');
  throw new Error('hookvisor did not start within 5 s');
}

function caught(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigCgt:\s*([0-9a-f]+)/m);
    return line !== null && (BigInt(`0x${line[1]}`) & SIGHUP_BIT) !== 0n;
  } catch {
    return false;
  }
}

async function handlersAfter(argv) {
  const { child, pid, execAt, exited } = await startPid1(argv);
  while (!caught(pid) && performance.now() < execAt + 5000) {}
  const ms = performance.now() - execAt;
  child.kill('SIGKILL');
  await exited;
  return ms;
}

/** True if a SIGTERM `delay` ms after exec ends hookvisor (it was caught), false if it still runs 2 s later. */
async function termCaught(delay) {
  const { child, pid, execAt, exited } = await startPid1([cli, '--', 'sleep', '1000']);
  while (performance.now() < execAt + delay) {}
  // Only while it is still unshare's child: a pid that has been reaped may already be someone else's.
  const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  if (ppid !== child.pid) throw new Error('hookvisor ended before its SIGTERM');
  process.kill(pid, 'SIGTERM');
  const result = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
  child.kill('SIGKILL');
  await exited;
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms, min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)} (${xs.length} runs)`;

// The floor: an ES module file whose first statement installs the handler, as hookvisor's entry does.
const dir = mkdtempSync(join(tmpdir(), 'startup-window-'));
const bare = join(dir, 'bare.mjs');
writeFileSync(bare, "process.on('SIGHUP', () => {}); setTimeout(() => {}, 1e6);\n");
const floor = [];
const ours = [];
for (let i = 0; i < runs; i++) {
  floor.push(await handlersAfter([bare]));
  ours.push(await handlersAfter([cli, '--', 'sleep', '1000']));
}
rmSync(dir, { recursive: true });
console.log(`exec to handlers, a one-line ES module (the floor): ${fmt(floor)}`);
console.log(`exec to handlers, ${cli}: ${fmt(ours)}`);

// From a little under the floor upwards in 5 ms steps, three SIGTERMs each, until three in a row are caught.
let from;
for (let delay = Math.max(0, Math.floor(median(floor) / 5) * 5 - 10); delay <= 400; delay += 5) {
  const results = [await termCaught(delay), await termCaught(delay), await termCaught(delay)];
  console.log(`SIGTERM ${delay} ms after exec: ${results.map((r) => (r ? 'caught' : 'lost')).join(', ')}`);
  if (results.every(Boolean)) {
    from = delay;
    break;
  }
}
console.log(`every SIGTERM caught from ${from ?? '?'} ms after exec`);
