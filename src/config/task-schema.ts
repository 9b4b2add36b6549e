import { z } from 'zod';
import { argv, duration, envMap, text, user } from './schema-parts.js';

const http = z.strictObject({
  /** The URL to call, such as http://127.0.0.1:8080/drain. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** Default GET. */
  method: z.string().regex(/^[A-Za-z]+$/).prefault('GET').transform((m) => m.toUpperCase()),
  /** Request headers. Default none. Values are never logged. */
  headers: z.record(z.string(), text).prefault({}),
  /** Request body. Default none. */
  body: z.string().optional(),
  /** Status or statuses that count as success. Default any 2xx. */
  expectStatus: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional(),
});

const waitFor = z
  .strictObject({
    /** A TCP port to watch. Exactly one of port and path. */
    port: z.int().min(1).max(65535).optional(),
    /** Host of the port. Default 127.0.0.1. */
    host: z.string().min(1).prefault('127.0.0.1'),
    /** A path to watch. Exactly one of port and path. */
    path: z.string().min(1).optional(),
    /** What to wait for: a port open or closed, a path exists or gone. Default closed for a port, gone for a path. */
    state: z.enum(['open', 'closed', 'exists', 'gone']).optional(),
    /** How often to look. Default 100ms. */
    interval: duration.prefault('100ms'),
  })
  .superRefine((w, ctx) => {
    if ((w.port === undefined) === (w.path === undefined)) ctx.addIssue({ code: 'custom', message: 'waitFor needs exactly one of port or path' });
    const portState = w.state === undefined || w.state === 'open' || w.state === 'closed';
    if (w.port !== undefined && !portState) ctx.addIssue({ code: 'custom', path: ['state'], message: 'a port is open or closed' });
    if (w.path !== undefined && portState && w.state !== undefined) ctx.addIssue({ code: 'custom', path: ['state'], message: 'a path exists or is gone' });
  });

export const KINDS = ['run', 'shell', 'sleep', 'http', 'waitFor'] as const;

export const taskFields = {
  /** Name shown in logs and dry-run. Default: the command text. */
  name: z.string().min(1).optional(),
  /** Program and arguments, run directly without a shell. One of run, shell, sleep, http, waitFor. */
  run: argv.optional(),
  /** One command line run with /bin/sh -c. */
  shell: z.string().min(1).optional(),
  /** Pause, as Kubernetes' preStop sleep action does (let load balancers stop sending traffic). */
  sleep: duration.optional(),
  /** Call a drain or shutdown endpoint, as Kubernetes' httpGet hook does. */
  http: http.optional(),
  /** Wait until a TCP port is closed or open, or a path exists or is gone. */
  waitFor: waitFor.optional(),
  /** Time limit of one attempt; run and shell tasks' process groups are SIGKILLed at it. Default 30s; a sleep's own length. */
  timeout: duration.optional(),
  /** Attempts after a failed one. Default 0. */
  retries: z.int().min(0).max(100).prefault(0),
  /** Pause between attempts. Default 1s. */
  retryDelay: duration.prefault('1s'),
  /** What a failure does: abort skips the rest of the phase (in preStart main never starts). Default: abort in preStart, continue elsewhere. */
  onFailure: z.enum(['continue', 'abort']).optional(),
  /** Extra environment for this task, on top of the file's env. Default none. */
  env: envMap.prefault({}),
  /** Working directory of a run or shell task. Default: hookvisor's own. */
  cwd: z.string().min(1).optional(),
  /** Run a run or shell task as this user (NAME, UID, NAME:GROUP, UID:GID). Default: hookvisor's own (root). */
  user: user.optional(),
};

function oneKind(task: Partial<Record<(typeof KINDS)[number] | 'cwd' | 'user', unknown>>, ctx: z.RefinementCtx): void {
  const kinds = KINDS.filter((k) => task[k] !== undefined);
  if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a task needs exactly one of run (argv list), shell (command string), sleep, http or waitFor${kinds.length > 1 ? `; it has ${kinds.join(' and ')}` : ''}` });
  const processKind = task.run !== undefined || task.shell !== undefined;
  for (const key of ['cwd', 'user'] as const) {
    if (task[key] !== undefined && kinds.length === 1 && !processKind) ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies only to run and shell tasks` });
  }
}

export const task = z.strictObject(taskFields).superRefine(oneKind);

export const postStopTask = z
  .strictObject({
    ...taskFields,
    /** When it runs: always; after a stop signal (signal); when main ended by itself (exit); when main's status is non-zero (failure) or zero (success). Default always. */
    when: z.enum(['always', 'signal', 'exit', 'failure', 'success']).prefault('always'),
  })
  .superRefine(oneKind);

export type TaskConfig = z.output<typeof task>;
export type PostStopTaskConfig = z.output<typeof postStopTask>;
