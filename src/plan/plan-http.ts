import { expand, type Lookup } from '../config/expand.js';
import type { TaskConfig } from '../config/schema.js';
import type { KeyPath } from '../config/yaml-source.js';
import type { At } from './plan-task.js';
import { masked } from './secrets.js';
import type { HttpSpec } from './types.js';

/** An http task with `${VAR}` filled in: the URL, header values and body; the URL is checked once it is whole. */
export function planHttp(spec: NonNullable<TaskConfig['http']>, lookup: Lookup, at: At, path: KeyPath): HttpSpec {
  const url = at([...path, 'url'], () => checkUrl(expand(spec.url, lookup)), spec.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers)) headers[name] = at([...path, 'headers', name], () => expand(value, lookup), value);
  const body = spec.body === undefined ? undefined : at([...path, 'body'], () => expand(spec.body!, lookup), spec.body);
  const expectStatus = spec.expectStatus === undefined ? undefined : [spec.expectStatus].flat();
  return { url, shownUrl: shown(spec.url, lookup), method: spec.method, headers, body, expectStatus };
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`expected an http:// or https:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`expected an http:// or https:// URL, got "${url}"`);
  // fetch refuses such URLs, and a password there would show in dry-run, logs and the report.
  if (parsed.username || parsed.password) throw new Error('a URL cannot carry a user or password: send them as a header, such as Authorization: "Basic ${CREDENTIALS}"');
  return url;
}

/** The URL as people may see it: secret variables masked; as written when it cannot be expanded (that error is reported already). */
function shown(template: string, lookup: Lookup): string {
  try {
    return expand(template, masked(lookup));
  } catch {
    return template;
  }
}
