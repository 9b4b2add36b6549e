import { constants } from 'node:os';

export type SignalName = NodeJS.Signals;

/** Every signal name this platform knows, SIGKILL and SIGSTOP included (valid as forward targets). */
export const KNOWN_SIGNALS = Object.keys(constants.signals) as SignalName[];

/**
 * Signals hookvisor catches and relays to main. Left out, and why:
 * SIGKILL/SIGSTOP cannot be caught; SIGCHLD is ours (child exits); SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT, SIGTRAP and SIGSYS are faults of the receiving process; SIGPIPE is raised by our own writes;
 * SIGTTIN/SIGTTOU are job control aimed at our own terminal access; SIGPROF belongs to the profiler.
 */
export const RELAYED_SIGNALS: readonly SignalName[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT',
  'SIGALRM', 'SIGTSTP', 'SIGVTALRM', 'SIGXCPU', 'SIGXFSZ', 'SIGURG', 'SIGIO', 'SIGPWR',
].filter((s) => s in constants.signals) as SignalName[];

export function signalNumber(name: SignalName): number {
  return constants.signals[name];
}

/** Accepts "SIGTERM", "TERM" or "term"; returns the canonical name or undefined. */
export function normalizeSignal(input: string): SignalName | undefined {
  const upper = input.trim().toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as SignalName;
  return name in constants.signals ? name : undefined;
}
