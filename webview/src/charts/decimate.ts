/**
 * Decimation of long curves (pure): Largest-Triangle-Three-Buckets, which keeps the visual shape,
 * and min-max per pixel bucket, which keeps every extreme. Both return indices into the input,
 * ascending, always keeping the first and last point. Points whose y is not finite are skipped.
 */
type Num = ArrayLike<number>;

function finiteIndices(xs: Num, ys: Num): number[] {
  const out: number[] = [];
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) if (Number.isFinite(ys[i]) && Number.isFinite(xs[i])) out.push(i);
  return out;
}

/** LTTB (Steinarsson 2013): at most `threshold` indices. */
export function lttb(xs: Num, ys: Num, threshold: number): number[] {
  const idx = finiteIndices(xs, ys);
  const n = idx.length;
  if (threshold >= n || n <= 2) return idx;
  if (threshold < 3) return threshold <= 1 ? idx.slice(0, Math.max(0, threshold)) : [idx[0], idx[n - 1]];
  const out: number[] = [idx[0]];
  const every = (n - 2) / (threshold - 2);
  let a = 0; // position in idx of the last kept point
  for (let b = 0; b < threshold - 2; b++) {
    // average of the next bucket
    let avgStart = Math.floor((b + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    if (avgStart >= avgEnd) avgStart = avgEnd - 1;
    let ax = 0,
      ay = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      ax += xs[idx[j]];
      ay += ys[idx[j]];
    }
    const len = avgEnd - avgStart;
    ax /= len;
    ay /= len;
    // this bucket
    const start = Math.floor(b * every) + 1;
    const end = Math.min(Math.floor((b + 1) * every) + 1, n - 1);
    const px = xs[idx[a]],
      py = ys[idx[a]];
    let best = -1,
      pick = start;
    for (let j = start; j < end; j++) {
      const area = Math.abs((px - ax) * (ys[idx[j]] - py) - (px - xs[idx[j]]) * (ay - py));
      if (area > best) {
        best = area;
        pick = j;
      }
    }
    out.push(idx[pick]);
    a = pick;
  }
  out.push(idx[n - 1]);
  return out;
}

/**
 * Min-max decimation into `buckets` equal-width x buckets: per bucket the first, the min, the max
 * and the last point (deduplicated, in order), so no spike is lost. At most 4 × buckets indices.
 */
export function minMax(xs: Num, ys: Num, buckets: number): number[] {
  const idx = finiteIndices(xs, ys);
  const n = idx.length;
  if (n <= Math.max(2, buckets * 4) || buckets < 1) return idx;
  const x0 = xs[idx[0]],
    x1 = xs[idx[n - 1]];
  const w = (x1 - x0) / buckets || 1;
  const out: number[] = [];
  let j = 0;
  while (j < n) {
    const b = Math.min(buckets - 1, Math.floor((xs[idx[j]] - x0) / w));
    const first = j;
    let lo = j,
      hi = j;
    let k = j;
    while (k < n && Math.min(buckets - 1, Math.floor((xs[idx[k]] - x0) / w)) === b) {
      if (ys[idx[k]] < ys[idx[lo]]) lo = k;
      if (ys[idx[k]] > ys[idx[hi]]) hi = k;
      k++;
    }
    const last = k - 1;
    const picks = [first, lo, hi, last].sort((p, q) => p - q);
    for (let p = 0; p < picks.length; p++) if (p === 0 || picks[p] !== picks[p - 1]) out.push(idx[picks[p]]);
    j = k;
  }
  return out;
}

/** Decimates to about `target` points: LTTB for smooth curves, min-max when asked for extremes. */
export function decimate(xs: Num, ys: Num, target: number, mode: 'lttb' | 'minmax' = 'lttb'): number[] {
  return mode === 'minmax' ? minMax(xs, ys, Math.max(1, Math.floor(target / 4))) : lttb(xs, ys, target);
}
