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
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGCONT',
  'SIGALRM',
  'SIGTSTP',
  'SIGVTALRM',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGURG',
  'SIGIO',
  'SIGPWR',
].filter((s) => s in constants.signals) as SignalName[];

/** Signals whose default action does not end a process: it ignores them (SIGCHLD, SIGWINCH, SIGURG), continues or stops. */
const HARMLESS_BY_DEFAULT: readonly string[] = ['SIGCHLD', 'SIGWINCH', 'SIGURG', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGSTOP'];

/** True when a process that neither handles nor ignores the signal would end on it (SIGQUIT, SIGUSR1, SIGHUP...). */
export function endsByDefault(signal: SignalName): boolean {
  return !HARMLESS_BY_DEFAULT.includes(signal);
}

/** glibc's SIGRTMIN as programs see it (the kernel's 32 and 33 are glibc's own); names follow it, as bash's `kill -l` does. */
const RTMIN = 34;
/** The highest signal number on Linux. */
const SIGMAX = 64;

// The first name wins where two share a number: SIGABRT, not SIGIOT; SIGIO, not SIGPOLL.
const BY_NUMBER = new Map<number, SignalName>([...KNOWN_SIGNALS].reverse().map((s) => [constants.signals[s], s]));

/**
 * The signal's number: the platform's for a known name; 34+k for SIGRTMIN+k and N for SIGN, the names
 * signalName gives signals Node does not know (real-time ones). NaN for anything else.
 */
export function signalNumber(name: SignalName): number {
  const known = constants.signals[name];
  if (known !== undefined) return known;
  const rt = /^SIGRTMIN(?:\+(\d+))?$/.exec(name);
  if (rt) return RTMIN + Number(rt[1] ?? 0);
  const bare = /^SIG(\d+)$/.exec(name);
  return bare ? Number(bare[1]) : NaN;
}

/** A name for every signal number, real-time ones included: SIGTERM, SIGRTMIN+1 (35), SIG32. */
export function signalName(n: number): SignalName {
  const known = BY_NUMBER.get(n);
  if (known) return known;
  if (n >= RTMIN && n <= SIGMAX) return (n === RTMIN ? 'SIGRTMIN' : `SIGRTMIN+${n - RTMIN}`) as SignalName;
  return `SIG${n}` as SignalName;
}

/** Accepts "SIGTERM", "TERM" or "term"; returns the canonical name or undefined. */
export function normalizeSignal(input: string): SignalName | undefined {
  const upper = input.trim().toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as SignalName;
  return name in constants.signals ? name : undefined;
}
