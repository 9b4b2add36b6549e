import { formatDuration as d } from '../config/duration.js';
import { afterSignal, worstCaseMs } from './budget.js';
import type { Plan } from './types.js';

const WIDTH = 60;
const LABEL = 10;

interface Row {
  label: string;
  startMs: number;
  ms: number;
  note: string;
}

/** The worst-case stop as bars on a time axis, from the stop signal, with the grace deadline marked. */
export function renderTimeline(plan: Plan): string[] {
  const b = plan.budget;
  const rows: Row[] = [];
  let t = 0;
  for (const task of plan.tasks.preStop) {
    const ms = Math.min(worstCaseMs(task), b.preStopMs - t);
    if (ms <= 0) break;
    rows.push({ label: 'preStop', startMs: t, ms, note: task.name });
    t += ms;
  }
  rows.push({ label: 'wait', startMs: t, ms: b.waitMs, note: `${plan.stop.forward ?? 'the received signal'} to main, wait up to ${d(b.waitMs)}` });
  for (const step of plan.stop.ladder.filter((s) => s.atMs < b.waitMs))
    rows.push({ label: 'signal', startMs: t + step.atMs, ms: 1, note: `${step.signal} if anything is left` });
  t += b.waitMs;
  rows.push({ label: 'SIGKILL', startMs: t, ms: b.killWaitMs, note: `if anything is left; wait up to ${d(b.killWaitMs)}` });
  t += b.killWaitMs;
  for (const task of afterSignal(plan.tasks.postStop)) {
    const ms = worstCaseMs(task);
    rows.push({ label: 'postStop', startMs: t, ms, note: task.name + (task.retries ? ` (${task.retries + 1} attempts)` : '') });
    t += ms;
  }
  const span = Math.max(t, b.gracePeriodMs ?? 0, 1);
  const col = (ms: number) => Math.min(WIDTH, Math.round((ms / span) * WIDTH));
  const grace = b.gracePeriodMs === undefined ? undefined : col(b.gracePeriodMs);
  const bar = (r: Row) => {
    const from = col(r.startMs);
    const to = Math.max(from + (r.ms > 0 ? 1 : 0), col(r.startMs + r.ms));
    let s = '';
    for (let i = 0; i <= WIDTH; i++) s += i >= from && i < to ? '█' : i === grace ? '│' : '·';
    return s;
  };
  const axis = `${' '.repeat(LABEL)}0${' '.repeat(WIDTH - 1 - d(span).length)}${d(span)}`;
  const out = [axis, ...rows.map((r) => `${r.label.padEnd(LABEL)}${bar(r)}  +${d(r.startMs)} ${r.note}`)];
  out.push(`${'exit'.padEnd(LABEL)}${' '.repeat(col(t))}▲ +${d(t)} at the latest`);
  if (grace !== undefined) out.push(`${'deadline'.padEnd(LABEL)}${' '.repeat(grace)}│ ${d(b.gracePeriodMs!)}: the orchestrator's SIGKILL`);
  return out;
}
