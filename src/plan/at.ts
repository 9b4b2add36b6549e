import type { KeyPath } from '../config/yaml-source.js';

/** Runs `fn`; a thrown problem is recorded against `path` (as a ConfigError issue) and `fallback` stands in. */
export type At = <T>(path: KeyPath, fn: () => T, fallback: T) => T;
