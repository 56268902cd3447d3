/**
 * "Compare Sweeps": the sweeps of one script side by side, as a Markdown table, one column per
 * sweep: how it searched (method, start, sweep file), its counts, its best trial and value, and
 * that trial's config. Parameters a sweep held fixed read "5 (fixed)"; those it did not name,
 * "—". When the sweeps share a metric and goal, the best of them is starred. Pure.
 */

import { formatNumber } from '../../core/format/number';
import { progressText } from '../../core/format/progress';
import { formatStartTime } from '../../core/format/startTime';
import { bestTrial, better, countTrials, type SweepState } from '../../core/journal/reducer';
import { formatParam, spaceParams, sweepProgress } from './describe';

export interface CompareSweep {
  id: string;
  state: SweepState;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The index of the best sweep, when all share one metric and goal and one has a value. */
function bestSweep(sweeps: readonly CompareSweep[]): number | undefined {
  const metrics = new Set(sweeps.map((s) => `${s.state.created?.metric.name}\0${s.state.created?.metric.goal}`));
  if (metrics.size !== 1) return undefined;
  const goal = sweeps[0].state.created?.metric.goal ?? 'minimize';
  let at: number | undefined;
  sweeps.forEach((s, i) => {
    const v = bestTrial(s.state)?.value;
    if (v === undefined) return;
    const cur = at === undefined ? undefined : bestTrial(sweeps[at].state)!.value!;
    if (cur === undefined || better(v, cur, goal)) at = i;
  });
  return at;
}

export function compareMarkdown(title: string, sweeps: readonly CompareSweep[], now?: number): string {
  const star = bestSweep(sweeps);
  const heads = sweeps.map((s) => (s.state.created ? `${s.state.created.method} · ${formatStartTime(s.state.created.t, now)}` : s.id));
  const rows: [string, string[]][] = [];
  rows.push(['sweep', sweeps.map((s) => `\`${s.id}\``)]);
  rows.push(['sweep file', sweeps.map((s) => s.state.created?.file ?? '—')]);
  rows.push([
    'trials',
    sweeps.map((s) => {
      const c = countTrials(s.state);
      const bad = [c.failed ? `${c.failed} failed` : '', c.running ? `${c.running} running` : ''].filter(Boolean).join(', ');
      return `${progressText(sweepProgress(s.state))}${bad ? ` (${bad})` : ''}`;
    }),
  ]);
  rows.push(['metric', sweeps.map((s) => (s.state.created ? `${s.state.created.metric.goal} ${s.state.created.metric.name}` : '—'))]);
  rows.push([
    '**best**',
    sweeps.map((s, i) => {
      const b = bestTrial(s.state);
      return b ? `**${formatNumber(b.value)}** (trial ${b.id})${i === star ? ' ★' : ''}` : 'no result';
    }),
  ]);
  const names: string[] = [];
  for (const s of sweeps) for (const p of spaceParams(s.state)) if (!names.includes(p.name)) names.push(p.name);
  for (const name of names) {
    rows.push([
      `\`${name}\``,
      sweeps.map((s) => {
        const spec = spaceParams(s.state).find((p) => p.name === name);
        if (!spec) return '—';
        if (spec.kind === 'constant') return `${formatParam(spec.value)} (fixed)`;
        const b = bestTrial(s.state);
        return b && name in b.params ? formatParam(b.params[name]) : '—';
      }),
    ]);
  }
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    `# ${title}`,
    '',
    'The best trial of each sweep and its config. Counts are finished / total (run_cap, or the trials asked).' +
      (star !== undefined ? ' ★ marks the best sweep.' : ''),
    '',
    line(['', ...heads]),
    line(['---', ...heads.map(() => '---')]),
    ...rows.map(([k, v]) => line([k, ...v])),
    '',
  ].join('\n');
}
