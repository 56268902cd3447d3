/**
 * Statistics for the sampler benchmark: quantiles (numpy's default linear interpolation) and the
 * two-sided Mann–Whitney U test by the normal approximation with tie correction and continuity
 * correction (what scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic')
 * computes).
 */
import { erfc } from '../../src/core/math/normal';

/** The q-quantile (0..1) of the values, linear between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Ranks 1..n of the values, ties given their average rank, and the tie-group sizes. */
export function averageRanks(values: readonly number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  let k = 0;
  while (k < order.length) {
    let j = k;
    while (j + 1 < order.length && order[j + 1].v === order[k].v) j++;
    const avg = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[order[m].i] = avg;
    ties.push(j - k + 1);
    k = j + 1;
  }
  return { ranks, ties };
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  u: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

/** Two-sided Mann–Whitney U test, normal approximation with tie and continuity corrections. */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, z: NaN, p: NaN };
  const { ranks, ties } = averageRanks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const tieTerm = ties.reduce((s, t) => s + (t * t * t - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u: u1, z: 0, p: 1 };
  const uMax = Math.max(u1, n1 * n2 - u1);
  const z = (uMax - mu - 0.5) / Math.sqrt(variance);
  const p = Math.min(1, erfc(z / Math.SQRT2));
  return { u: u1, z, p };
}

/** Best-so-far (running minimum) of a sequence. */
export function runningMin(values: readonly number[]): number[] {
  const out: number[] = [];
  let best = Infinity;
  for (const v of values) {
    if (v < best) best = v;
    out.push(best);
  }
  return out;
}
