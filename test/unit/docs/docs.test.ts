import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/app.js';
import { ROOT } from '../../helpers/hookvisor.js';

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

interface Block {
  page: string;
  line: number;
  lang: string;
  body: string;
  /** The HTML comment on the line before the fence, if any. */
  mark?: string;
}

function blocks(page: string): Block[] {
  const lines = text(page).split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const mark = /^<!-- (.*) -->$/.exec(lines[i - 1] ?? '')?.[1];
    found.push({ page, line: i + 1, lang: open[1]!, body: lines.slice(i + 1, end).join('\n'), mark });
    i = end;
  }
  return found;
}

const dir = mkdtempSync(join(tmpdir(), 'hv-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dryRun(yaml: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, 'hooks.yaml');
  writeFileSync(file, `${yaml}\n`);
  let stdout = '';
  let stderr = '';
  const none = { subscribe: () => () => {} };
  const code = await runCli({
    args: ['dry-run', '--hooks', file, '--', 'daemon'],
    env: {},
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    signals: none,
    childSignals: none,
    stdinIsTTY: false,
    uid: 1000,
    color: false,
  });
  return { code, stdout, stderr: stderr.replaceAll(file, 'hooks.yaml') };
}

const yamlBlocks = PAGES.flatMap(blocks).filter((b) => b.lang === 'yaml' && !b.mark?.startsWith('fragment'));

describe('the documentation cannot drift', () => {
  it.each(yamlBlocks.map((b) => [`${b.page}:${b.line}`, b] as const))('the hooks file at %s passes dry-run (or fails as it says it does)', async (_, block) => {
    const r = await dryRun(block.body);
    const invalid = /^invalid: (.*)$/.exec(block.mark ?? '')?.[1];
    if (invalid) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(invalid);
    } else expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
  });

  it('shows dry-run output exactly as dry-run prints it for the hooks file above it', async () => {
    const outputs = PAGES.flatMap((page) => {
      const all = blocks(page);
      return all.flatMap((b, i) => (b.mark === 'dry-run output of the block above' ? [{ output: b, yaml: all[i - 1]! }] : []));
    });
    expect(outputs.length).toBeGreaterThan(0);
    for (const { output, yaml } of outputs) expect((await dryRun(yaml.body)).stdout, `${output.page}:${output.line}`).toContain(output.body);
  });

  it('lists in the events table exactly the events of the LogEvent union', () => {
    const union = text('src/log/events.ts');
    const declared = new Set([...union.slice(0, union.indexOf('export type EventName')).matchAll(/event: '([a-z0-9.-]+)'/g)].map((m) => m[1]));
    const table = text('docs/logs.md')
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    const documented = new Set(table.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([a-z0-9.-]+)`/g)].map((m) => m[1])));
    expect([...documented].sort()).toEqual([...declared].sort());
  });

  it('describes every folder of src/ in the architecture page, and each imports only what its row allows', () => {
    const rows = text('docs/architecture.md')
      .split('\n')
      .filter((l) => /^\| `[a-z0-9]+` \|/.test(l));
    const allowed = new Map(
      rows.map((r) => {
        const [, folder, , imports] = r.split('|').map((c) => c.trim());
        return [
          folder!.replaceAll('`', ''),
          imports === 'every other folder' ? '*' : imports === '(none)' ? [] : imports!.split(', ').map((i) => i.split(' ')[0]!),
        ] as const;
      }),
    );
    const folders = readdirSync(join(ROOT, 'src')).filter((f) => statSync(join(ROOT, 'src', f)).isDirectory());
    expect([...allowed.keys()].sort()).toEqual(folders.sort());
    for (const folder of folders) {
      const may = allowed.get(folder)!;
      if (may === '*') continue;
      for (const file of sources(join(ROOT, 'src', folder))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+)([a-z0-9]+)\//g)) {
          const depth = m[1]!.length / 3;
          const relative = file.slice(join(ROOT, 'src', folder).length + 1).split('/').length - 1;
          if (depth !== relative + 1) continue;
          expect(may, `${file.slice(ROOT.length + 1)} imports ${m[2]}`).toContain(m[2]);
        }
      }
    }
  });

  it("keeps the README to a newcomer's five minutes", () => {
    expect(text('README.md').split('\n').length).toBeLessThanOrEqual(250);
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sources(path) : f.endsWith('.ts') ? [path] : [];
  });
}
