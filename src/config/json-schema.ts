import * as z from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of the hooks file, generated from the zod schema that validates it (one source of truth). */
export function hooksJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'hookvisor hooks file', description: 'What hookvisor runs around the main process: see `hookvisor dry-run`.' };
}
