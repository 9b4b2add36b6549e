import * as z from 'zod';
import { argv, duration, envMap, text, user } from './schema-parts.js';

const http = z.strictObject({
  url: z
    .string()
    .regex(/^(https?:\/\/|\$\{)/i, { error: 'expected an http:// or https:// URL' })
    .describe('The URL to call, such as http://127.0.0.1:8080/drain; ${VAR} is expanded, and the whole is checked; no user or password in it (use a header).'),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/)
    .prefault('GET')
    .transform((m) => m.toUpperCase())
    .describe('Default GET.'),
  headers: z.record(z.string(), text).prefault({}).describe('Request headers, ${VAR} expanded in their values. Default none. Values are never logged.'),
  body: z.string().optional().describe('Request body, ${VAR} expanded. Default none.'),
  expectStatus: z
    .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)])
    .optional()
    .describe('Status or statuses that count as success. Default any 2xx.'),
});

const waitFor = z
  .strictObject({
    port: z.int().min(1).max(65535).optional().describe('A TCP port to watch. Exactly one of port and path.'),
    host: z.string().min(1).prefault('127.0.0.1').describe('Host of the port. Default 127.0.0.1.'),
    path: z.string().min(1).optional().describe('A path to watch. Exactly one of port and path.'),
    state: z
      .enum(['open', 'closed', 'exists', 'gone'])
      .optional()
      .describe('What to wait for: a port open or closed, a path exists or gone. Default closed for a port, gone for a path.'),
    interval: duration.prefault('100ms').describe('How often to look. Default 100ms.'),
  })
  .superRefine((w, ctx) => {
    if ((w.port === undefined) === (w.path === undefined)) ctx.addIssue({ code: 'custom', message: 'waitFor needs exactly one of port or path' });
    const portState = w.state === undefined || w.state === 'open' || w.state === 'closed';
    if (w.port !== undefined && !portState) ctx.addIssue({ code: 'custom', path: ['state'], message: 'a port is open or closed' });
    if (w.path !== undefined && portState && w.state !== undefined) ctx.addIssue({ code: 'custom', path: ['state'], message: 'a path exists or is gone' });
  });

export const KINDS = ['run', 'shell', 'sleep', 'http', 'waitFor', 'unmount', 'cryptClose', 'detachLoop'] as const;

export const taskFields = {
  name: z.string().min(1).optional().describe('Name shown in logs and dry-run. Default: the command text.'),
  run: argv.optional().describe('Program and arguments, run directly without a shell. One of run, shell, sleep, http, waitFor.'),
  shell: z.string().min(1).optional().describe('One command line run with /bin/sh -c.'),
  sleep: duration.optional().describe("Pause, as Kubernetes' preStop sleep action does (let load balancers stop sending traffic)."),
  http: http.optional().describe("Call a drain or shutdown endpoint, as Kubernetes' httpGet hook does."),
  waitFor: waitFor.optional().describe('Wait until a TCP port is closed or open, or a path exists or is gone.'),
  unmount: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Unmount this path if it is a mount point (nothing to do otherwise); while it is busy, log who holds it and retry until the timeout; verify it is gone.',
    ),
  cryptClose: z
    .string()
    .regex(/^(?:[^/\s]+|[/$]\S*)$/, { error: 'a dm-crypt mapping name, such as osd-data, or its device path, such as /dev/mapper/osd-data' })
    .optional()
    .describe(
      'Run cryptsetup close on a mapping, by name (when /dev/mapper/NAME exists) or by its device path (when that exists); nothing to do otherwise; retried while busy; verified gone.',
    ),
  detachLoop: z
    .string()
    .min(1)
    .optional()
    .describe('Detach a loop device (/dev/loopN), or every loop device backed by this file; nothing to do when none is attached; verified.'),
  lazy: z.boolean().optional().describe('With unmount: detach lazily (umount -l) when the timeout is near, as an explicit last resort. Default false.'),
  timeout: duration
    .optional()
    .describe("Time limit of one attempt; run and shell tasks' process groups are SIGKILLed at it. Default 30s; a sleep's own length."),
  retries: z.int().min(0).max(100).prefault(0).describe('Attempts after a failed one. Default 0.'),
  retryDelay: duration.prefault('1s').describe('Pause between attempts. Default 1s.'),
  onFailure: z
    .enum(['continue', 'abort'])
    .optional()
    .describe('What a failure does: abort skips the rest of the phase (in preStart main never starts). Default: abort in preStart, continue elsewhere.'),
  env: envMap.prefault({}).describe("Extra environment for this task, on top of the file's env. Default none."),
  cwd: z.string().min(1).optional().describe("Working directory of a run or shell task. Default: hookvisor's own."),
  user: user.optional().describe("Run a run or shell task as this user (NAME, UID, NAME:GROUP, UID:GID). Default: hookvisor's own (root)."),
};

function oneKind(task: Partial<Record<(typeof KINDS)[number] | 'cwd' | 'user' | 'lazy', unknown>>, ctx: z.RefinementCtx): void {
  const kinds = KINDS.filter((k) => task[k] !== undefined);
  if (kinds.length !== 1)
    ctx.addIssue({
      code: 'custom',
      message: `a task needs exactly one of run (argv list), shell (command string), sleep, http, waitFor, unmount, cryptClose or detachLoop${kinds.length > 1 ? `; it has ${kinds.join(' and ')}` : ''}`,
    });
  const processKind = task.run !== undefined || task.shell !== undefined;
  if (task.lazy !== undefined && task.unmount === undefined) ctx.addIssue({ code: 'custom', path: ['lazy'], message: 'lazy applies only to unmount tasks' });
  for (const key of ['cwd', 'user'] as const) {
    if (task[key] !== undefined && kinds.length === 1 && !processKind)
      ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies only to run and shell tasks` });
  }
}

export const task = z.strictObject(taskFields).superRefine(oneKind);

export const postStopTask = z
  .strictObject({
    ...taskFields,
    when: z
      .enum(['always', 'signal', 'exit', 'failure', 'success', 'recovery'])
      .prefault('always')
      .describe(
        "When it runs: always; after a stop signal (signal); when main ended by itself (exit); when main's status is non-zero (failure) or zero (success); only when a start finishes the postStop of a run that was killed (recovery, which also runs failure tasks). Default always.",
      ),
  })
  .superRefine(oneKind);

export type TaskConfig = z.output<typeof task>;
export type PostStopTaskConfig = z.output<typeof postStopTask>;
