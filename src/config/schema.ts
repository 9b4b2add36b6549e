import { z } from 'zod';
import { parseDuration } from './duration.js';
import { normalizeSignal, type SignalName } from '../signals/names.js';

/** A duration: "500ms", "10s", "2m", "1m30s", or a number of seconds. Parsed to milliseconds. */
const duration = z
  .union([z.number(), z.string()], { error: 'expected a duration such as 500ms, 10s, 2m or a number of seconds' })
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** YAML turns `0` and `true` into numbers and booleans; in argv and env they mean their text. */
const text = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string' })
  .transform(String);

const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'environment variable names are letters, digits and _' }),
  text,
);

const argv = z.array(text, { error: 'expected a list of arguments, such as [umount, /mnt/data]' }).min(1, {
  error: 'the command needs at least the program name',
});

const signal = z.string({ error: 'expected a signal name such as SIGTERM' }).transform((value, ctx): SignalName => {
  const name = normalizeSignal(value);
  if (!name) {
    ctx.addIssue({ code: 'custom', message: `unknown signal "${value}"` });
    return z.NEVER;
  }
  return name;
});

const taskFields = {
  /** Name shown in logs and dry-run. Default: the command text. */
  name: z.string().min(1).optional(),
  /** Program and arguments, run directly without a shell. Exactly one of run and shell. */
  run: argv.optional(),
  /** One command line run with /bin/sh -c. Exactly one of run and shell. */
  shell: z.string().min(1).optional(),
  /** Time limit; on expiry the task's whole process group is killed with SIGKILL. Default 30s. */
  timeout: duration.prefault('30s'),
  /** What a failure does: abort skips the rest of the phase (in preStart main never starts). Default: abort in preStart, continue elsewhere. */
  onFailure: z.enum(['continue', 'abort']).optional(),
  /** Extra environment for this task, on top of the file's env. Default none. */
  env: envMap.prefault({}),
  /** Working directory of the task. Default: hookvisor's own. */
  cwd: z.string().min(1).optional(),
};

function exactlyOneCommand(task: { run?: unknown; shell?: unknown }, ctx: z.RefinementCtx): void {
  if ((task.run === undefined) === (task.shell === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'a task needs exactly one of run (argv list) or shell (command string)' });
  }
}

const task = z.strictObject(taskFields).superRefine(exactlyOneCommand);

const postStopTask = z
  .strictObject({
    ...taskFields,
    /** When the task runs: always, only after a stop signal (signal), or only when main ended by itself (exit). Default always. */
    when: z.enum(['always', 'signal', 'exit']).prefault('always'),
  })
  .superRefine(exactlyOneCommand);

export const configSchema = z.strictObject({
  /** Format version of the hooks file. Default 1. */
  version: z.literal(1, { error: 'only version 1 is supported' }).prefault(1),
  /** Variables added to the environment of main and of every task. Default none. */
  env: envMap.prefault({}),
  /** The main process. Optional when COMMAND is given after `--` on the command line, which wins. */
  main: z
    .strictObject({
      /** Program and arguments of main. */
      command: argv,
    })
    .optional(),
  /** How a stop is carried out. */
  stop: z
    .strictObject({
      /** Received signals that start a graceful stop. Default [SIGTERM, SIGINT]. */
      signals: z.array(signal).min(1).prefault(['SIGTERM', 'SIGINT']),
      /** Signal sent to main to stop it. Default: the one received. */
      forward: signal.optional(),
      /** Wait after forwarding before SIGKILL. Default 10s. */
      timeout: duration.prefault('10s'),
      /** Deliver signals to main's whole process group. Default true. */
      group: z.boolean().prefault(true),
    })
    .prefault({}),
  /** Task lists per lifecycle phase. Each default empty. */
  hooks: z
    .strictObject({
      /** Before main starts; a failure aborts the start (default onFailure: abort). */
      preStart: z.array(task).prefault([]),
      /** Right after main started, while it runs. */
      postStart: z.array(task).prefault([]),
      /** On a stop signal, before the signal is forwarded; main still runs. */
      preStop: z.array(task).prefault([]),
      /** After main and everything it started are gone. */
      postStop: z.array(postStopTask).prefault([]),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type TaskConfig = z.output<typeof task>;
export type PostStopTaskConfig = z.output<typeof postStopTask>;
