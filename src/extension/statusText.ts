/** The status bar's words for a sweep. Pure. */

import { formatNumber } from '../core/format/number';
import { progressWithRunning } from '../core/format/progress';
import { bestTrial, countTrials, type SweepState } from '../core/journal/reducer';
import type { RunnerStatus } from '../core/sweep/open';
import { sweepProgress, sweepStateText } from './sweeps/describe';
import { gpuText } from './tree/model';

export interface StatusText {
  text: string;
  tooltip: string;
}

/** "$(beaker) 2 running · 4/12 finished · best 0.083": the counts every face shows (core/format/progress.ts), and the best value. */
export function statusText(id: string, state: SweepState, runner: RunnerStatus): StatusText {
  const c = countTrials(state);
  const progress = progressWithRunning(sweepProgress(state));
  const best = bestTrial(state);
  const text = `$(beaker) ${progress}${best ? ` · best ${formatNumber(best.value)}` : ''}`;
  const metric = state.created?.metric.name ?? 'value';
  const tooltip = [
    `Knobs sweep ${id}: ${sweepStateText(state, runner)}`,
    `${progress}; ${c.total} trials asked (${c.completed} completed, ${c.failed} failed, ` +
      `${c.stopped + c.pruned} stopped/pruned, ${c.pending + c.interrupted} waiting)`,
    best ? `best ${metric} ${formatNumber(best.value)} (trial ${best.id})` : 'no results yet',
    // the runner's latest nvidia-smi sample, while it runs
    ...(runner.kind === 'running' && state.gpus?.gpus.length
      ? state.gpus.gpus.map((g) => {
          const x = gpuText(g);
          return `${x.label} — ${x.description}`;
        })
      : []),
    'Click to open the dashboard',
  ].join('\n');
  return { text, tooltip };
}
