// npm run bench: hookvisor (both install routes) against the minimal Node supervisor (the floor), `node -e 0`,
// and tini, dumb-init and catatonit (those installed), each as PID 1 of a fresh PID namespace with its own /proc,
// with the start-up-changing variables removed (env.mjs). Systems alternate within every round, after a
// warm-up, so that ratios hold on a noisy machine. Writes bench-results/bench.md and bench.json.
// Options: --runs N (21) --signals N (200) --orphans N (10000) --idle S (30) --settle S (10) --out DIR (bench-results)
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gracefulTree, idle, orphans, signals, timeToMain } from './cases.mjs';
import { benchEnv } from './env.mjs';
import { report } from './report.mjs';
import { EXAMPLE_HOOKS, SEA, systems } from './systems.mjs';

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
const { removed } = benchEnv();
console.log(`every system runs as PID 1 of a new PID namespace with its own /proc; removed from its environment: ${removed.join(', ') || 'nothing to remove'}`);
if (missing.length) console.log(`not installed, left out: ${missing.join(', ')} (apt-get install ${missing.join(' ')})`);
mkdirSync(outDir, { recursive: true });
const noopHooks = join(outDir, 'noop-hooks.yaml');
writeFileSync(noopHooks, 'hooks:\n  preStop: [{ run: ["true"] }]\n  postStop: [{ run: ["true"] }]\n');
const preStopHooks = join(outDir, 'prestop-hooks.yaml');
writeFileSync(preStopHooks, 'hooks:\n  preStop: [{ run: ["true"] }]\n');

const hv = found.filter((s) => s.kind === 'hookvisor');
const hooked = (s, file, label) => ({ name: `${s.name} ${label}`, argv: s.withArgs(['--hooks', file]) });
const startSystems = [...found, ...hv.map((s) => hooked(s, EXAMPLE_HOOKS, '+ hooks.example.yaml')), { name: 'node -e 0', argv: null }];
const r = { toMain: {}, rss: {}, anon: {}, hup: {}, term: {}, stop: {}, termPreStop: {}, stopHooks: {}, orphans: {}, idle: {}, tree: {} };
for (const s of startSystems) for (const key of ['toMain', 'rss', 'anon']) r[key][s.name] = [];
for (const s of found) for (const key of ['hup', 'term', 'stop']) r[key][s.name] = [];
for (const s of hv) for (const key of ['termPreStop', 'stopHooks']) r[key][s.name] = [];

console.log(`time to main, memory: ${runs} rounds (+${WARMUP} warm-up) ...`);
for (let i = 0; i < runs + WARMUP; i++) {
  for (const s of startSystems) {
    const m = timeToMain(s.argv);
    if (i >= WARMUP) {
      r.toMain[s.name].push(m.ms);
      r.rss[s.name].push(m.rssKb);
      r.anon[s.name].push(m.anonKb);
    }
  }
}
console.log(`signals: ${signalCount} SIGHUP per run, then SIGTERM; ${runs} rounds ...`);
for (let i = 0; i < runs; i++) {
  for (const s of found) {
    const m = await signals(s.argv, i === 0 ? signalCount : 1);
    r.hup[s.name].push(...m.hup);
    r.term[s.name].push(m.term);
    r.stop[s.name].push(m.stop);
    if (s.kind !== 'hookvisor') continue;
    r.termPreStop[s.name].push((await signals(s.withArgs(['--hooks', preStopHooks]), 0)).term);
    r.stopHooks[s.name].push((await signals(s.withArgs(['--hooks', noopHooks]), 0)).stop);
  }
}
console.log(`reaping ${orphanCount} orphans, idle ${idleSeconds}s, graceful tree stop ...`);
const fixture = fileURLToPath(new URL('../../test/fixtures/slow-grandchild.sh', import.meta.url));
for (const s of found) {
  r.idle[s.name] = idle(s.argv, idleSeconds, settleSeconds);
  // The floor reaps nothing: orphans would stay zombies and a grandchild is not waited for.
  if (s.kind === 'floor') continue;
  r.orphans[s.name] = orphans(s.argv, orphanCount);
  r.tree[s.name] = await gracefulTree(s.argv, fixture);
}
r.size = { sea: statSync(SEA).size, node: statSync(process.execPath).size };

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const options = { runs, signalCount, orphanCount, idleSeconds, settleSeconds };
const md = report(r, { found, startSystems, machine, removed, options });
writeFileSync(join(outDir, 'bench.md'), md);
writeFileSync(join(outDir, 'bench.json'), JSON.stringify({ date: new Date().toISOString(), machine, removedEnv: removed, options, results: r }, null, 2));
console.log(`\n${md}\nwritten: ${join(outDir, 'bench.md')}, ${join(outDir, 'bench.json')}`);
