import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { UsageError } from '../../../src/errors/errors.js';

describe('parseArgs', () => {
  it('reads the contract forms', () => {
    expect(parseArgs(['--hooks', 'h.yaml', '--', 'ceph-osd', '-f'], {})).toEqual({
      command: 'run',
      hooks: 'h.yaml',
      logLevel: 'info',
      logFormat: 'json',
      gracePeriodMs: undefined,
      allowInsecureHooks: false,
      argv: ['ceph-osd', '-f'],
    });
    expect(parseArgs(['run', '--hooks=h.yaml', '--log-level', 'debug', '--log-format=pretty', '--', 'x'], {})).toMatchObject({
      command: 'run',
      hooks: 'h.yaml',
      logLevel: 'debug',
      logFormat: 'pretty',
      argv: ['x'],
    });
    expect(parseArgs(['dry-run', '--hooks', 'h.yaml'], {})).toMatchObject({ command: 'dry-run', argv: [] });
    expect(parseArgs(['--help'], {}).command).toBe('help');
    expect(parseArgs(['-V'], {}).command).toBe('version');
  });

  it('keeps options after COMMAND for COMMAND, with or without --', () => {
    expect(parseArgs(['--', 'sh', '--hooks', 'x'], {}).argv).toEqual(['sh', '--hooks', 'x']);
    expect(parseArgs(['sleep', '--help'], {})).toMatchObject({ command: 'run', argv: ['sleep', '--help'] });
  });

  it('takes defaults from the environment, flags win', () => {
    const env = { HOOKVISOR_HOOKS: 'env.yaml', HOOKVISOR_LOG_LEVEL: 'warn', HOOKVISOR_LOG_FORMAT: 'pretty' };
    expect(parseArgs(['--', 'x'], env)).toMatchObject({ hooks: 'env.yaml', logLevel: 'warn', logFormat: 'pretty' });
    expect(parseArgs(['--hooks', 'flag.yaml', '--log-level', 'error', '--', 'x'], env)).toMatchObject({ hooks: 'flag.yaml', logLevel: 'error' });
  });

  it.each([
    [['--nope'], /unknown option --nope/],
    [['--hooks'], /--hooks needs a value/],
    [['--log-level', 'loud'], /--log-level must be one of trace, debug, info, warn, error, fatal/],
    [['--log-format', 'xml'], /--log-format must be json or pretty/],
  ])('rejects %j', (args, message) => {
    expect(() => parseArgs(args, {})).toThrow(UsageError);
    expect(() => parseArgs(args, {})).toThrow(message);
  });

  it('rejects a bad level from the environment, naming the variable', () => {
    expect(() => parseArgs([], { HOOKVISOR_LOG_LEVEL: 'x' })).toThrow(/HOOKVISOR_LOG_LEVEL/);
  });
});
