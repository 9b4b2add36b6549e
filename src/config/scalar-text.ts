import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';

/**
 * Where the schema takes a scalar as text (`run`, `main.command`, `env` values, http header values), the
 * scalar's text as written in the file: YAML would read `007` as 7, `1.10` as 1.1, `0x1F` as 31, `True` as
 * true and a long number with digits lost. Changes the document's nodes in place, before it becomes data.
 */
export function keepScalarText(doc: Document): void {
  const root = doc.contents as Node | null;
  asText(child(root, 'env'));
  asText(child(child(root, 'main'), 'command'));
  const tasks: unknown[] = [];
  const hooks = child(root, 'hooks');
  if (isMap(hooks)) for (const pair of hooks.items) if (isSeq(pair.value)) tasks.push(...pair.value.items);
  const on = child(root, 'on');
  if (isMap(on)) for (const pair of on.items) if (isSeq(child(pair.value, 'tasks'))) tasks.push(...(child(pair.value, 'tasks') as { items: unknown[] }).items);
  for (const task of tasks) {
    asText(child(task, 'run'));
    asText(child(task, 'env'));
    asText(child(child(task, 'http'), 'headers'));
  }
}

function child(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined;
}

/** The items of a sequence or the values of a mapping: a number or boolean becomes its source text; null and aliases stay. */
function asText(node: unknown): void {
  const items: unknown[] = isSeq(node) ? node.items : isMap(node) ? node.items.map((p) => p.value) : [];
  for (const item of items) {
    if (!isScalar(item) || typeof item.source !== 'string') continue;
    if (typeof item.value === 'number' || typeof item.value === 'boolean' || typeof item.value === 'bigint') item.value = item.source;
  }
}
