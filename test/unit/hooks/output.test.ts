import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, readLines } from '../../../src/hooks/output.js';
import { type Redact, redactor } from '../../../src/plan/secrets.js';

async function linesOf(chunks: string[], redact?: Redact): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  const done = readLines(stream, (l) => lines.push(l), redact);
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return lines;
}

describe('readLines', () => {
  it('splits across chunks, strips CR, and keeps a last line without newline', async () => {
    expect(await linesOf(['a\nb', 'c\r\n', '\nlast'])).toEqual(['a', 'bc', '', 'last']);
  });

  it('cuts an endless line at the cap and drops the rest of it, then goes on', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const lines = await linesOf([long.slice(0, 5000), long.slice(5000), 'y'.repeat(100), '\nnext\n']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(MAX_LINE_BYTES)} [line cut at ${MAX_LINE_BYTES} bytes]`);
    expect(lines[1]).toBe('next');
  });

  it('masks before it cuts: a secret across the cut shows no part of itself, whatever the chunks', async () => {
    const redact = redactor({ DB_PASSWORD: 'secret-value' });
    const head = 'x'.repeat(MAX_LINE_BYTES - 4);
    const lines = await linesOf([head, 'secr', 'et-value', 'y'.repeat(100), '\nnext\n'], redact);
    expect(lines).toEqual([`${head}*** [line cut at ${MAX_LINE_BYTES} bytes]`, 'next']);
  });

  it('cuts where the text was, not where the masked text is: masks before the cut do not pull a secret after it in', async () => {
    const redact = redactor({ DB_PASSWORD: 'secret-value' });
    // Ten masks shorten the line by 90 characters; a secret just past the cut is not whole yet when it is cut.
    const head = 'secret-value '.repeat(10) + 'x'.repeat(MAX_LINE_BYTES - 130);
    const lines = await linesOf([`${head}${'y'.repeat(9)}secr`, 'et-value\nnext\n'], redact);
    expect(lines).toEqual([`${'*** '.repeat(10)}${'x'.repeat(MAX_LINE_BYTES - 130)} [line cut at ${MAX_LINE_BYTES} bytes]`, 'next']);
  });
});
