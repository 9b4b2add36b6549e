// Issue 14, point 2: a run without a hooks file loads no YAML, no schema and no task runner before main starts.
import { describe, expect, it, vi } from 'vitest';

// vi.mock is hoisted above everything: each factory says itself which library was loaded.
vi.mock('yaml', () => {
  throw new Error('yaml was loaded');
});
vi.mock('zod', () => {
  throw new Error('zod was loaded');
});
vi.mock('execa', () => {
  throw new Error('execa was loaded');
});

describe('without a hooks file', () => {
  it('plans a run (here, prints it) without loading yaml, zod or execa', async () => {
    const { runCli } = await import('../../../src/cli/app.js');
    let out = '';
    let err = '';
    const none = { subscribe: () => () => {} };
    const code = await runCli({
      args: ['dry-run', '--', 'true'],
      env: {},
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      signals: none,
      childSignals: none,
      stdinIsTTY: false,
      uid: 1000,
      color: false,
    });
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('true');
    // The real process port too: its module must not load execa for main.
    await expect(import('../../../src/cli/run.js')).resolves.toBeDefined();
  });
});
