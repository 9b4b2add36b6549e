import { expand, type Lookup } from '../config/expand.js';
import type { KeyPath } from '../config/yaml-source.js';
import type { At } from './at.js';

/**
 * Expands an `env:` mapping in the order written: each value sees the keys above it, then `base`. A key
 * that refers to itself gets the value from outside (`PATH: "/opt/bin:${PATH}"`). A reference to a key
 * further down (which is also how any cycle starts) is a config error at the referring value.
 */
export function expandEnv(entries: Readonly<Record<string, string>>, base: Lookup, at: At, path: KeyPath): Record<string, string> {
  const out: Record<string, string> = {};
  const names = Object.keys(entries);
  names.forEach((name, i) => {
    const later = new Set(names.slice(i + 1));
    const lookup: Lookup = (ref) => {
      if (Object.hasOwn(out, ref)) return out[ref];
      if (later.has(ref)) throw new Error(`\${${ref}} is set further down in this env: values are expanded in the order written, so set ${ref} above ${name}`);
      return base(ref);
    };
    out[name] = at([...path, name], () => expand(entries[name]!, lookup), entries[name]!);
  });
  return out;
}
