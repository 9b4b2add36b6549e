import * as z from 'zod';
import { argv, duration, envMap, signal, user } from './schema-parts.js';
import { postStopTask, task } from './task-schema.js';

const exitStatus = z.int().min(0).max(255);

export const configSchema = z.strictObject({
  report: z
    .string()
    .min(1)
    .optional()
    .describe('Write a JSON stop report here after every stop (reason, main status, every task with its outcome and last lines), atomically. Default none.'),
  state: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A directory on a persistent volume, such as /var/lib/hookvisor. From the start of preStart until postStop has run, a record there says postStop is owed; a start that finds it (the last run was killed: OOM, SIGKILL, node failure) first runs postStop with HOOKVISOR_STOP_REASON=recovery. Default none.',
    ),
  version: z.literal(1, { error: 'only version 1 is supported' }).prefault(1).describe('Format version of the hooks file. Default 1.'),
  env: envMap.prefault({}).describe('Variables added to the environment of main and of every task. Default none.'),
  main: z
    .strictObject({
      command: argv.optional().describe('Program and arguments of main; COMMAND after `--` on the command line wins.'),
      user: user.optional().describe("Run main as this user (NAME, UID, NAME:GROUP, UID:GID), with its supplementary groups. Default: hookvisor's own."),
    })
    .optional()
    .describe('The main process. Optional when COMMAND is given after `--` on the command line.'),
  stop: z
    .strictObject({
      signals: z.array(signal).min(1).prefault(['SIGTERM', 'SIGINT']).describe('Received signals that start a graceful stop. Default [SIGTERM, SIGINT].'),
      forward: signal.optional().describe('Signal sent to main to stop it. Default: the one received.'),
      timeout: duration
        .optional()
        .describe(
          "Wait after forwarding before SIGKILL. Default 10s; 5s when postStop has tasks and no grace period is known, so that under Docker's 10s stop timeout postStop still gets its time.",
        ),
      group: z.boolean().prefault(true).describe("Deliver signals to main's whole process group. Default true."),
      escalation: z
        .array(
          z.strictObject({
            signal: signal.describe('The signal to send.'),
            after: duration.prefault(0).describe('When, from the first step. Default 0.'),
          }),
        )
        .min(1)
        .optional()
        .describe(
          "A ladder of signals that replaces forward and timeout, such as postgres' smart, fast and immediate shutdown: [{signal: SIGTERM}, {signal: SIGINT, after: 20s}, {signal: SIGQUIT, after: 25s}, {signal: SIGKILL, after: 30s}]. Each step goes to main's group and everything it left; the ladder stops once all is gone; without a SIGKILL step, SIGKILL follows the last step after stop.timeout. Default none.",
        ),
      gracePeriod: duration
        .optional()
        .describe(
          "Total time from the first stop signal to hookvisor's exit (the orchestrator's clock); postStop's worst case is reserved in it. Default none. Also --grace-period and HOOKVISOR_GRACE_PERIOD.",
        ),
    })
    .prefault({})
    .describe('How a stop is carried out.'),
  exit: z
    .strictObject({
      remap: z
        .record(z.string().regex(/^\d{1,3}$/, { error: 'keys are exit statuses 0-255' }), exitStatus)
        .prefault({})
        .describe("Map main's status to another, such as { 143: 0 } for a JVM that exits 143 on SIGTERM. Default none."),
    })
    .prefault({})
    .describe('What hookvisor exits with.'),
  hooks: z
    .strictObject({
      preStart: z.array(task).prefault([]).describe('Before main starts; a failure aborts the start (default onFailure: abort).'),
      postStart: z.array(task).prefault([]).describe('Right after main started, while it runs.'),
      preStop: z.array(task).prefault([]).describe('On a stop signal, before the signal is forwarded; main still runs.'),
      postStop: z.array(postStopTask).prefault([]).describe('After main and everything it started are gone.'),
    })
    .prefault({})
    .describe('Task lists per lifecycle phase. Each default empty.'),
  on: z
    .record(
      z.string(),
      z.strictObject({
        tasks: z.array(task).min(1).describe('Tasks run in order each time the signal arrives; one more arriving meanwhile is queued once.'),
        forward: z.boolean().prefault(true).describe('Forward the signal to main after the tasks. Default true.'),
      }),
    )
    .prefault({})
    .describe('Tasks run when a signal arrives (reload, log rotation), then the signal is forwarded unless forward: false. Default none.'),
});

export type Config = z.output<typeof configSchema>;
export type { PostStopTaskConfig, TaskConfig } from './task-schema.js';
