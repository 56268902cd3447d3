/**
 * History cap for the GP: an exact GP costs O(n³) per fit, so above `cap` observations the model
 * is fitted on the best ⌊cap/4⌋ trials plus a seeded uniform subset of the others (partial
 * Fisher–Yates), returned in history order. Non-finite values sort as ±∞.
 */
import type { TrialView } from '../sampler';

export function capHistory(trials: readonly TrialView[], cap: number, rng: { next(): number }): TrialView[] {
  if (trials.length <= cap) return [...trials];
  const idx = trials.map((_, i) => i);
  const byValue = [...idx].sort((a, b) => compareValues(trials[a].value, trials[b].value) || a - b);
  const keep = new Set(byValue.slice(0, Math.floor(cap / 4)));
  const rest = idx.filter((i) => !keep.has(i));
  for (let k = 0; keep.size < cap; k++) {
    const j = k + Math.floor(rng.next() * (rest.length - k));
    [rest[k], rest[j]] = [rest[j], rest[k]];
    keep.add(rest[k]);
  }
  return idx.filter((i) => keep.has(i)).map((i) => trials[i]);
}

function compareValues(a: number | undefined, b: number | undefined): number {
  const fa = typeof a === 'number' && !Number.isNaN(a) ? a : Infinity;
  const fb = typeof b === 'number' && !Number.isNaN(b) ? b : Infinity;
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
