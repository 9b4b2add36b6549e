import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runHookvisor } from '../helpers/hookvisor.js';

/** Each document that quotes dry-run, with the hooks file whose dry-run it quotes. */
const docs: [string, string][] = [
  ['README.md', 'hooks.example.yaml'],
  ['Dockerfile.example', 'hooks.example.yaml'],
  ...readdirSync(join(ROOT, 'examples'))
    .filter((d) => existsSync(join(ROOT, 'examples', d, 'hooks.yaml')))
    .flatMap((d) =>
      ['README.md', 'Dockerfile', 'hooks.yaml']
        .filter((f) => existsSync(join(ROOT, 'examples', d, f)))
        .map((f): [string, string] => [`examples/${d}/${f}`, `examples/${d}/hooks.yaml`]),
    ),
];

/** The quoted dry-run lines: `Worst-case stop: ...` and `Grace period ...` in backticks. */
const quotes = (text: string) => [...text.matchAll(/`((?:Worst-case stop|Grace period)[^`]*)`/g)].map((m) => m[1]!);

/** "about 42s" beside "worst case": a rounded postStop figure. */
const abouts = (text: string) => [...text.matchAll(/worst case \(about (\d+(?:\.\d+)?)s/g)].map((m) => Number(m[1]));

describe('numbers quoted in the READMEs, Dockerfiles and comments are what dry-run prints', () => {
  it.each(docs)('%s', async (doc, hooks) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const qs = quotes(text);
    const ab = abouts(text);
    if (qs.length === 0 && ab.length === 0) return;
    const r = await runHookvisor(['dry-run', '--hooks', hooks]);
    expect(r.code).toBe(0);
    for (const q of qs) expect(r.stdout, `${doc} quotes: ${q}`).toContain(q);
    const postStop = /postStop (\d+(?:\.\d+)?)(ms|s)\b/.exec(r.stdout.split('\n').find((l) => l.startsWith('Worst-case stop:')) ?? '');
    for (const a of ab) expect(Math.round(Number(postStop?.[1]) / (postStop?.[2] === 'ms' ? 1000 : 1)), `${doc} says about ${a}s`).toBe(a);
  });

  it.each(readdirSync(join(ROOT, 'examples')).filter((d) => existsSync(join(ROOT, 'examples', d, 'hooks.yaml'))))(
    'examples/%s: a gracePeriod in the hooks file is matched in its README',
    (name) => {
      const grace = /^\s+gracePeriod: (\d+)s$/m.exec(readFileSync(join(ROOT, 'examples', name, 'hooks.yaml'), 'utf8'))?.[1];
      if (grace === undefined) return;
      const readme = readFileSync(join(ROOT, 'examples', name, 'README.md'), 'utf8');
      const matched = [`docker stop -t ${grace}`, `stop_grace_period: ${grace}s`, `terminationGracePeriodSeconds: ${grace}`].filter((m) => readme.includes(m));
      expect(matched, `examples/${name}/README.md says how to match gracePeriod: ${grace}s`).not.toEqual([]);
    },
  );

  it('finds the quotes it checks', () => {
    const all = docs.flatMap(([doc]) => quotes(readFileSync(join(ROOT, doc), 'utf8')));
    expect(all.length).toBeGreaterThanOrEqual(3);
  });
});
