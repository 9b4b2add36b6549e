import { describe, expect, it } from 'vitest';
import { exitCodeOf, runtimeEnv, type Stopped } from '../../../src/supervise/exit-code.js';

describe('exit-status contract', () => {
  it.each<[string, Stopped, number]>([
    ['main exited 0', { reason: 'exit', main: { exitCode: 0 } }, 0],
    ['main exited 3', { reason: 'exit', main: { exitCode: 3 } }, 3],
    ['main exited 143 itself after TERM', { reason: 'signal', main: { exitCode: 143 } }, 143],
    ['main killed by SIGTERM', { reason: 'signal', main: { signal: 'SIGTERM' } }, 143],
    ['main killed by SIGKILL', { reason: 'signal', main: { signal: 'SIGKILL' } }, 137],
    ['main killed by SIGINT', { reason: 'signal', main: { signal: 'SIGINT' } }, 130],
    ['preStart failed: main never started', { reason: 'start-failed' }, 1],
    ['stop signal before main started', { reason: 'signal' }, 1],
    ['command not found', { reason: 'start-failed', spawnExitCode: 127 }, 127],
    ['command not executable', { reason: 'start-failed', spawnExitCode: 126 }, 126],
  ])('%s → %d', (_, stopped, code) => {
    expect(exitCodeOf(stopped)).toBe(code);
  });
});

describe('runtimeEnv', () => {
  it('gives postStop the reason and main status, empty where there is none', () => {
    expect(runtimeEnv('postStop', 42, { reason: 'signal', mainPid: 42, main: { signal: 'SIGKILL' } })).toEqual({
      HOOKVISOR_PHASE: 'postStop',
      HOOKVISOR_MAIN_PID: '42',
      HOOKVISOR_STOP_REASON: 'signal',
      HOOKVISOR_EXIT_CODE: '',
      HOOKVISOR_EXIT_SIGNAL: 'SIGKILL',
    });
    expect(runtimeEnv('preStart', undefined)).toEqual({ HOOKVISOR_PHASE: 'preStart' });
    expect(runtimeEnv('postStop', undefined, { reason: 'start-failed', spawnExitCode: 127 })).toMatchObject({
      HOOKVISOR_EXIT_CODE: '127',
      HOOKVISOR_EXIT_SIGNAL: '',
    });
  });
});
