// Bad hooks files through the CLI (issue 2, "Hooks file"): each exits 2 with one
// `hookvisor: FILE:LINE:COL: key.path: message` line per problem, no stack trace, and starts nothing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, readMarks, startHookvisor, tempDir, writeFile } from '../helpers/hookvisor.js';

afterEach(killLeftovers);

const MARK_SH = fixture('mark.sh');
/** Lines 1-3 of most files: a valid preStart task that would write a marker if anything ran. */
const PRE = `hooks:\n  preStart:\n    - run: [sh, ${MARK_SH}, preStart]\n`;
const UNSET = 'HOOKVISOR_TEST_UNSET_VAR';
const unsetMessage = `variable \${${UNSET}} is not set and has no default (write \${${UNSET}:-default})`;
const DURATION_HELP = 'use a number with ms, s, m or h (500ms, 10s, 2m, 1m30s) or a number of seconds';

/** 1-based column of `needle` on 1-based `line` of `text`. */
function colOf(text: string, line: number, needle: string): number {
  const col = text.split('\n')[line - 1]!.indexOf(needle);
  if (col < 0) throw new Error(`"${needle}" is not on line ${line}`);
  return col + 1;
}

interface Case {
  name: string;
  /** The hooks file text; undefined when `path` gives a file that is not a plain hooks file. */
  text?: string;
  /** Where the hooks file is, when not a file written from `text`. */
  path?: (dir: string) => string;
  /** Run without COMMAND after `--`, so that main.command is used. */
  fileCommand?: boolean;
  /** The expected stderr lines after "hookvisor: ", given the hooks file path and its text. */
  errors: (file: string, text: string) => string[];
}

const cases: Case[] = [
  {
    name: 'invalid YAML: a duplicate key',
    text: `${PRE}  preStart: []\n`,
    errors: (f) => [`${f}:4:3: invalid YAML: Map keys must be unique`],
  },
  {
    name: 'invalid YAML: a tab as indentation',
    text: `${PRE}\tpostStop: []\n`,
    errors: (f) => [`${f}:4:1: invalid YAML: Tabs are not allowed as indentation`],
  },
  {
    name: 'unknown key in a task',
    text: `${PRE}      bogus: 1\n`,
    errors: (f) => [`${f}:4:7: hooks.preStart[0].bogus: unknown key "bogus"`],
  },
  {
    name: 'unknown top-level key',
    text: `${PRE}stopp:\n  timeout: 1s\n`,
    errors: (f) => [`${f}:4:1: stopp: unknown key "stopp"`],
  },
  {
    name: 'two unknown keys: one line each',
    text: `${PRE}stop:\n  timout: 1s\n  grup: true\n`,
    errors: (f) => [`${f}:5:3: stop.timout: unknown key "timout"`, `${f}:6:3: stop.grup: unknown key "grup"`],
  },
  {
    name: 'when: outside postStop is an unknown key',
    text: `${PRE}      when: exit\n`,
    errors: (f) => [`${f}:4:7: hooks.preStart[0].when: unknown key "when"`],
  },
  {
    name: 'bad duration in stop.timeout',
    text: `${PRE}stop:\n  timeout: 10 sec\n`,
    errors: (f) => [`${f}:5:12: stop.timeout: invalid duration "10 sec": ${DURATION_HELP}`],
  },
  {
    name: 'bad duration in a task timeout',
    text: `${PRE}      timeout: 5x\n`,
    errors: (f) => [`${f}:4:16: hooks.preStart[0].timeout: invalid duration "5x": ${DURATION_HELP}`],
  },
  {
    name: 'unset variable in main.command',
    fileCommand: true,
    text: `${PRE}main:\n  command: [sh, ${MARK_SH}, "\${${UNSET}}"]\n`,
    errors: (f, t) => [`${f}:5:${colOf(t, 5, '"${')}: main.command[2]: ${unsetMessage}`],
  },
  {
    name: 'unset variable in a run argument',
    text: `${PRE}    - run: [echo, "a-\${${UNSET}}"]\n`,
    errors: (f, t) => [`${f}:4:${colOf(t, 4, '"a-')}: hooks.preStart[1].run[1]: ${unsetMessage}`],
  },
  {
    name: 'unset variable in a shell script',
    text: `${PRE}    - shell: 'echo \${${UNSET}}'\n`,
    errors: (f) => [`${f}:4:14: hooks.preStart[1].shell: ${unsetMessage}`],
  },
  {
    name: 'unset variable in cwd',
    text: `${PRE}      cwd: "/tmp/\${${UNSET}}"\n`,
    errors: (f) => [`${f}:4:12: hooks.preStart[0].cwd: ${unsetMessage}`],
  },
  {
    name: 'unset variables in env: values, of the file and of a task (both reported)',
    text: `${PRE}      env: { B: "x\${${UNSET}}" }\nenv:\n  A: "\${${UNSET}}"\n`,
    errors: (f) => [`${f}:6:6: env.A: ${unsetMessage}`, `${f}:4:17: hooks.preStart[0].env.B: ${unsetMessage}`],
  },
  {
    name: 'run and shell both given',
    text: `${PRE}    - run: [echo]\n      shell: echo\n`,
    errors: (f) => [
      `${f}:4:7: hooks.preStart[1]: a task needs exactly one of run (argv list), shell (command string), sleep, http, waitFor, unmount, cryptClose or detachLoop; it has run and shell`,
    ],
  },
  {
    name: 'neither run nor shell given',
    text: `${PRE}    - name: nothing to do\n`,
    errors: (f) => [
      `${f}:4:7: hooks.preStart[1]: a task needs exactly one of run (argv list), shell (command string), sleep, http, waitFor, unmount, cryptClose or detachLoop`,
    ],
  },
  {
    name: 'an http URL with a password (fetch refuses it, and it would show in dry-run and the logs)',
    text: `${PRE}    - http: { url: "http://admin:s3cret@127.0.0.1:8080/drain" }\n`,
    errors: (f) => [
      `${f}:4:20: hooks.preStart[1].http.url: a URL cannot carry a user or password: send them as a header, such as Authorization: "Basic \${CREDENTIALS}"`,
    ],
  },
  {
    name: 'unknown signal',
    text: `${PRE}stop:\n  signals: [SIGTERM, SIGFOO]\n`,
    errors: (f) => [`${f}:5:22: stop.signals[1]: unknown signal "SIGFOO"`],
  },
  {
    name: 'unsupported version',
    text: `version: 2\n${PRE}`,
    errors: (f) => [`${f}:1:10: version: only version 1 is supported`],
  },
  {
    name: 'a list instead of a mapping',
    text: `- run: [sh, ${MARK_SH}, preStart]\n`,
    errors: (f) => [`${f}:1:1: the hooks file must be a mapping of keys (version, env, main, stop, hooks)`],
  },
  {
    name: 'missing file',
    path: (dir) => join(dir, 'no-such-hooks.yaml'),
    errors: (f) => [`${f}: the hooks file does not exist`],
  },
  {
    name: 'a directory',
    path: (dir) => {
      const sub = join(dir, 'hooks.d');
      mkdirSync(sub);
      return sub;
    },
    errors: (f) => [`${f}: the hooks file is a directory, not a hooks file`],
  },
  {
    name: 'empty file',
    text: '',
    errors: (f) => [`${f}: the hooks file is empty (write at least "version: 1")`],
  },
  {
    name: 'file of blank lines and comments only',
    text: '\n# nothing here\n\n',
    errors: (f) => [`${f}:1:1: the hooks file must be a mapping of keys (version, env, main, stop, hooks)`],
  },
];

describe('config errors through the CLI', () => {
  it.each(cases)('$name → exit 2, a positioned message, nothing started', async (c) => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = join(dir, 'marks');
      const file = c.path ? c.path(dir) : writeFile(dir, 'hooks.yaml', c.text!);
      // main would write a marker too; so would the preStart task of most files.
      const command = c.fileCommand ? [] : ['--', 'sh', MARK_SH, 'main'];
      const hv = startHookvisor(['--hooks', file, ...command], { env: { MARK: mark, [UNSET]: undefined } });
      const exit = await hv.exited;
      expect(exit).toEqual({ code: 2, signal: null });
      expect(hv.stderr).toBe(
        c
          .errors(file, c.text ?? '')
          .map((e) => `hookvisor: ${e}\n`)
          .join(''),
      );
      expect(hv.stderr).not.toMatch(/^\s+at /m);
      expect(hv.stdout).toBe('');
      expect(readMarks(mark)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('the same errors come from dry-run, with exit 2', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = writeFile(dir, 'hooks.yaml', `${PRE}      bogus: 1\n`);
      const hv = startHookvisor(['dry-run', '--hooks', file]);
      expect(await hv.exited).toEqual({ code: 2, signal: null });
      expect(hv.stderr).toBe(`hookvisor: ${file}:4:7: hooks.preStart[0].bogus: unknown key "bogus"\n`);
      expect(hv.stdout).toBe('');
    } finally {
      cleanup();
    }
  });

  it('a file given through HOOKVISOR_HOOKS is checked the same way', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const mark = join(dir, 'marks');
      const file = writeFile(dir, 'hooks.yaml', `${PRE}stop:\n  timeout: soon\n`);
      const hv = startHookvisor(['--', 'sh', MARK_SH, 'main'], { env: { MARK: mark, HOOKVISOR_HOOKS: file } });
      expect(await hv.exited).toEqual({ code: 2, signal: null });
      expect(hv.stderr).toBe(`hookvisor: ${file}:5:12: stop.timeout: invalid duration "soon": ${DURATION_HELP}\n`);
      expect(readMarks(mark)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
