import type { Logger } from '../log/logger.js';
import type { Plan } from '../plan/types.js';
import type { Clock } from '../process/ports.js';
import type { SignalName } from '../signals/names.js';
import { StopDeadline } from './deadline.js';

/**
 * Where the run stands. A stop signal means something different in each: before anything started it
 * only keeps anything from starting; while main runs it starts the stop; later it brings the deadline forward.
 */
export type LifecyclePhase = 'lock' | 'recovery' | 'preStart' | 'spawn' | 'running' | 'stopping' | 'clearing' | 'postStop' | 'exit';

/** The lifecycle's state: its phase, the first stop signal, and the stop's one deadline. */
export class Lifecycle {
  phase: LifecyclePhase = 'lock';
  /** The first stop signal, once one came. */
  signal?: SignalName;
  readonly deadline: StopDeadline;
  /** Resolves with the first stop signal. */
  readonly stopSignal: Promise<SignalName>;
  private resolveStop!: (s: SignalName) => void;
  private readonly requested = new AbortController();

  constructor(
    plan: Plan,
    ports: { clock: Clock; logger: Logger },
    private readonly logger = ports.logger,
  ) {
    this.deadline = new StopDeadline(plan, ports.clock, ports.logger);
    this.stopSignal = new Promise((resolve) => (this.resolveStop = resolve));
  }

  enter(phase: LifecyclePhase): void {
    this.phase = phase;
  }

  /** True once a stop signal came. */
  stopRequested(): boolean {
    return this.signal !== undefined;
  }

  /** Aborted by the first stop signal: what has not started yet does not start. */
  get stopping(): AbortSignal {
    return this.requested.signal;
  }

  /**
   * A stop signal in any phase: the first starts the orchestrator's clock, later ones change nothing.
   * `ageMs`: how long it waited before hookvisor could see it (queued during start-up): the clock started then.
   */
  onStopSignal(signal: SignalName, ageMs = 0): void {
    if (this.signal !== undefined) {
      this.logger.log({ event: 'signal.ignored', signal, why: 'a stop is already under way' });
      return;
    }
    this.signal = signal;
    // The deadline and the abort first: a logger that throws must not leave a stop half begun.
    this.deadline.signalled(this.phase === 'spawn' || this.phase === 'running', ageMs);
    // A reason of our own: abort() alone builds a DOMException with its stack, in the SIGTERM's path to main.
    this.requested.abort(signal);
    this.resolveStop(signal);
    this.logger.log({ event: 'stop.start', signal, phase: this.phase });
  }

  dispose(): void {
    this.deadline.dispose();
  }
}
