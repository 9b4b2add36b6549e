import { formatDuration as d } from '../config/duration.js';
import { displayArg } from '../config/expand.js';
import { describeAction, quoteArgv } from './describe.js';
import { renderTimeline } from './timeline.js';
import { isCommandTask, type Phase, type Plan, type PlannedTask, type PlannedUser } from './types.js';

const PHASE_NOTES: Record<Exclude<Phase, 'on'>, string> = {
  preStart: 'before main starts',
  postStart: 'right after main started, while it runs',
  preStop: 'on a stop signal, before it is forwarded; main still runs',
  postStop: 'after main and everything it left are gone',
};

/** What dry-run found outside the plan: whether a killed run's postStop is owed right now. */
export interface PlanFacts {
  owed?: boolean;
}

/** The Plan as text for people: phases, tasks, the stop escalation and the worst-case stop timeline. */
export function renderPlan(plan: Plan, facts: PlanFacts = {}): string {
  const out: string[] = [];
  out.push(`hookvisor plan${plan.hooksFile ? ` for ${plan.hooksFile}` : ' (no hooks file: plain init)'}`, '');
  const main = plan.main;
  out.push(
    `main      ${main ? `${quoteArgv(main.argv, plan.redact)}   (from the ${main.from}${main.user ? `; as ${userText(main.user)}` : ''})` : '(none: give COMMAND after -- or main.command)'}`,
  );
  if (plan.fileEnvNames.length > 0) out.push(`env       ${plan.fileEnvNames.join(', ')}   (added to main and every task)`);
  out.push(`stop on   ${plan.stop.signals.join(', ')}`);
  const remap = Object.entries(plan.exitRemap);
  if (remap.length > 0) out.push(`exit      remap ${remap.map(([from, to]) => `${from} → ${to}`).join(', ')}`);
  if (plan.reportPath) out.push(`report    ${plan.reportPath}   (JSON, written after every stop)`);
  if (plan.stateDir) out.push(`state     ${plan.stateDir}   (postStop is recorded as owed from preStart until it has run)`);
  out.push('');
  if (plan.stateDir) out.push(...renderRecovery(plan, facts));
  for (const phase of ['preStart', 'postStart'] as const) out.push(...renderPhase(phase, plan.tasks[phase], plan));
  for (const [signal, entry] of Object.entries(plan.on)) {
    out.push(
      `on ${signal}: run these tasks${entry!.forward ? `, then forward ${signal} to main` : ` (${signal} is not forwarded)`}`,
      ...entry!.tasks.map((t) => renderTask(t, plan)),
      '',
    );
  }
  out.push('On a stop signal:', '');
  out.push(...renderPhase('preStop', plan.tasks.preStop, plan));
  const target = plan.stop.group ? "main's process group" : 'main';
  out.push(`stop      send ${plan.stop.forward ?? 'the received signal'} to ${target}`);
  for (const step of plan.stop.ladder) out.push(`          at +${d(step.atMs)}, if anything is left, send ${step.signal} to it all`);
  out.push(
    `          wait up to ${d(plan.stop.timeoutMs)} for main and everything it started to exit${plan.stop.cleanupDefault ? ' (the default while no grace period is known and postStop has tasks; otherwise 10s)' : ''}`,
  );
  out.push(`          then SIGKILL what is left and wait up to ${d(plan.stop.killWaitMs)}`, '');
  out.push(...renderPhase('postStop', plan.tasks.postStop, plan));
  out.push("exit      main's status: its exit code, or 128+N when signal N ended it", '');
  out.push(...renderBudget(plan));
  return `${out.join('\n')}\n`;
}

function renderRecovery(plan: Plan, facts: PlanFacts): string[] {
  const tasks = plan.tasks.postStop.filter((t) => ['always', 'recovery', 'failure'].includes(t.when));
  const now =
    facts.owed === undefined
      ? []
      : [facts.owed ? '          a record is there now: the next start recovers first' : '          no record now: nothing is owed'];
  return [
    'recovery  first, if the last run was killed before its postStop finished:',
    `          postStop's ${tasks.length} task(s) with when always, failure or recovery run, with HOOKVISOR_STOP_REASON=recovery`,
    ...now,
    '',
  ];
}

function renderPhase(phase: Exclude<Phase, 'on'>, tasks: readonly PlannedTask[], plan: Plan): string[] {
  const head = `${phase.padEnd(9)} ${PHASE_NOTES[phase]}`;
  if (tasks.length === 0) return [head, '          (no tasks)', ''];
  return [head, ...tasks.map((t) => renderTask(t, plan)), ''];
}

function renderTask(t: PlannedTask, plan: Plan): string {
  const what = describeAction(t, plan.redact);
  const details = [`timeout ${d(t.timeoutMs)}`, `on failure ${t.onFailure}`];
  if (t.retries > 0) details.push(`retries ${t.retries} every ${d(t.retryDelayMs)}`);
  if (t.phase === 'postStop') details.push(`when ${t.when}`);
  if (isCommandTask(t) && t.cwd) details.push(`cwd ${t.cwd}`);
  if (isCommandTask(t) && t.user) details.push(`as ${userText(t.user)}`);
  const env = Object.keys(t.env);
  if (env.length > 0) details.push(`env ${env.join(',')}`);
  const plain = t.kind === 'run' ? t.argv.map(displayArg).join(' ') : t.kind === 'shell' ? t.argv[2] : undefined;
  const name = t.name === describeAction(t) || t.name === plain ? '' : `${t.name}: `;
  return `  ${t.index + 1}. ${name}${what}\n       ${details.join(', ')}`;
}

function renderBudget(plan: Plan): string[] {
  const b = plan.budget;
  const out = [
    `Worst-case stop: ${d(b.totalMs)} = preStop ${d(b.preStopMs)} + wait ${d(b.waitMs)} + after SIGKILL ${d(b.killWaitMs)} + postStop ${d(b.postStopMs)}`,
  ];
  if (b.gracePeriodMs !== undefined) {
    out.push(
      `Grace period ${d(b.gracePeriodMs)}: postStop's worst case is reserved, with a ${d(b.marginMs)} margin; SIGKILL at +${d(b.deadlines!.killAtMs)} at the latest`,
    );
  }
  for (const cut of b.cuts) out.push(`  ${cut}`);
  if (b.problem) out.push(`ERROR: ${b.problem}`);
  if (b.unknownGrace) {
    out.push("WARNING: no grace period is known (stop.gracePeriod, --grace-period, HOOKVISOR_GRACE_PERIOD), so postStop's time is not reserved:");
    for (const line of b.unknownGrace) out.push(`  ${line}`);
  }
  out.push('', ...renderTimeline(plan));
  return out;
}

export const userText = (u: PlannedUser) =>
  `user ${u.spec} (uid ${u.uid}, gid ${u.gid}, groups ${u.groups.join(',') || 'none'}${u.home === undefined ? '' : `, HOME ${u.home}`})`;
