// The bench's write-up: one table of figures, then every target of issue 14 with its verdict, misses included.
import { ms, summary } from './stats.mjs';

const med = (xs) => (xs?.length ? summary(xs).median : undefined);
const p99 = (xs) => (xs?.length ? summary(xs).p99 : undefined);
const mb = (kb) => (kb === undefined ? '—' : (kb / 1024).toFixed(1));
const x = (v) => (v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(2)}×`);

/** Markdown for results `r` of run.mjs. */
export function report(r, { found, startSystems, machine, removed, options }) {
  const names = found.map((s) => s.name);
  const hv = found.filter((s) => s.kind === 'hookvisor').map((s) => s.name);
  const floorName = found.find((s) => s.kind === 'floor')?.name;
  const nodeE0 = med(r.toMain['node -e 0']);
  const steady = (n) => r.idle[n]?.anonKb;
  // Peak private memory: the larger of the samples taken (at main's exec, median of the runs; 10 s after start).
  const peak = (n) => Math.max(med(r.anon[n]) ?? 0, steady(n) ?? 0) || undefined;
  const only = (list, f) => (n) => (list.includes(n) ? f(n) : '—');
  const row = (label, f) => `| ${label} | ${names.map(f).join(' | ')} |`;
  const ex = (n) => `${n} + hooks.example.yaml`;
  const tiniCpu = r.orphans.tini?.cpuMs;
  const table = [
    `| figure | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---:').join(' | ')} |`,
    row("exec → main's exec, ms (median)", (n) => ms(med(r.toMain[n]))),
    row(`… ratio to \`node -e 0\` (${ms(nodeE0)} ms to its exit)`, (n) => x(med(r.toMain[n]) / nodeE0)),
    row(
      '… with hooks.example.yaml (2 preStart tasks), ms / ratio',
      only(hv, (n) => `${ms(med(r.toMain[ex(n)]))} / ${x(med(r.toMain[ex(n)]) / nodeE0)}`),
    ),
    row(`peak RSS of PID 1 at main's exec, MB (\`node -e 0\`: ${mb(med(r.rss['node -e 0']))})`, (n) => mb(med(r.rss[n]))),
    row(`private (anon) memory at main's exec, MB (\`node -e 0\`: ${mb(med(r.anon['node -e 0']))})`, (n) => mb(med(r.anon[n]))),
    row(`private memory, steady (${options.settleSeconds}s after start), MB`, (n) => mb(steady(n))),
    row('… ratio to the node supervisor, steady / peak', (n) => `${x(steady(n) / steady(floorName))} / ${x(peak(n) / peak(floorName))}`),
    row(`SIGHUP → main's handler, ms median / p99 (${options.signalCount})`, (n) => `${ms(med(r.hup[n]))} / ${ms(p99(r.hup[n]))}`),
    row(`SIGTERM → main's handler, ms median / p99 (${options.runs})`, (n) => `${ms(med(r.term[n]))} / ${ms(p99(r.term[n]))}`),
    row(
      '… with one `run: [true]` preStop task, median / p99',
      only(hv, (n) => `${ms(med(r.termPreStop[n]))} / ${ms(p99(r.termPreStop[n]))}`),
    ),
    row(
      'stop: SIGTERM → exit, main exits at once, ms / ratio to the node supervisor',
      (n) => `${ms(med(r.stop[n]))} / ${x(med(r.stop[n]) / med(r.stop[floorName]))}`,
    ),
    row(
      '… with a no-op preStop and postStop, ms / ratio',
      only(hv, (n) => `${ms(med(r.stopHooks[n]))} / ${x(med(r.stopHooks[n]) / med(r.stop[floorName]))}`),
    ),
    row(`${options.orphanCount} orphans: ms until no zombie / zombies left / PID 1 CPU ms`, (n) =>
      r.orphans[n] ? `${r.orphans[n].msToNoZombie} / ${r.orphans[n].zombiesLeft} / ${r.orphans[n].cpuMs}` : 'reaps nothing',
    ),
    row(
      `idle ${options.idleSeconds}s, ${options.settleSeconds}s after start: PID 1 CPU ms / context switches`,
      (n) => `${r.idle[n].cpuMs} / ${r.idle[n].switches}`,
    ),
    row('grandchild with 1s cleanup: finished? / stop ms', (n) =>
      r.tree[n] ? `${r.tree[n].finished ? 'yes' : 'no, killed'} / ${ms(r.tree[n].stopMs)}` : 'not waited for',
    ),
  ].join('\n');

  const targets = [];
  const t = (what, value, goal, ok) => targets.push(`| ${what} | ${value} | ${goal} | ${ok === undefined ? 'not measured' : ok ? 'met' : '**missed**'} |`);
  const [one, bundle] = [hv.find((n) => n.includes('one file')), hv.find((n) => n.includes('bundle'))];
  const ratio = (n) => med(r.toMain[n]) / nodeE0;
  t(`exec → main, no hooks file, ${one}`, x(ratio(one)), '≤ 1.25×', ratio(one) <= 1.25);
  t(`exec → main, no hooks file, ${bundle} with its code cache`, x(ratio(bundle)), '≤ 1.5×', ratio(bundle) <= 1.5);
  for (const n of hv) t(`exec → main, hooks.example.yaml, ${n}`, x(ratio(ex(n))), '≤ 1.8×', ratio(ex(n)) <= 1.8);
  for (const n of hv) t(`private memory steady, ${n}`, x(steady(n) / steady(floorName)), '≤ 1.2× node supervisor', steady(n) / steady(floorName) <= 1.2);
  for (const n of hv) t(`private memory peak, ${n}`, x(peak(n) / peak(floorName)), '≤ 1.4× node supervisor', peak(n) / peak(floorName) <= 1.4);
  for (const n of hv)
    t(
      `SIGTERM → main, no preStop, ${n}`,
      `${ms(med(r.term[n]))} / ${ms(p99(r.term[n]))} ms`,
      'median ≤ 1 ms, p99 ≤ 3 ms',
      med(r.term[n]) <= 1 && p99(r.term[n]) <= 3,
    );
  for (const n of hv) t(`SIGTERM → main, one preStop task, ${n}`, `${ms(med(r.termPreStop[n]))} ms`, 'median ≤ 6 ms', med(r.termPreStop[n]) <= 6);
  for (const n of hv)
    t(`stop, main exits at once, ${n}`, x(med(r.stop[n]) / med(r.stop[floorName])), '≤ 1.5× node supervisor', med(r.stop[n]) / med(r.stop[floorName]) <= 1.5);
  for (const n of hv)
    t(
      `stop with no-op preStop and postStop, ${n}`,
      x(med(r.stopHooks[n]) / med(r.stop[floorName])),
      '≤ 3× node supervisor',
      med(r.stopHooks[n]) / med(r.stop[floorName]) <= 3,
    );
  for (const n of hv)
    t(
      `${options.orphanCount} orphans, ${n}: ms to no zombie / left`,
      `${r.orphans[n].msToNoZombie} / ${r.orphans[n].zombiesLeft}`,
      '0 left 10 ms after',
      r.orphans[n].zombiesLeft === 0 && r.orphans[n].msToNoZombie <= 10,
    );
  for (const n of hv)
    t(
      `${options.orphanCount} orphans, ${n}: PID 1 CPU`,
      tiniCpu === undefined ? 'no tini' : `${r.orphans[n].cpuMs} ms, tini ${tiniCpu} ms (10 ms ticks)`,
      '≤ 3× tini',
      tiniCpu === undefined ? undefined : r.orphans[n].cpuMs <= 3 * tiniCpu,
    );
  for (const n of hv)
    t(
      `idle ${options.idleSeconds}s, ${n}: CPU ms / wake-ups`,
      `${r.idle[n].cpuMs} / ${r.idle[n].switches}`,
      '0 / 0',
      r.idle[n].cpuMs === 0 && r.idle[n].switches === 0,
    );
  const extra = (r.size.sea - r.size.node) / 2 ** 20;
  t(
    'size of the single executable',
    `${(r.size.sea / 2 ** 20).toFixed(1)} MB (node: ${(r.size.node / 2 ** 20).toFixed(1)} MB, +${extra.toFixed(1)} MB)`,
    '≤ node + 5 MB',
    extra <= 5,
  );

  const env = `Every system ran as PID 1 of a new PID namespace with its own /proc; removed from its environment: ${removed.join(', ') || 'nothing (none was set)'}.`;
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. ${env} Rows of \`node -e 0\` and the node supervisor are the floor; time to main for \`node -e 0\` is its whole run.\n\n${table}\n\n| target | measured | goal | verdict |\n| --- | ---: | ---: | --- |\n${targets.join('\n')}\n\n${startSystems.length} start variants, ${options.runs} rounds.\n`;
}
