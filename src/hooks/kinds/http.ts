import type { HttpSpec } from '../../plan/types.js';
import type { KindContext, KindResult } from './types.js';

const PREVIEW_CHARS = 200;
// Enough bytes for a first line; an endless or huge body is never read further.
const PREVIEW_BYTES = 4096;

/** Kubernetes' httpGet hook, any method: a drain or shutdown endpoint. Header values are never logged. */
export async function runHttp(spec: HttpSpec, ctx: KindContext): Promise<KindResult> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(spec.headers)) {
    try {
      headers.set(name, value);
    } catch {
      // Headers' own message quotes the value, which may be a token.
      return { ok: false, error: `invalid header ${JSON.stringify(name)}` };
    }
  }
  // One-shot call: a kept-alive socket would outlive the task and could hold up the daemon's own stop.
  headers.set('connection', 'close');
  let response: Response;
  try {
    response = await fetch(spec.url, { method: spec.method, headers, body: spec.body, signal: ctx.signal, redirect: 'manual' });
  } catch (err) {
    return { ok: false, error: ctx.signal.aborted ? `timed out calling ${spec.url}` : describeFetchError(err) };
  }
  const first = await firstLine(response);
  ctx.log(`${spec.method} ${spec.url} -> ${response.status}${first ? `: ${first}` : ''}`);
  const ok = spec.expectStatus ? spec.expectStatus.includes(response.status) : response.status >= 200 && response.status < 300;
  return ok ? { ok } : { ok, error: `expected status ${spec.expectStatus?.join(' or ') ?? '2xx'}, got ${response.status}` };
}

/** The first non-blank line of the body, cut at PREVIEW_CHARS; reads at most PREVIEW_BYTES. */
async function firstLine(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < PREVIEW_BYTES && !/\S[^\n]*\n/.test(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // the status is what counts; a body cut short by the timeout is not a failure of the call
  } finally {
    await reader.cancel().catch(() => {});
  }
  const line =
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line;
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'UND_ERR_SOCKET':
      return 'connection closed without a response';
  }
  // fetch's own message for a URL with credentials quotes it whole (the schema refuses such URLs first).
  if (err instanceof TypeError && /credentials/.test(err.message)) return 'a URL with a user or password is not allowed';
  return cause?.message ?? (err as Error).message ?? String(err);
}
