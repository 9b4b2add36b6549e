import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { ConfigIssue } from '../errors/errors.js';
import { formatPath, type KeyPath } from './key-path.js';
import { keepScalarText } from './scalar-text.js';

export { formatPath, type KeyPath };

/** A parsed YAML document that can say where any key path sits in the text. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Line and column of the value at `path`, or of the deepest part of it that exists. */
  locate(path: KeyPath, key?: string): { line: number; column: number } | undefined;
}

/** Largest alias expansion accepted; stops "billion laughs" documents. */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML text; returns the source or the syntax issues with positions. */
export function parseYaml(file: string, text: string): YamlSource | ConfigIssue[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return { path: '', message: `invalid YAML: ${plainMessage(e.message)}`, line: pos?.line, column: pos?.col };
    });
    // A document nested too deeply overflows the parser's stack more than once: one line says it.
    const tooDeep = issues.find((i) => i.message.endsWith(TOO_DEEP));
    return tooDeep ? [tooDeep] : issues;
  }
  keepScalarText(doc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // Alias trouble (unknown anchor, too many expansions) is found only here: point at the first alias.
    const at = firstAlias(doc);
    const pos = at === undefined ? undefined : lineCounter.linePos(at);
    return [{ path: '', message: `invalid YAML: ${plainMessage((err as Error).message)}`, line: pos?.line ?? 1, column: pos?.col ?? 1 }];
  }
  const locate = (path: KeyPath, key?: string) => {
    const node = find(doc, key === undefined ? path : [...path, key], key !== undefined);
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return { file, data, locate };
}

function firstAlias(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

const TOO_DEEP = 'nested too deeply';

/** The parser's first line, without its own position (we give ours) and in words for a too-deep document. */
function plainMessage(message: string): string {
  // V8 says it one way, and its regular expression engine (Node >= 24) another.
  if (/Maximum call stack size exceeded|Stack overflow/.test(message)) return TOO_DEEP;
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Walks the document along `path`; with `wantKey` the last step returns the key node, not its value. */
function find(doc: Document, path: KeyPath, wantKey: boolean): Node | undefined {
  let node = doc.contents as Node | null;
  let found: Node | undefined = node ?? undefined;
  for (const [i, step] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return found;
      const keyNode = pair.key as Node;
      node = last && wantKey ? keyNode : ((pair.value as Node | null) ?? keyNode);
    } else if (isSeq(node) && typeof step === 'number') {
      node = (node.items[step] as Node | undefined) ?? null;
    } else {
      return found;
    }
    if (!node) return found;
    found = node;
  }
  return found;
}
