import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runHookvisor } from '../helpers/hookvisor.js';

/** Dockerfile instructions with their arguments, continuation lines joined and comments dropped. */
function instructions(file: string): { op: string; args: string; stage: number }[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/\\\n/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.trim().split(/\s+/);
      if (op!.toUpperCase() === 'FROM') stage++;
      return { op: op!.toUpperCase(), args: rest.join(' '), stage };
    });
}

const recipes = [
  'Dockerfile.example',
  ...readdirSync(join(ROOT, 'examples')).flatMap((d) =>
    readdirSync(join(ROOT, 'examples', d))
      .filter((f) => f.startsWith('Dockerfile'))
      .map((f) => `examples/${d}/${f}`),
  ),
];

describe('Dockerfile.example (no Docker engine here: the recipe is checked as text)', () => {
  it('runs hookvisor in exec form as the contract says, the daemon as CMD, with a STOPSIGNAL', () => {
    const daemon = instructions('Dockerfile.example').filter((i) => i.stage === 1);
    expect(daemon.find((i) => i.op === 'ENTRYPOINT')?.args).toBe('["hookvisor", "--hooks", "/etc/hookvisor/hooks.yaml", "--"]');
    expect(JSON.parse(daemon.find((i) => i.op === 'CMD')!.args)).toEqual(['node', '/opt/demo/daemon.mjs']);
    expect(daemon.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(daemon.find((i) => i.op === 'ENV')?.args).toBe('HOOKVISOR_GRACE_PERIOD=90');
  });

  it.each(recipes)('%s: exec-form ENTRYPOINT and CMD, and every file it COPYs from the build context exists', (file) => {
    const all = instructions(file);
    for (const i of all.filter((x) => x.op === 'ENTRYPOINT' || (x.op === 'CMD' && !file.endsWith('.broken')))) {
      expect(() => JSON.parse(i.args), `${file}: ${i.op} ${i.args}`).not.toThrow();
    }
    for (const copy of all.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const src of sources) expect(existsSync(join(ROOT, src)), `${file}: COPY ${src}`).toBe(true);
    }
  });

  it('sets a grace period that the hooks file it ships fits in', async () => {
    const grace = /^ENV HOOKVISOR_GRACE_PERIOD=(\d+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile.example'), 'utf8'))![1]!;
    const r = await runHookvisor(['dry-run', '--hooks', 'hooks.example.yaml', '--grace-period', grace]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('hooks.schema.json', () => {
  it('is exactly what `hookvisor schema` prints (regenerate with npm run schema)', async () => {
    const r = await runHookvisor(['schema']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(ROOT, 'hooks.schema.json'), 'utf8')).toBe(r.stdout);
  });

  it('describes every field of the hooks file', async () => {
    const schema = JSON.parse((await runHookvisor(['schema'])).stdout);
    const missing: string[] = [];
    // biome-ignore lint/suspicious/noExplicitAny: a JSON schema, walked as data
    const walk = (node: Record<string, any>, path: string) => {
      // biome-ignore lint/suspicious/noExplicitAny: the same schema's properties
      for (const [key, child] of Object.entries<Record<string, any>>(node.properties ?? {})) {
        if (!child.description) missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
        if (child.items) walk(child.items, `${path}${key}[].`);
        if (child.additionalProperties && typeof child.additionalProperties === 'object') walk(child.additionalProperties, `${path}${key}.*.`);
      }
    };
    walk(schema, '');
    expect(missing).toEqual([]);
  });
});
