/** A `${VAR}` whose variable is unset and has no `:-default`. */
export class UnsetVariableError extends Error {
  constructor(readonly variable: string) {
    super(`variable \${${variable}} is not set and has no default (write \${${variable}:-default})`);
  }
}

export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${VAR}` and `${VAR:-default}` (default used when VAR is unset or empty); `$$` is a literal `$`.
 * The result is always exactly one string: expansion never splits words or adds shell syntax.
 */
export function expand(template: string, lookup: Lookup): string {
  return expandWith(template, lookup, new Set(), (s) => s);
}

/**
 * Expands all but the `deferred` names and returns a template again: references to deferred names stay
 * as written and every literal `$` is escaped as `$$`, so a second `expand` at run time fills in only
 * the deferred names and never re-reads a value as a reference.
 */
export function partialExpand(template: string, lookup: Lookup, deferred: ReadonlySet<string>): string {
  return expandWith(template, lookup, deferred, (s) => s.replaceAll('$', '$$$$'));
}

function expandWith(template: string, lookup: Lookup, deferred: ReadonlySet<string>, literal: (s: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch !== '$') {
      out += literal(ch!);
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += literal('$');
      i += 2;
      continue;
    }
    if (next !== '{') {
      out += literal('$');
      i++;
      continue;
    }
    const close = template.indexOf('}', i + 2);
    if (close < 0) throw new Error(`unterminated "\${" in "${template}"`);
    const body = template.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    if (!NAME.test(name)) throw new Error(`invalid variable reference "\${${body}}" (use \${NAME} or \${NAME:-default})`);
    if (deferred.has(name)) {
      out += template.slice(i, close + 1);
    } else {
      const value = lookup(name);
      if (value !== undefined && value !== '') out += literal(value);
      else if (sep >= 0) out += literal(body.slice(sep + 2));
      else if (value === undefined) throw new UnsetVariableError(name);
    }
    i = close + 1;
  }
  return out;
}

/** Names referenced as `${NAME}` / `${NAME:-x}` in a shell string, for checking them without rewriting the script. */
export function referencedVariables(script: string): { name: string; hasDefault: boolean }[] {
  const refs: { name: string; hasDefault: boolean }[] = [];
  for (const m of script.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|[^}]*)?\}/g)) {
    const op = m[2] ?? '';
    // Other shell operators (${X:=y}, ${#X}, ${X%y} ...) have their own unset handling; only bare ${X} must be set.
    refs.push({ name: m[1]!, hasDefault: op !== '' });
  }
  return refs;
}

/** A partially expanded template as a person reads it: run-time references shown, `$$` as `$`; one that is not a template as written. */
export function displayArg(template: string): string {
  try {
    return expand(template, (name) => `\${${name}}`);
  } catch {
    return template;
  }
}
