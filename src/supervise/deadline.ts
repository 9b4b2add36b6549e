import { ATTEMPT_OVERRUN_MS, GRACE_MARGIN_MS } from '../limits/timing.js';
import type { Logger } from '../log/logger.js';
import type { Plan } from '../plan/types.js';
import type { Clock, Timer } from '../process/ports.js';

/** What set or shortened the stop's deadline. */
export type DeadlineCause = 'signal' | 'exit' | 'start-failed' | 'preStop';

/** An AbortSignal that fires at a clock time which can only move earlier. */
class Alarm {
  readonly controller = new AbortController();
  at?: number;
  private timer?: Timer;
  constructor(private readonly clock: Clock) {}

  /** Moves the alarm to `at` if that is earlier; true when it moved. */
  shorten(at: number): boolean {
    if (this.controller.signal.aborted || (this.at !== undefined && at >= this.at)) return false;
    this.at = at;
    this.timer?.cancel();
    this.timer = this.clock.delay(Math.max(0, at - this.clock.now()));
    void this.timer.promise.then(() => this.controller.abort('deadline'));
    return true;
  }

  dispose(): void {
    this.timer?.cancel();
  }
}

/**
 * The stop's one deadline. The first stop signal (in any phase) or main's end creates it; later events
 * can only bring it forward. `cut` aborts at the SIGKILL time: everything still running then is killed or
 * cut, and postStop starts by `postStopAt`. With a grace period, `graceCut` aborts just before the
 * orchestrator's own SIGKILL, which is the most postStop itself may take.
 */
export class StopDeadline {
  private readonly kill: Alarm;
  private readonly grace: Alarm;
  /** When the first stop signal came (clock time). */
  signalledAt?: number;

  constructor(
    private readonly plan: Plan,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.kill = new Alarm(clock);
    this.grace = new Alarm(clock);
  }

  /** Aborted at the SIGKILL time. */
  get cut(): AbortSignal {
    return this.kill.controller.signal;
  }

  /** Aborted when the grace period ends (less the margin); never without a stop signal and a grace period. */
  get graceCut(): AbortSignal {
    return this.grace.controller.signal;
  }

  /** The SIGKILL time, once there is one. */
  get killAt(): number | undefined {
    return this.kill.at;
  }

  /** The latest time postStop starts: SIGKILL plus the wait for the kernel to clear what it killed. */
  get postStopAt(): number | undefined {
    return this.kill.at === undefined ? undefined : this.kill.at + this.plan.stop.killWaitMs;
  }

  /**
   * The first stop signal starts the orchestrator's clock; every remaining step is held to it. Without
   * a grace period there is no clock to follow: a stop that will run preStop (`preStopFollows`) sets its
   * deadline when preStop ends, stop.timeout later, as it always has; any other gets stop.timeout now.
   */
  signalled(preStopFollows: boolean, ageMs = 0): void {
    const now = (this.signalledAt = this.clock.now() - ageMs);
    const deadlines = this.plan.budget.deadlines;
    if (deadlines) this.shorten(now + deadlines.killAtMs, 'signal');
    else if (!preStopFollows) this.shorten(now + this.plan.stop.timeoutMs, 'signal');
    const grace = this.plan.stop.gracePeriodMs;
    // A task cut there still takes its kill and last output (ATTEMPT_OVERRUN_MS): the margin is left whole for the exit.
    if (grace !== undefined) this.grace.shorten(now + grace - GRACE_MARGIN_MS - ATTEMPT_OVERRUN_MS);
  }

  /** Main ended by itself, or never started (preStart failed, exec failed): what is left gets stop.timeout. */
  ended(cause: 'exit' | 'start-failed' | 'preStop', now = this.clock.now()): void {
    this.shorten(now + this.plan.stop.timeoutMs, cause);
  }

  private shorten(at: number, cause: DeadlineCause): void {
    if (this.kill.shorten(at)) this.logger.log({ event: 'stop.deadline', cause, killInMs: Math.max(0, Math.round(at - this.clock.now())) });
  }

  dispose(): void {
    this.kill.dispose();
    this.grace.dispose();
  }
}
