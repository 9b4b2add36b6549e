import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';

describe('defaultConfig', () => {
  it('is exactly what the schema gives for an empty hooks file', () => {
    expect(defaultConfig()).toStrictEqual(configSchema.parse({}));
  });
});
