import { describe, expect, it } from 'vitest';
import { displayArg, expand, partialExpand, referencedVariables, UnsetVariableError } from '../../../src/config/expand.js';

const env: Record<string, string> = { A: 'alpha', EMPTY: '', EVIL: '; rm -rf / $(id) ${A}', DOLLAR: 'a$b' };
const lookup = (n: string) => env[n];

describe('expand', () => {
  it.each([
    ['plain', 'plain'],
    ['${A}', 'alpha'],
    ['x-${A}-y', 'x-alpha-y'],
    ['${MISSING:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${A:-dflt}', 'alpha'],
    ['${EMPTY}', ''],
    ['$$', '$'],
    ['$${A}', '${A}'],
    ['cost $5', 'cost $5'],
    ['$A', '$A'],
    ['${EVIL}', '; rm -rf / $(id) ${A}'],
  ])('%j becomes %j', (input, output) => {
    expect(expand(input, lookup)).toBe(output);
  });

  it('names the unset variable', () => {
    expect(() => expand('x ${NOPE} y', lookup)).toThrow(UnsetVariableError);
    expect(() => expand('${NOPE}', lookup)).toThrow(/\$\{NOPE\} is not set/);
  });

  it.each(['${', '${A', '${1X}', '${A B}'])('rejects malformed %j', (input) => {
    expect(() => expand(input, lookup)).toThrow(/unterminated|invalid variable reference/);
  });
});

describe('partialExpand', () => {
  const deferred = new Set(['LATER']);

  it('keeps deferred references and escapes literal dollars so a second pass reads only them', () => {
    const template = partialExpand('${A}:${LATER}:${DOLLAR}:$${LATER}', lookup, deferred);
    expect(template).toBe('alpha:${LATER}:a$$b:$${LATER}');
    expect(expand(template, (n) => (n === 'LATER' ? 'now' : undefined))).toBe('alpha:now:a$b:${LATER}');
    expect(displayArg(template)).toBe('alpha:${LATER}:a$b:${LATER}');
  });

  it('never lets a value become a reference', () => {
    const template = partialExpand('${EVIL}', lookup, deferred);
    expect(expand(template, () => 'X')).toBe(env.EVIL);
  });
});

describe('referencedVariables', () => {
  it('finds bare and defaulted references, not escaped ones', () => {
    expect(referencedVariables('echo ${A} ${B:-x} $${C} ${#D} $E')).toEqual([
      { name: 'A', hasDefault: false },
      { name: 'B', hasDefault: true },
    ]);
  });
});
