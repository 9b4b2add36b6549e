import type { ConfigIssue } from '../errors/errors.js';
import type { YamlSource } from './yaml-source.js';

export type KeyPath = readonly (string | number)[];

// Kept apart from yaml-source.ts and load.ts: a plan built without a hooks file must not load yaml or zod.
export function formatPath(path: KeyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** An issue at `path` (or at its last `key`), with the line and column the hooks file has for it. */
export function positioned(path: KeyPath, message: string, source: YamlSource, key?: string): ConfigIssue {
  const pos = key === undefined ? source.locate(path) : source.locate(path.slice(0, -1), key);
  return { path: formatPath(path), message, line: pos?.line, column: pos?.column };
}
