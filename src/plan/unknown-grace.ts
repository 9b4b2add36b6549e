import { formatDuration as d } from '../config/duration.js';
import { GRACE_MARGIN_MS } from '../limits/timing.js';
import type { Budget } from './types.js';

/** stop.timeout's default. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * stop.timeout's default when postStop has tasks and no grace period is known: Docker's and podman's
 * stop timeout is 10s too, so waiting 10s for a main that ignores SIGTERM would leave postStop no time.
 * 5s leaves it half of Docker's default.
 */
export const CLEANUP_STOP_TIMEOUT_MS = 5_000;

/** The grace periods a stop gets when nobody configured one. */
export const ORCHESTRATOR_DEFAULTS = [
  { who: "Docker's and podman's", ms: 10_000 },
  { who: "Kubernetes'", ms: 30_000 },
] as const;

/** What happens to postStop's worst case under each orchestrator default, when hookvisor is not told the grace period. */
export function underDefaults(b: Pick<Budget, 'preStopMs' | 'waitMs' | 'killWaitMs' | 'postStopMs'>): string[] {
  const startsBy = b.preStopMs + b.waitMs + b.killWaitMs;
  const endsBy = startsBy + b.postStopMs;
  return ORCHESTRATOR_DEFAULTS.map(({ who, ms }) => {
    const head = `under ${who} default of ${d(ms)}: `;
    if (endsBy + GRACE_MARGIN_MS <= ms) return `${head}postStop starts by +${d(startsBy)} and its worst case ends by +${d(endsBy)}: it fits`;
    if (startsBy >= ms)
      return `${head}postStop starts only at +${d(startsBy)} when main ignores the stop signal: SIGKILL at ${d(ms)} comes first and the cleanup is lost`;
    return `${head}postStop starts by +${d(startsBy)} and has ${d(ms - startsBy)} before SIGKILL; its worst case of ${d(b.postStopMs)} does not fit`;
  });
}
