import type { HttpSpec } from '../../plan/types.js';
import type { KindContext, KindResult } from './types.js';

const BODY_PREVIEW = 200;

/** Kubernetes' httpGet hook, any method: a drain or shutdown endpoint. Header values are never logged. */
export async function runHttp(spec: HttpSpec, ctx: KindContext): Promise<KindResult> {
  let response: Response;
  try {
    response = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body, signal: ctx.signal, redirect: 'manual' });
  } catch (err) {
    return { ok: false, error: ctx.signal.aborted ? `timed out calling ${spec.url}` : describeFetchError(err) };
  }
  let body = '';
  try {
    body = (await response.text()).trim();
  } catch {
    // the status is what counts; a body cut short by the timeout is not a failure of the call
  }
  const preview = body.split('\n')[0]!.slice(0, BODY_PREVIEW);
  ctx.log(`${spec.method} ${spec.url} -> ${response.status}${preview ? `: ${preview}` : ''}`);
  const ok = spec.expectStatus ? spec.expectStatus.includes(response.status) : response.status >= 200 && response.status < 300;
  return ok ? { ok } : { ok, error: `expected status ${spec.expectStatus?.join(' or ') ?? '2xx'}, got ${response.status}` };
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host not found';
  return cause?.message ?? (err as Error).message ?? String(err);
}
