import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '../../../src/config/load.js';
import { ConfigError, type ConfigIssue } from '../../../src/errors/errors.js';
import { tempDir } from '../../helpers/hookvisor.js';

function issuesOf(text: string): ConfigIssue[] {
  try {
    loadConfigText('hooks.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfigText', () => {
  it('fills every default', () => {
    const { config } = loadConfigText('h.yaml', 'version: 1\n');
    expect(config).toEqual({
      version: 1,
      env: {},
      // stop.timeout's default depends on postStop and the grace period: the plan fills it in.
      stop: { signals: ['SIGTERM', 'SIGINT'], group: true },
      exit: { remap: {} },
      hooks: { preStart: [], postStart: [], preStop: [], postStop: [] },
      on: {},
    });
  });

  it('reads tasks with their defaults and coerces YAML numbers to text', () => {
    const { config } = loadConfigText(
      'h.yaml',
      'env: { OSD_ID: 0 }\nmain: { command: [sleep, 5] }\nstop: { forward: int, timeout: 500ms }\nhooks:\n  postStop:\n    - run: [umount, /mnt]\n',
    );
    expect(config.env).toEqual({ OSD_ID: '0' });
    expect(config.main?.command).toEqual(['sleep', '5']);
    expect(config.stop.forward).toBe('SIGINT');
    expect(config.stop.timeout).toBe(500);
    expect(config.hooks.postStop[0]).toEqual({ run: ['umount', '/mnt'], retries: 0, retryDelay: 1000, env: {}, when: 'always' });
  });

  it('points an unknown key at its own line and column', () => {
    expect(issuesOf('version: 1\nhooks:\n  preStop:\n    - run: [a]\n      tmeout: 5s\n')).toEqual([
      { path: 'hooks.preStop[0].tmeout', message: 'unknown key "tmeout"', line: 5, column: 7 },
    ]);
  });

  it('points a bad duration at its value', () => {
    expect(issuesOf('stop:\n  timeout: 10x\n')).toEqual([
      expect.objectContaining({ path: 'stop.timeout', line: 2, column: 12, message: expect.stringMatching(/invalid duration "10x"/) }),
    ]);
  });

  it('reports invalid YAML with its position', () => {
    const [issue] = issuesOf('hooks:\n  preStart: [\n');
    expect(issue).toMatchObject({ path: '', line: expect.any(Number), message: expect.stringMatching(/^invalid YAML/) });
  });

  it('rejects a task with both run and shell, and one with neither', () => {
    const issues = issuesOf('hooks:\n  preStart:\n    - { run: [a], shell: b }\n    - { timeout: 1s }\n');
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['hooks.preStart[0]', 3],
      ['hooks.preStart[1]', 4],
    ]);
    expect(issues[0]!.message).toMatch(/exactly one of run/);
  });

  it('rejects `when` outside postStop, unknown signals and other versions', () => {
    const issues = issuesOf('version: 2\nstop: { signals: [SIGNOPE] }\nhooks:\n  preStop:\n    - { run: [a], when: exit }\n');
    expect(issues.map((i) => i.path).sort()).toEqual(['hooks.preStop[0].when', 'stop.signals[0]', 'version']);
  });

  it('rejects an empty file, a list and a duplicate key', () => {
    expect(issuesOf('  \n')[0]!.message).toMatch(/empty/);
    expect(issuesOf('- a\n')[0]!.message).toMatch(/must be a mapping/);
    expect(issuesOf('env: {}\nenv: {}\n')[0]).toMatchObject({ line: 2, message: expect.stringMatching(/unique|duplicate/i) });
  });

  it('points an alias to an unknown anchor at the alias', () => {
    expect(issuesOf('version: 1\nenv: *nope\n')[0]).toMatchObject({ line: 2, column: 6, message: expect.stringMatching(/^invalid YAML: .*nope/) });
  });

  it('stops an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(issuesOf(`${bomb}\n`)[0]!.message).toMatch(/invalid YAML: .*alias/i);
  });
});

describe('scalars where text is meant', () => {
  it('are their text as written: no number or boolean reading of YAML changes them', () => {
    const written = ['007', '1.10', '12345678901234567890', '0x1F', '1e3', 'True', '-0', '+12', '0o17', 'NO'];
    const list = written.join(', ');
    const env = written.map((w, i) => `V${i}: ${w}`).join(', ');
    const { config } = loadConfigText(
      'h.yaml',
      `env: { ${env} }\nmain: { command: [x, ${list}] }\nhooks:\n  preStop:\n    - { run: [x, ${list}], env: { ${env} } }\n    - http: { url: "http://h/", headers: { X-Id: 007 } }\non:\n  SIGHUP: { tasks: [{ run: [x, 1.10] }] }\n`,
    );
    const asEnv = Object.fromEntries(written.map((w, i) => [`V${i}`, w]));
    expect(config.env).toEqual(asEnv);
    expect(config.main?.command).toEqual(['x', ...written]);
    expect(config.hooks.preStop[0]).toMatchObject({ run: ['x', ...written], env: asEnv });
    expect(config.hooks.preStop[1]!.http!.headers).toEqual({ 'X-Id': '007' });
    expect(config.on.SIGHUP!.tasks[0]!.run).toEqual(['x', '1.10']);
    // Infinity was no number zod takes either.
    expect(loadConfigText('h.yaml', 'env: { A: .inf }\n').config.env).toEqual({ A: '.inf' });
    // Elsewhere numbers stay numbers.
    expect(loadConfigText('h.yaml', 'stop: { timeout: 1.5 }\nhooks:\n  postStop:\n    - { run: [x], retries: 02 }\n').config.hooks.postStop[0]!.retries).toBe(
      2,
    );
  });
});

describe('loadConfigFile', () => {
  it('names a missing file, a directory and binary data', () => {
    const { dir, cleanup } = tempDir();
    try {
      const messages = (file: string) => {
        try {
          loadConfigFile(file);
        } catch (err) {
          return (err as ConfigError).issues[0]!.message;
        }
        return 'loaded';
      };
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x76, 0, 0x31]));
      expect(messages(join(dir, 'nope.yaml'))).toBe('the hooks file does not exist');
      expect(messages(join(dir, 'sub'))).toBe('the hooks file is a directory, not a hooks file');
      expect(messages(join(dir, 'bin.yaml'))).toMatch(/binary data/);
    } finally {
      cleanup();
    }
  });
});
