#!/usr/bin/env node
// The only module that touches the real process. It catches signals before anything else loads: as
// PID 1 a signal without a handler is dropped by the kernel, and compiling the rest of hookvisor takes
// tens of milliseconds. So this module stays tiny and is bundled alone (dist/bundle/hookvisor.js); the
// rest (./rest.js, dist/bundle/hookvisor-app.js) is read and compiled only after the handlers exist.
import module from 'node:module';
import { isatty } from 'node:tty';
import { RELAYED_SIGNALS } from '../signals/names.js';
import { installSignals } from '../signals/source.js';
import { keepStdioUntouched, writeFd } from './std-streams.js';

const signals = installSignals(process, RELAYED_SIGNALS);
const childSignals = installSignals(process, ['SIGCHLD']);
// Before any library can touch process.stdin/stdout/stderr: main must get fds 0-2 exactly as we did.
// Until the non-blocking writer is loaded, what reaches the stand-in stderr (a warning) is kept for it.
const early: string[] = [];
let writeStderr: (text: string) => void = (text) => void early.push(text);
keepStdioUntouched(process, (text) => writeStderr(text));
// Node >= 22.1 keeps compiled code on disk between starts; older Nodes lack the call.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
type Logger = import('../log/logger.js').Logger;

// An unexpected error must not end PID 1 before postStop: say what happened, in the run's log format once there is one, and keep supervising.
let logger: Logger | undefined;
const report = (err: unknown) => {
  const event = { event: 'internal.error', during: 'callback', error: String((err as Error)?.stack ?? err) } as const;
  try {
    if (logger) return logger.log(event);
  } catch {
    // The logger itself broke: the raw line below still says what happened.
  }
  writeStderr(`${JSON.stringify({ level: 50, ...event })}\n`);
};
process.on('uncaughtException', report);
process.on('unhandledRejection', report);

// No top-level await: the single executable runs this module as CommonJS (scripts/sea.mjs).
async function start(): Promise<never> {
  const rest = await import('./rest.js');
  writeStderr = rest.writeStderr;
  early.splice(0).forEach(writeStderr);
  const code = await rest.runCli({
    args: process.argv.slice(2),
    env: process.env,
    stdout: (text) => writeFd(1, text),
    stderr: writeStderr,
    signals,
    childSignals,
    stdinIsTTY: isatty(0),
    uid: process.getuid?.() ?? -1,
    color: isatty(2) && !process.env.NO_COLOR,
    onLogger: (l) => (logger = l),
  });
  signals.dispose();
  childSignals.dispose();
  // The last lines, but a stalled reader cannot hold the exit: a quarter of a second at most.
  rest.flushStderr(250);
  process.exit(code);
}
void start();
