/**
 * The history as TPE sees it: the trials it can rank, best first, in model coordinates.
 * Ranking follows Optuna's TPE:
 * 1. completed trials, by value (lower is better);
 * 2. pruned / stopped trials with intermediate values: deeper last step first, then by the value
 *    at that step;
 * 3. last, and all equal: pruned / stopped trials without values, and trials still pending,
 *    running or interrupted (the "constant liar": they count as bad at their location, so
 *    concurrent suggestions move away from them).
 * Failed trials, and completed trials without a finite value, are ignored. Ties go to the lower
 * id, so the order is a pure function of the history.
 */
import type { TrialView } from '../sampler';
import type { TpeDims } from './tpeDims';

export interface RankedHistory {
  /** Model coordinates, best first. */
  points: Float64Array[];
  /** Completed + ranked pruned/stopped trials (the ones with a result): drives the startup phase. */
  finished: number;
  /** Trials that count as "bad" because they are still running (liars) or have no value. */
  liars: number;
}

interface Entry {
  tier: number;
  step: number;
  value: number;
  id: number;
  x: Float64Array;
}

function lastStep(t: TrialView): { step: number; value: number } | undefined {
  const steps = t.steps;
  if (!steps || steps.length === 0) return undefined;
  let best = steps[0];
  for (const s of steps) if (s.step >= best.step) best = s;
  return best;
}

export function rankHistory(history: readonly TrialView[], dims: TpeDims): RankedHistory {
  const entries: Entry[] = [];
  let finished = 0;
  let liars = 0;
  for (const t of history) {
    switch (t.state) {
      case 'failed':
        continue;
      case 'completed': {
        const v = t.value;
        if (v === undefined || Number.isNaN(v)) continue;
        entries.push({ tier: 0, step: 0, value: v, id: t.id, x: dims.encode(t.flat) });
        finished++;
        break;
      }
      case 'pruned':
      case 'stopped': {
        const last = lastStep(t);
        if (last && !Number.isNaN(last.value)) {
          entries.push({ tier: 1, step: -last.step, value: last.value, id: t.id, x: dims.encode(t.flat) });
          finished++;
        } else {
          entries.push({ tier: 2, step: 0, value: 0, id: t.id, x: dims.encode(t.flat) });
          liars++;
        }
        break;
      }
      default:
        // pending, running, interrupted: the constant liar
        entries.push({ tier: 2, step: 0, value: 0, id: t.id, x: dims.encode(t.flat) });
        liars++;
    }
  }
  entries.sort((a, b) => a.tier - b.tier || a.step - b.step || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) || a.id - b.id);
  return { points: entries.map((e) => e.x), finished, liars };
}
