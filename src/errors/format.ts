import { ConfigError, SpawnError, UsageError } from './errors.js';

/** The one place that turns an error into text for people: no stack traces, always the file position. */
export function formatError(err: unknown): string {
  if (err instanceof ConfigError) {
    const file = err.file ?? '<command line>';
    return err.issues
      .map((i) => {
        const where = i.line !== undefined ? `${file}:${i.line}:${i.column ?? 1}` : file;
        const key = i.path ? ` ${i.path}:` : '';
        return `hookvisor: ${where}:${key} ${i.message}`;
      })
      .join('\n');
  }
  if (err instanceof UsageError) return `hookvisor: ${err.message}\nTry 'hookvisor --help'.`;
  if (err instanceof SpawnError) return `hookvisor: ${err.message}`;
  if (err instanceof Error) return `hookvisor: internal error: ${err.message}`;
  return `hookvisor: internal error: ${String(err)}`;
}
