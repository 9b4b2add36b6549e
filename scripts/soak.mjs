// npm run soak: many start/stop cycles of hookvisor as PID 1 of a fresh PID and mount namespace, each
// with a preStart that mounts a tmpfs and attaches a loop device and a postStop that undoes both; then
// one long-running hookvisor whose main gets a busy SIGHUP reload loop. Afterwards: leaked processes,
// mounts, loop devices and descriptors, and hookvisor's memory over the reload loop.
// Options: --cycles N (1000) --reloads N (5000)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const opt = (name, dflt) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || dflt);
const cycles = process.argv.includes('--cycles') ? opt('cycles') : 1000;
const reloads = process.argv.includes('--reloads') ? opt('reloads') : 5000;
const cli = fileURLToPath(new URL('../dist/bundle/hookvisor.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'hookvisor-soak-'));
const loops = () =>
  execFileSync('losetup', ['-a'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(work)).length;
const mounts = () =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(work)).length;
const fds = () => readdirSync('/proc/self/fd').length;

writeFileSync(join(work, 'disk.img'), Buffer.alloc(1024 * 1024));
writeFileSync(
  join(work, 'hooks.yaml'),
  `hooks:
  preStart:
    - shell: 'mkdir -p "$W/mnt" && mount -t tmpfs tmpfs "$W/mnt" && losetup --find --show "$W/disk.img" > "$W/mnt/loopdev"'
  postStop:
    - shell: 'losetup -d "$(cat "$W/mnt/loopdev")" && umount "$W/mnt"'
`,
);
const before = { fds: fds(), loops: loops(), mounts: mounts() };
let failed = 0;
const started = performance.now();
for (let i = 0; i < cycles; i++) {
  const r = spawnSync(
    'unshare',
    [
      '--pid',
      '--fork',
      '--mount',
      '--mount-proc',
      process.execPath,
      cli,
      '--log-level',
      'error',
      '--hooks',
      join(work, 'hooks.yaml'),
      '--',
      'sh',
      '-c',
      'sleep 0.01 & exit 0',
    ],
    { env: { ...process.env, W: work }, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`cycle ${i}: exit ${r.status}: ${r.stderr}\n`);
  }
}
const cycleMs = (performance.now() - started) / cycles;
const after = { fds: fds(), loops: loops(), mounts: mounts() };
const leftover = spawnSync('pgrep', ['-f', work]).stdout.toString().trim();

// The reload loop: main handles SIGHUP; hookvisor forwards every one; its RSS is sampled as it goes.
const hv = spawn(
  process.execPath,
  [
    cli,
    '--log-level',
    'error',
    '--',
    process.execPath,
    '-e',
    "process.on('SIGHUP',()=>{});process.on('SIGTERM',()=>process.exit(0));console.log('READY');setInterval(()=>{},1e9)",
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve) => hv.stdout.once('data', resolve));
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hv.pid}/status`, 'utf8'))[1]);
const samples = [];
for (let i = 0; i < reloads; i++) {
  hv.kill('SIGHUP');
  if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
  if (i % Math.ceil(reloads / 10) === 0) samples.push(rss());
}
samples.push(rss());
hv.kill('SIGTERM');
await new Promise((resolve) => hv.on('exit', resolve));
rmSync(work, { recursive: true, force: true });

const report = {
  cycles,
  failed,
  msPerCycle: Math.round(cycleMs),
  leakedProcesses: leftover ? leftover.split('\n').length : 0,
  leakedMounts: after.mounts - before.mounts,
  leakedLoopDevices: after.loops - before.loops,
  leakedFds: after.fds - before.fds,
  reloads,
  rssKbDuringReloads: samples,
  rssGrowthKb: samples.at(-1) - samples[1],
};
console.log(JSON.stringify(report, null, 2));
process.exitCode = failed || report.leakedProcesses || report.leakedMounts || report.leakedLoopDevices || report.leakedFds ? 1 : 0;
