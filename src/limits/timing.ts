/**
 * The times hookvisor's runtime keeps to, in one place: the runner (hooks/, supervise/) waits them and
 * the planner (plan/) budgets them, so what dry-run promises and what run does cannot drift apart.
 */

/** After SIGKILL the kernel needs moments; longer means a process stuck in uninterruptible sleep. */
export const KILL_WAIT_MS = 2000;

/** Kept free at the end of a grace period for hookvisor's own exit and the orchestrator's jitter. */
export const GRACE_MARGIN_MS = 500;

/** After a task's process is SIGKILLed at its timeout: how long it may take to be reaped before the task moves on. */
export const TASK_KILL_WAIT_MS = 200;

/** After a task's process ended: how long its output may keep arriving before the result is logged. */
export const OUTPUT_DRAIN_MS = 200;

/** How far past its timeout an attempt that runs a program can go: the kill, the wait for it, its last output. */
export const ATTEMPT_OVERRUN_MS = TASK_KILL_WAIT_MS + OUTPUT_DRAIN_MS;

/** The task kinds whose timeout ends in SIGKILL to a process (sleep, http and waitFor just stop). */
const KILLS: ReadonlySet<string> = new Set(['run', 'shell', 'unmount', 'cryptClose', 'detachLoop']);

/** How far past its timeout one attempt of this kind can go. */
export const overrunMs = (kind: string) => (KILLS.has(kind) ? ATTEMPT_OVERRUN_MS : 0);

/** A deadline that shortens an attempt by less than this (the milliseconds the stop took to get there) is no cut. */
export const CUT_SLACK_MS = 50;
