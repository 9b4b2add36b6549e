import { formatDuration } from '../config/duration.js';
import { displayArg } from '../config/expand.js';
import type { Phase, Plan, PlannedTask } from './types.js';

const PHASE_NOTES: Record<Phase, string> = {
  preStart: 'before main starts',
  postStart: 'right after main started, while it runs',
  preStop: 'on a stop signal, before it is forwarded; main still runs',
  postStop: 'after main and its process group are gone',
};

/** The Plan as text for people: phases, tasks, the stop escalation and the worst-case stop timeline. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`hookvisor plan${plan.hooksFile ? ` for ${plan.hooksFile}` : ' (no hooks file: plain init)'}`, '');
  out.push(`main      ${plan.main ? `${quoteArgv(plan.main.argv)}   (from the ${plan.main.from})` : '(none: give COMMAND after -- or main.command)'}`);
  if (plan.fileEnvNames.length > 0) out.push(`env       ${plan.fileEnvNames.join(', ')}   (added to main and every task)`);
  out.push(`stop on   ${plan.stop.signals.join(', ')}`, '');
  for (const phase of ['preStart', 'postStart'] as const) out.push(...renderPhase(plan, phase));
  out.push('On a stop signal:', '');
  out.push(...renderPhase(plan, 'preStop'));
  const target = plan.stop.group ? "main's process group" : 'main';
  out.push(`stop      send ${plan.stop.forward ?? 'the received signal'} to ${target}`);
  out.push(`          wait up to ${formatDuration(plan.stop.timeoutMs)} for main and its group to exit`);
  out.push(`          then SIGKILL main's process group and wait up to ${formatDuration(plan.stop.killWaitMs)}`, '');
  out.push(...renderPhase(plan, 'postStop'));
  out.push("exit      main's status: its exit code, or 128+N when signal N ended it", '');
  out.push(...renderTimeline(plan));
  return out.join('\n') + '\n';
}

function renderPhase(plan: Plan, phase: Phase): string[] {
  const tasks = plan.tasks[phase];
  const head = `${phase.padEnd(9)} ${PHASE_NOTES[phase]}`;
  if (tasks.length === 0) return [head, '          (no tasks)', ''];
  return [head, ...tasks.map((t) => renderTask(t)), ''];
}

function renderTask(t: PlannedTask): string {
  const command = t.kind === 'shell' ? `sh -c ${JSON.stringify(t.argv[2])}` : quoteArgv(t.argv.map(displayArg));
  const details = [`timeout ${formatDuration(t.timeoutMs)}`, `on failure ${t.onFailure}`];
  if (t.phase === 'postStop') details.push(`when ${t.when}`);
  if (t.cwd) details.push(`cwd ${t.cwd}`);
  const env = Object.keys(t.env);
  if (env.length > 0) details.push(`env ${env.join(',')}`);
  const name = t.name === command || t.name === t.argv.map(displayArg).join(' ') || t.name === t.argv[2] ? '' : `${t.name}: `;
  return `  ${t.index + 1}. ${name}${command}\n       ${details.join(', ')}`;
}

/** The worst case from the stop signal to exit, each step at its latest start. */
function renderTimeline(plan: Plan): string[] {
  const rows: [number, string][] = [];
  let t = 0;
  for (const task of plan.tasks.preStop) {
    rows.push([t, `preStop   ${task.name} (up to ${formatDuration(task.timeoutMs)})`]);
    t += task.timeoutMs;
  }
  rows.push([t, `forward   ${plan.stop.forward ?? 'received signal'}`]);
  t += plan.stop.timeoutMs;
  rows.push([t, 'SIGKILL   if main or its group is still running']);
  t += plan.stop.killWaitMs;
  for (const task of plan.tasks.postStop.filter((x) => x.when !== 'exit')) {
    rows.push([t, `postStop  ${task.name} (up to ${formatDuration(task.timeoutMs)})`]);
    t += task.timeoutMs;
  }
  rows.push([t, 'exit']);
  const b = plan.budget;
  return [
    `Worst-case stop: ${formatDuration(b.totalMs)} = preStop ${formatDuration(b.preStopMs)} + stop ${formatDuration(b.terminateMs)} + postStop ${formatDuration(b.postStopMs)}`,
    ...rows.map(([at, what]) => `  +${formatDuration(at).padEnd(9)} ${what}`),
  ];
}

function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ');
}
