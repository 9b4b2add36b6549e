import type { Logger } from '../log/logger.js';
import { setupPid1 } from '../pid1/setup.js';
import { asUser, userEnv } from '../process/as-user.js';
import type { ProcessPort } from '../process/ports.js';
import { ownChildren } from '../process/proc.js';
import { ownedPids, procView, realProcesses } from '../process/real.js';
import type { CliIo } from './app.js';

/**
 * The process port of a real run: PID 1's duties taken on (the reaper), the census reaping before it
 * looks, and main spawned outside libuv where the FFI is there. `stop` ends the reaper.
 */
export async function realProcessPorts(io: Pick<CliIo, 'childSignals' | 'stdinIsTTY'>, logger: Logger): Promise<{ processes: ProcessPort; stop(): void }> {
  const pid1 = await setupPid1({
    pid: process.pid,
    owned: ownedPids,
    childSignals: io.childSignals,
    logger,
    listChildren: () => ownChildren(process.pid, procView.ownProc, procView.procSelf),
  });
  if (!procView.ownProc) logger.log({ event: 'proc.foreign', procSelf: procView.procSelf, pid1: procView.pid1 });
  // Reap before looking, never between a look and the signals sent from it: a reaped pid may be reused.
  const processes: ProcessPort = {
    ...realProcesses,
    leftovers(pid) {
      pid1.reapNow();
      return realProcesses.leftovers(pid);
    },
    everything() {
      pid1.reapNow();
      return realProcesses.everything();
    },
  };
  // Main is spawned outside libuv whenever the FFI is there, so its exit status is exact for every signal;
  // an interactive main (docker run -it) also gets the terminal, so Ctrl-C reaches it once and directly.
  const own = pid1.spawnOwn;
  if (own) processes.spawnMain = async (argv, env, user) => own(asUser(argv, user), userEnv(env, user), io.stdinIsTTY);
  return { processes, stop: pid1.stop };
}
