import { join } from 'node:path';
import { renderPlan } from '../plan/render.js';
import type { Plan } from '../plan/types.js';
import { OWED_FILE, readOwed } from '../state/file.js';
import type { CliIo } from './app.js';
import type { CliArgs } from './args.js';

/** Prints the plan and its timeline; a postStop that cannot fit its grace period is an error to fix before deploying (exit 2). */
export function dryRun(plan: Plan, args: CliArgs, io: Pick<CliIo, 'stdout' | 'stderr'>): number {
  const owed = plan.stateDir === undefined ? undefined : readOwed(join(plan.stateDir, OWED_FILE)) !== undefined;
  io.stdout(plan.redact(renderPlan(plan, { owed })));
  if (!plan.budget.problem) return 0;
  io.stderr(`hookvisor: ${args.hooks ?? '<command line>'}: stop budget: ${plan.budget.problem}\n`);
  return 2;
}
