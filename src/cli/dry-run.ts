import { join } from 'node:path';
import { formatPath, positioned } from '../config/key-path.js';
import type { YamlSource } from '../config/yaml-source.js';
import { checkImage, type ImageWarning } from '../plan/image-check.js';
import { renderPlan } from '../plan/render.js';
import type { Plan } from '../plan/types.js';
import { OWED_FILE, readOwed } from '../state/file.js';
import type { CliIo } from './app.js';
import type { CliArgs } from './args.js';
import { realImageProbe } from './image-probe.js';

/**
 * Prints the plan and its timeline, then what this filesystem (the image's, run inside it) seems to lack, as
 * warnings. A postStop that cannot fit its grace period is an error to fix before deploying (exit 2).
 */
export function dryRun(plan: Plan, args: CliArgs, io: Pick<CliIo, 'stdout' | 'stderr'>, source?: YamlSource): number {
  const owed = plan.stateDir === undefined ? undefined : readOwed(join(plan.stateDir, OWED_FILE)) !== undefined;
  const warnings = checkImage(plan, realImageProbe());
  io.stdout(plan.redact(renderPlan(plan, { owed }) + renderWarnings(warnings, plan, args.hooks, source)));
  if (!plan.budget.problem) return 0;
  io.stderr(`hookvisor: ${args.hooks ?? '<command line>'}: stop budget: ${plan.budget.problem}\n`);
  return 2;
}

/** One line per warning, placed as config errors are: file:line:column: key: message. */
function renderWarnings(warnings: ImageWarning[], plan: Plan, file: string | undefined, source: YamlSource | undefined): string {
  if (warnings.length === 0) return '';
  const lines = warnings.map((w) => {
    if (w.path === undefined) return `warning   <command line>: ${w.message}`;
    const p = source ? positioned(w.path, w.message, source) : { path: formatPath(w.path), line: undefined, column: undefined };
    const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : (file ?? '<command line>');
    return `warning   ${where}: ${p.path}: ${w.message}`;
  });
  const path = `          (PATH=${plan.env.PATH ?? '/usr/bin:/bin'})`;
  return ['', 'In this filesystem (run dry-run inside the image to check the image):', ...lines, path, ''].join('\n');
}
