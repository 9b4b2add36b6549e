import { z } from 'zod';
import { argv, duration, envMap, signal, user } from './schema-parts.js';
import { postStopTask, task } from './task-schema.js';

const exitStatus = z.int().min(0).max(255);

export const configSchema = z.strictObject({
  /** Format version of the hooks file. Default 1. */
  version: z.literal(1, { error: 'only version 1 is supported' }).prefault(1),
  /** Variables added to the environment of main and of every task. Default none. */
  env: envMap.prefault({}),
  /** The main process. Optional when COMMAND is given after `--` on the command line. */
  main: z
    .strictObject({
      /** Program and arguments of main; COMMAND after `--` on the command line wins. */
      command: argv.optional(),
      /** Run main as this user (NAME, UID, NAME:GROUP, UID:GID), with its supplementary groups. Default: hookvisor's own. */
      user: user.optional(),
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
      /** Total time from the first stop signal to hookvisor's exit (the orchestrator's clock); postStop's worst case is reserved in it. Default none. Also --grace-period and HOOKVISOR_GRACE_PERIOD. */
      gracePeriod: duration.optional(),
    })
    .prefault({}),
  /** What hookvisor exits with. */
  exit: z
    .strictObject({
      /** Map main's status to another, such as { 143: 0 } for a JVM that exits 143 on SIGTERM. Default none. */
      remap: z.record(z.string().regex(/^\d{1,3}$/, { error: 'keys are exit statuses 0-255' }), exitStatus).prefault({}),
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
  /** Tasks run when a signal arrives (reload, log rotation), then the signal is forwarded unless forward: false. Default none. */
  on: z
    .record(
      z.string(),
      z.strictObject({
        /** Tasks run in order each time the signal arrives; one more arriving meanwhile is queued once. */
        tasks: z.array(task).min(1),
        /** Forward the signal to main after the tasks. Default true. */
        forward: z.boolean().prefault(true),
      }),
    )
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type { PostStopTaskConfig, TaskConfig } from './task-schema.js';
