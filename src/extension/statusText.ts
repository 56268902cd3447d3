/** The status bar's words for a sweep. Pure. */

import { formatNumber } from '../core/format/number';
import { bestTrial, countTrials, type SweepState } from '../core/journal/reducer';
import type { RunnerStatus } from '../core/sweep/open';
import { progressText, sweepStateText } from './sweeps/describe';
import { gpuText } from './tree/model';

export interface StatusText {
  text: string;
  tooltip: string;
}

/** "$(beaker) 2/12 · best 0.083": running trials / run_cap (or total), and the best value. */
export function statusText(id: string, state: SweepState, runner: RunnerStatus): StatusText {
  const c = countTrials(state);
  const total = state.created?.runCap ?? c.total;
  const best = bestTrial(state);
  const text = `$(beaker) ${c.running}/${total}${best ? ` · best ${formatNumber(best.value)}` : ''}`;
  const metric = state.created?.metric.name ?? 'value';
  const tooltip = [
    `Knobs sweep ${id}: ${sweepStateText(state, runner)}`,
    `${c.running} running, ${progressText(state)} finished, ${c.total} trials`,
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
