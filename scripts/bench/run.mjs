// npm run bench: hookvisor against tini, dumb-init and catatonit (those installed), each as PID 1 of a
// fresh PID namespace, and `node -e 0` as the floor. Systems alternate within every round, after a
// warm-up, so that ratios hold on a noisy machine. Writes bench-results/bench.md and bench.json.
// Options: --runs N (21) --signals N (200) --orphans N (10000) --idle S (30) --settle S (10) --out DIR (bench-results)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gracefulTree, idle, orphans, signals, timeToMain } from './cases.mjs';
import { ms, summary } from './stats.mjs';
import { systems } from './systems.mjs';

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(opt('runs', 21));
const signalCount = Number(opt('signals', 200));
const orphanCount = Number(opt('orphans', 10000));
const idleSeconds = Number(opt('idle', 30));
// V8 shrinks its heap once, some 5-8 s after start-up: the idle window opens after that.
const settleSeconds = Number(opt('settle', 10));
const outDir = opt('out', 'bench-results');
const WARMUP = 2;

if (process.getuid?.() !== 0) throw new Error('npm run bench needs root: every case runs as PID 1 of a new PID namespace (unshare)');
const { found, missing } = systems();
if (missing.length) console.log(`not installed, left out: ${missing.join(', ')} (apt-get install ${missing.join(' ')})`);
const names = found.map((s) => s.name);
const hooks = join(outDir, 'noop-hooks.yaml');
mkdirSync(outDir, { recursive: true });
writeFileSync(hooks, 'hooks:\n  preStop: [{ run: ["true"] }]\n  postStop: [{ run: ["true"] }]\n');

const r = { toMain: {}, rss: {}, hup: {}, term: {}, stop: {}, stopHooks: [], orphans: {}, idle: {}, tree: {} };
for (const n of [...names, 'node -e 0']) (r.toMain[n] = []), (r.rss[n] = []);
for (const n of names) (r.hup[n] = []), (r.term[n] = []), (r.stop[n] = []);

console.log(`time to main, peak RSS: ${runs} rounds (+${WARMUP} warm-up) ...`);
for (let i = 0; i < runs + WARMUP; i++) {
  for (const s of [...found, { name: 'node -e 0', argv: null }]) {
    const m = timeToMain(s.argv);
    if (i >= WARMUP) r.toMain[s.name].push(m.ms), r.rss[s.name].push(m.rssKb);
  }
}
console.log(`signals: ${signalCount} SIGHUP per run, then SIGTERM; ${runs} rounds ...`);
for (let i = 0; i < runs; i++) {
  for (const s of found) {
    const m = await signals(s.argv, i === 0 ? signalCount : 1);
    r.hup[s.name].push(...m.hup), r.term[s.name].push(m.term), r.stop[s.name].push(m.stop);
    if (s.name === 'hookvisor') r.stopHooks.push((await signals(s.argv, 1, ['--hooks', hooks])).stop);
  }
}
console.log(`reaping ${orphanCount} orphans, idle ${idleSeconds}s, graceful tree stop ...`);
const fixture = fileURLToPath(new URL('../../test/fixtures/slow-grandchild.sh', import.meta.url));
for (const s of found) {
  r.orphans[s.name] = orphans(s.argv, orphanCount);
  r.idle[s.name] = idle(s.argv, idleSeconds, settleSeconds);
  r.tree[s.name] = await gracefulTree(s.argv, fixture);
}

const med = (xs) => summary(xs).median;
const row = (label, f) => `| ${label} | ${names.map(f).join(' | ')} |`;
const floor = med(r.toMain['node -e 0']);
const floorRss = med(r.rss['node -e 0']);
const table = [
  `| figure | ${names.join(' | ')} |`,
  `| --- | ${names.map(() => '---:').join(' | ')} |`,
  row('time to main, ms (median)', (n) => ms(med(r.toMain[n]))),
  row(`… ratio to \`node -e 0\` (${ms(floor)} ms total)`, (n) => (med(r.toMain[n]) / floor).toFixed(2)),
  row('peak RSS of PID 1, MB (median)', (n) => (med(r.rss[n]) / 1024).toFixed(1)),
  row(`… ratio to \`node -e 0\` (${(floorRss / 1024).toFixed(1)} MB)`, (n) => (med(r.rss[n]) / floorRss).toFixed(2)),
  row(`SIGHUP to main's handler, ms median / p99 (${signalCount})`, (n) => `${ms(med(r.hup[n]))} / ${ms(summary(r.hup[n]).p99)}`),
  row(`SIGTERM to main's handler, ms median / p99 (${runs})`, (n) => `${ms(med(r.term[n]))} / ${ms(summary(r.term[n]).p99)}`),
  row('stop: SIGTERM to exit, no hooks, ms (median)', (n) => ms(med(r.stop[n]))),
  row('stop with a no-op preStop and postStop, ms', (n) => (n === 'hookvisor' ? ms(med(r.stopHooks)) : 'no hooks')),
  row(`${orphanCount} orphans: ms until no zombie / zombies left / PID 1 CPU ms in all`, (n) => `${r.orphans[n].msToNoZombie} / ${r.orphans[n].zombiesLeft} / ${r.orphans[n].cpuMs}`),
  row(`idle ${idleSeconds}s, ${settleSeconds}s after start: PID 1 CPU ms / context switches`, (n) => `${r.idle[n].cpuMs} / ${r.idle[n].switches}`),
  row('grandchild with 1s cleanup: finished? / stop ms', (n) => `${r.tree[n].finished ? 'yes' : 'no, killed'} / ${ms(r.tree[n].stopMs)}`),
].join('\n');
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const md = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}.\n\n${table}\n`;
writeFileSync(join(outDir, 'bench.md'), md);
writeFileSync(join(outDir, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), machine, options: { runs, signalCount, orphanCount, idleSeconds, settleSeconds }, results: r }, null, 2));
console.log(`\n${md}\nwritten: ${join(outDir, 'bench.md')}, ${join(outDir, 'bench.json')}`);
