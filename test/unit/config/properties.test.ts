import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseDuration } from '../../../src/config/duration.js';
import { expand, UnsetVariableError } from '../../../src/config/expand.js';
import { loadConfigText } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors/errors.js';
import { formatError } from '../../../src/errors/format.js';
import { buildPlan } from '../../../src/plan/build.js';

/** Either a Plan, or a ConfigError whose every issue has a key path or a position, and prints without a stack. */
function planOrConfigError(text: string): void {
  try {
    const { config, source } = loadConfigText('hooks.yaml', text);
    const plan = buildPlan(config, ['daemon'], { HOME: '/root' }, { hooksFile: 'hooks.yaml', source });
    expect(plan.main?.argv).toEqual(['daemon']);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) expect(issue.path !== '' || issue.line !== undefined || /hooks file/.test(issue.message)).toBe(true);
    const text = formatError(err);
    expect(text.startsWith('hookvisor: hooks.yaml')).toBe(true);
    expect(text).not.toMatch(/^\s+at /m);
  }
}

const key = fc.constantFrom(
  'version',
  'env',
  'main',
  'stop',
  'hooks',
  'on',
  'exit',
  'preStart',
  'postStop',
  'run',
  'shell',
  'sleep',
  'timeout',
  'retries',
  'when',
  'user',
  'signals',
  'forward',
  'x',
);
const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10s', '500ms', '${HOME}', '${NOPE}', '${X:-1}', 'SIGTERM', 'always'),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ maxDepth: 4 }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;

describe('the config loader under random input', () => {
  it('random YAML text gives a Plan or a positioned ConfigError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => planOrConfigError(text)),
      { numRuns: 500 },
    );
  });

  it('random objects against the schema give a Plan or a ConfigError with a key path', () => {
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (obj) => planOrConfigError(stringify(obj))),
      { numRuns: 500 },
    );
  });

  it('random durations parse to milliseconds or fail with a hint', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.stringMatching(/^\d{1,4}(\.\d{1,2})?(ms|s|m|h)$/)), (d) => {
        try {
          const ms = parseDuration(d);
          expect(Number.isFinite(ms) && ms >= 0).toBe(true);
        } catch (err) {
          expect((err as Error).message).toMatch(/invalid duration/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random ${} expressions expand to one string or name the unset variable', () => {
    const env: Record<string, string> = { A: 'a b', B: '; rm -rf /', EMPTY: '' };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('${A}', '${B}', '${EMPTY}', '${NOPE}', '${A:-x}', '$$', '${', '${1}', '$')), {
          maxLength: 8,
        }),
        (parts) => {
          const template = parts.join('');
          try {
            expect(typeof expand(template, (n) => env[n])).toBe('string');
          } catch (err) {
            expect(err instanceof UnsetVariableError || /unterminated|invalid variable reference/.test((err as Error).message)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
