import { expand, type Lookup, partialExpand } from '../config/expand.js';
import type { TaskConfig } from '../config/schema.js';
import type { KeyPath } from '../config/yaml-source.js';
import type { At } from './at.js';
import { type HttpSpec, RUNTIME_VARIABLES } from './types.js';

/**
 * An http task with `${VAR}` filled in the URL, header values and body; `${HOOKVISOR_*}` wait for the
 * task's start (fillHttp). The URL is checked once it is whole.
 */
export function planHttp(spec: NonNullable<TaskConfig['http']>, lookup: Lookup, at: At, path: KeyPath): HttpSpec {
  const template = (text: string, key: KeyPath) => at(key, () => partialExpand(text, lookup, RUNTIME_VARIABLES), text);
  // Checked once whole; a URL that could not be expanded has its problem reported already.
  const url = at([...path, 'url'], () => checkUrl(partialExpand(spec.url, lookup, RUNTIME_VARIABLES)), spec.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers)) headers[name] = template(value, [...path, 'headers', name]);
  const body = spec.body === undefined ? undefined : template(spec.body, [...path, 'body']);
  const expectStatus = spec.expectStatus === undefined ? undefined : [spec.expectStatus].flat();
  return { url, method: spec.method, headers, body, expectStatus };
}

/** The spec as sent: the run-time variables (HOOKVISOR_*) filled in, as for run: arguments. */
export function fillHttp(spec: HttpSpec, runtime: Readonly<Record<string, string>>): HttpSpec {
  const fill = (text: string) => expand(text, (name) => runtime[name] ?? '');
  const headers = Object.fromEntries(Object.entries(spec.headers).map(([name, value]) => [name, fill(value)]));
  return { ...spec, url: fill(spec.url), headers, body: spec.body === undefined ? undefined : fill(spec.body) };
}

/** Returns the template when the URL it makes (run-time variables as 0) is http or https without credentials. */
function checkUrl(template: string): string {
  const url = expand(template, () => '0');
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // left undefined: reported below
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') throw new Error(`expected an http:// or https:// URL, got "${url}"`);
  // fetch refuses such URLs, and a password there would show in dry-run, logs and the report.
  if (parsed.username || parsed.password)
    throw new Error('a URL cannot carry a user or password: send them as a header, such as Authorization: "Basic ${CREDENTIALS}"');
  return template;
}
