import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Hv, type StartOptions, startHookvisor } from './hookvisor.js';

function probe(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: unshare --pid needs root';
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount', '--mount-proc', 'true'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `unshare --pid --fork --mount-proc does not work here: ${r.error?.message ?? r.stderr.trim()}`;
  return undefined;
}

/** Why PID-namespace tests cannot run here, or undefined when they can. In CI they must run. */
export const NO_UNSHARE = probe();
if (NO_UNSHARE && process.env.CI) throw new Error(`PID 1 tests must run in CI, but ${NO_UNSHARE}`);
if (NO_UNSHARE) process.stderr.write(`skipping PID 1 tests: ${NO_UNSHARE}\n`);

export interface Pid1Hv extends Hv {
  /** hookvisor's pid as seen from here (it is 1 inside its namespace). */
  hostPid(): number;
  /** Sends a signal to hookvisor itself, not to the unshare process in front of it. */
  signalPid1(sig: NodeJS.Signals): void;
}

const started = new Set<Pid1Hv>();

export interface Pid1Options extends StartOptions {
  /**
   * Start from inside this mount namespace (`nsenter --mount=PATH`) and keep its propagation, so that mounts
   * on its shared mount points outlive hookvisor's namespace, as a volume with Bidirectional propagation does.
   */
  mountNamespace?: string;
  /** false: no --mount-proc, so /proc stays this machine's (as in some sandboxes). */
  ownProc?: boolean;
}

/** Runs hookvisor as PID 1 of a fresh PID (and mount) namespace. */
export function startAsPid1(args: readonly string[], opts: Pid1Options = {}): Pid1Hv {
  const unshare = opts.ownProc === false ? ['unshare', '--pid', '--fork'] : ['unshare', '--pid', '--fork', '--mount', '--mount-proc'];
  const prefix = opts.mountNamespace ? ['nsenter', `--mount=${opts.mountNamespace}`, ...unshare, '--propagation', 'unchanged'] : unshare;
  const hv = startHookvisor(args, { ...opts, prefix });
  const hostPid = () => {
    const unsharePid = hv.child.pid!;
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
    if (!children) throw new Error('hookvisor has not started inside the namespace yet');
    return Number(children.split(' ')[0]);
  };
  const pid1: Pid1Hv = Object.assign(hv, { hostPid, signalPid1: (sig: NodeJS.Signals) => process.kill(hostPid(), sig) });
  started.add(pid1);
  void hv.exited.then(() => started.delete(pid1));
  return pid1;
}

/** For afterEach: SIGKILL to a namespace's PID 1 ends everything in it. */
export function killPid1s(): void {
  for (const hv of started) {
    try {
      process.kill(hv.hostPid(), 'SIGKILL');
    } catch {
      // already gone
    }
    hv.child.kill('SIGKILL');
  }
  started.clear();
}
