import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** podman's private state: its own storage, run root and containers.conf, apart from any other podman. */
export const PODMAN_HOME = process.env.HOOKVISOR_PODMAN_HOME ?? '/var/tmp/hookvisor-podman';
const CONF = join(PODMAN_HOME, 'containers.conf');
// What works on a machine like CI's: runc (crun fails on setrlimit and hybrid cgroups), cgroupfs, file events.
const CONF_TEXT = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${PODMAN_HOME}/events.log"
`;

function setup(): void {
  mkdirSync(PODMAN_HOME, { recursive: true });
  if (!existsSync(CONF)) writeFileSync(CONF, CONF_TEXT);
}

const ENV = { ...process.env, CONTAINERS_CONF: CONF };
const GLOBAL = ['--root', join(PODMAN_HOME, 'root'), '--runroot', join(PODMAN_HOME, 'runroot')];

export interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one podman command to its end. */
export function podman(args: readonly string[], stdin?: string): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn('podman', [...GLOBAL, ...args], { env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: stderr + err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Starts a podman command and returns the child, for `podman run` attached to its output. */
export function podmanSpawn(args: readonly string[], stdin: 'ignore' | 'pipe' = 'ignore') {
  return spawn('podman', [...GLOBAL, ...args], { env: ENV, stdio: [stdin, 'pipe', 'pipe'] });
}

/** The command line to run podman with the private configuration (for script(1) and the like). */
export const podmanArgv = (args: readonly string[]) => ({ argv: ['podman', ...GLOBAL, ...args], env: ENV });

function probe(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the container tier runs rootful podman';
  for (const tool of ['podman', 'runc']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  setup();
  const empty = join(PODMAN_HOME, 'probe-rootfs');
  mkdirSync(join(empty, 'usr'), { recursive: true });
  for (const d of ['bin', 'lib', 'lib64']) {
    try {
      symlinkSync(`usr/${d}`, join(empty, d));
    } catch {
      // made by an earlier run (a dangling link until /usr is mounted)
    }
  }
  const r = spawnSync('podman', [...GLOBAL, 'run', '--rm', '--network', 'none', '-v', '/usr:/usr:ro', '--rootfs', empty, 'true'], {
    env: ENV,
    encoding: 'utf8',
  });
  return r.status === 0 ? undefined : `podman run --rootfs does not work here: ${r.stderr.trim().split('\n').pop()}`;
}

/** Why containers cannot run here, or undefined when they can. In CI they must. */
export const NO_PODMAN = probe();
if (NO_PODMAN && process.env.CI) throw new Error(`container tests must run in CI, but ${NO_PODMAN}`);
if (NO_PODMAN) process.stderr.write(`skipping container tests: ${NO_PODMAN}\n`);
