import { describe, expect, it } from 'vitest';
import { keepStdioUntouched } from '../../../src/cli/std-streams.js';

type Std = Pick<NodeJS.Process, 'stdin' | 'stdout' | 'stderr'>;

describe('stand-ins for process.stdin, stdout and stderr', () => {
  it('replace the getters, so the real streams (which reopen or unblock fds 0-2) are never built', () => {
    let built = 0;
    const proc = {} as Std;
    for (const name of ['stdin', 'stdout', 'stderr'] as const) Object.defineProperty(proc, name, { configurable: true, get: () => ++built });
    keepStdioUntouched(proc, () => {});
    expect([proc.stdin.fd, proc.stdout.fd, proc.stderr.fd]).toEqual([0, 1, 2]);
    expect(proc.stdout).toBe(proc.stdout);
    expect(built).toBe(0);
  });

  it('stderr writes through the given writer; stdin is at its end', async () => {
    const written: string[] = [];
    const proc = {} as Std;
    keepStdioUntouched(proc, (text) => written.push(text));
    proc.stderr.write('warning\n');
    proc.stderr.write(Buffer.from('bytes\n'));
    expect(written).toEqual(['warning\n', 'bytes\n']);
    const chunks: unknown[] = [];
    for await (const chunk of proc.stdin) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});
