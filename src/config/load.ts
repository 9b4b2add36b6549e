import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { positioned } from './key-path.js';
import { readHooksFile } from './read-file.js';
import { type Config, configSchema } from './schema.js';
import type { TrustCheck } from './trust.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

export { MAX_HOOKS_FILE_BYTES } from './read-file.js';
export { positioned };

export interface LoadedConfig {
  config: Config;
  source: YamlSource;
}

/** Reads, parses and validates a hooks file (with `trust`, only one that other users cannot change). Throws ConfigError naming file, line, column and key. */
export function loadConfigFile(file: string, trust?: TrustCheck): LoadedConfig {
  return loadConfigText(file, readHooksFile(file, trust));
}

export function loadConfigText(file: string, text: string): LoadedConfig {
  if (text.trim() === '') throw new ConfigError(file, [{ path: '', message: 'the hooks file is empty (write at least "version: 1")' }]);
  const parsed = parseYaml(file, text);
  if (Array.isArray(parsed)) throw new ConfigError(file, parsed);
  const data = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: '', message: 'the hooks file must be a mapping of keys (version, env, main, stop, hooks)', line: 1, column: 1 }]);
  }
  const result = configSchema.safeParse(data);
  if (!result.success)
    throw new ConfigError(
      file,
      result.error.issues.flatMap((i) => toIssues(i, parsed)),
    );
  return { config: result.data, source: parsed };
}

/** Turns a schema issue into positioned issues; unknown keys get one issue each, at the key itself. */
function toIssues(issue: z.core.$ZodIssue, source: YamlSource): ConfigIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => positioned([...path, key], `unknown key "${key}"`, source, key));
  }
  return [positioned(path, issue.message, source)];
}
