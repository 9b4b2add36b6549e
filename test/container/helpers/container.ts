import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, type LogRecord, parseEvents, readMarks } from '../../helpers/hookvisor.js';
import { watchOutput } from '../../helpers/watch-output.js';
import { type Done, podman, podmanSpawn } from './podman.js';
import type { Rootfs } from './rootfs.js';

export interface CtrSpec {
  rootfs: Rootfs;
  /** The hooks file's text, mounted at /t/hooks.yaml; none: hookvisor as a plain init. */
  hooks?: string;
  /** main: what follows `--`; [] for the hooks file's main.command. */
  command: string[];
  /** hookvisor's subcommand; default run. */
  verb?: 'run' | 'dry-run';
  /** More hookvisor options, before `--`. */
  hvArgs?: string[];
  /** More `podman run` options (--stop-signal, --cap-add, --init, --read-only...). */
  run?: string[];
  env?: Record<string, string>;
  /** Files written into /t (the test's directory, a volume) before the start. */
  files?: Record<string, string>;
  /** An existing directory to use as /t (a volume shared by two containers). */
  dir?: string;
}

/** A container running hookvisor as its exec-form ENTRYPOINT, attached (`podman run` without -d). */
export interface Ctr {
  name: string;
  /** The host directory mounted at /t. */
  dir: string;
  readonly stdout: string;
  readonly stderr: string;
  /** `podman run`'s own exit: the container's exit code. */
  exited: Promise<number | null>;
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<void>;
  waitForEvent(pred: (e: LogRecord) => boolean, ms?: number): Promise<LogRecord>;
  events(): LogRecord[];
  /** Lines the fixtures appended to /t/marks. */
  marks(): string[];
  exec(argv: string[]): Promise<Done>;
}

const started: { name: string; dir?: string }[] = [];
let count = 0;

/** The `podman run` arguments of a spec (for the detached and terminal variants too). */
export function runArgs(spec: CtrSpec, name: string, dir: string): string[] {
  const env = Object.entries({ HOOKVISOR_LOG_LEVEL: 'debug', MARK: '/t/marks', ...spec.env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const hooks = spec.hooks === undefined ? [] : ['--hooks', '/t/hooks.yaml'];
  // --rootfs is a flag: the rootfs path is the first positional argument, so it comes last.
  return [
    'run',
    '--name',
    name,
    '--network',
    'none',
    ...spec.rootfs.mounts,
    '-v',
    `${dir}:/t`,
    '-v',
    `${FIXTURES}:/fixtures:ro`,
    ...env,
    ...(spec.run ?? []),
    '--rootfs',
    `${spec.rootfs.dir}:O`,
    ...spec.rootfs.hookvisor,
    ...(spec.verb ? [spec.verb] : []),
    ...hooks,
    ...(spec.hvArgs ?? []),
    ...(spec.command.length ? ['--', ...spec.command] : []),
  ];
}

/** A fresh name and /t directory with the spec's files; both cleaned up by removeContainers. */
export function prepare(spec: CtrSpec): { name: string; dir: string } {
  // Random as well: test files in worker threads would share a pid and each count from 1.
  const name = `hv-test-${process.pid}-${++count}-${randomBytes(3).toString('hex')}`;
  const dir = spec.dir ?? mkdtempSync('/var/tmp/hookvisor-ctr-');
  if (spec.hooks !== undefined) writeFileSync(join(dir, 'hooks.yaml'), spec.hooks);
  for (const [f, text] of Object.entries(spec.files ?? {})) writeFileSync(join(dir, f), text, { mode: 0o755 });
  started.push({ name, dir: spec.dir ? undefined : dir });
  return { name, dir };
}

export function startContainer(spec: CtrSpec): Ctr {
  const { name, dir } = prepare(spec);
  const child = podmanSpawn(runArgs(spec, name, dir));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const watched = watchOutput(child, exited, 'the container', 15_000);
  return {
    name,
    dir,
    get stdout() {
      return watched.stdout;
    },
    get stderr() {
      return watched.stderr;
    },
    exited,
    waitFor: watched.waitFor,
    waitForEvent: watched.waitForEvent,
    events: () => parseEvents(watched.stderr),
    marks: () => readMarks(join(dir, 'marks')),
    exec: (argv) => podman(['exec', name, ...argv]),
  };
}

/** For afterEach: removes every container this file started (SIGKILL first) and their directories. */
export async function removeContainers(): Promise<void> {
  const all = started.splice(0);
  if (all.length) await podman(['rm', '--force', '--time', '0', '--ignore', ...all.map((c) => c.name)]);
  for (const c of all) if (c.dir) rmSync(c.dir, { recursive: true, force: true });
}

/** Event names in order, for asserting the lifecycle. */
export const eventNames = (events: readonly LogRecord[]) => events.map((e) => e.event);
