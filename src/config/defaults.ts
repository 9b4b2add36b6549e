import type { Config } from './schema.js';

/**
 * The config of a run without a hooks file: what `configSchema.parse({})` gives (test/unit/config/defaults.test.ts
 * holds the two equal), written out so that such a run never loads zod.
 */
export function defaultConfig(): Config {
  return {
    version: 1,
    env: {},
    stop: { signals: ['SIGTERM', 'SIGINT'], group: true },
    exit: { remap: {} },
    hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
    on: {},
  };
}
