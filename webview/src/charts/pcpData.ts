/**
 * Parallel-coordinates data (pure): unit positions per axis, the density layer drawn above a few
 * thousand trials (a 2-D histogram of (left, right) positions per pair of adjacent axes), a
 * deterministic sample of lines, and brush ↔ range conversion.
 */
import type { TrialStore } from '../state/store';
import { type AxisScale, fromUnit, toUnit } from './axes';

/** Above this many trials the chart draws density + a sample instead of every line. */
export const DENSITY_THRESHOLD = 3000;

/** units[a][i]: unit position of row i on axis a (NaN: missing). Axis ranges are the store's. */
export function unitColumns(store: TrialStore, axes: number[], prev?: Float32Array[], rows?: number[]): Float32Array[] {
  const n = store.size;
  return axes.map((a, k) => {
    const s = store.scales[a];
    const col = store.cols[a];
    let u = prev?.[k];
    if (!u || u.length < n || !rows) {
      u = new Float32Array(Math.max(16, n * (rows ? 2 : 1)));
      fillUnits(s, col, u, 0, n);
    } else for (const i of rows) u[i] = toUnit(s, col[i]);
    return u;
  });
}

/** toUnit over rows [from, to), specialised per scale kind (the hot loop at 100k trials). */
function fillUnits(s: AxisScale, col: Float64Array, u: Float32Array, from: number, to: number): void {
  if (s.kind === 'numeric' || s.kind === 'metric') {
    if (s.log && s.lo > 0) {
      const a = Math.log10(s.lo),
        span = Math.log10(s.hi) - a;
      for (let i = from; i < to; i++) {
        const x = col[i];
        u[i] = x > 0 ? (span === 0 ? 0.5 : (Math.log10(x) - a) / span) : NaN;
      }
      return;
    }
    if (!s.log) {
      const span = s.hi - s.lo,
        lo = s.lo;
      for (let i = from; i < to; i++) {
        const x = col[i];
        u[i] = x === x ? (span === 0 ? 0.5 : (x - lo) / span) : NaN;
      }
      return;
    }
  }
  for (let i = from; i < to; i++) u[i] = toUnit(s, col[i]);
}

export interface Density {
  bins: number;
  /** counts[p][l * bins + r]: lines between axis p (bin l) and axis p+1 (bin r). */
  counts: Uint32Array[];
  max: number;
}

/** 2-D histograms of adjacent axis pairs over rows with mask[i] = 1 (every row when no mask). */
export function density(units: Float32Array[], n: number, bins: number, mask?: Uint8Array): Density {
  const pairs = Math.max(0, units.length - 1);
  const counts: Uint32Array[] = [];
  let max = 0;
  const bin = (u: number) => {
    const b = Math.floor(u * bins);
    return b < 0 ? 0 : b >= bins ? bins - 1 : b;
  };
  for (let p = 0; p < pairs; p++) {
    const c = new Uint32Array(bins * bins);
    const L = units[p],
      R = units[p + 1];
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const l = L[i],
        r = R[i];
      if (l !== l || r !== r) continue;
      const k = bin(l) * bins + bin(r);
      const v = ++c[k];
      if (v > max) max = v;
    }
    counts.push(c);
  }
  return { bins, counts, max };
}

/** Bin of every row on each axis (0..bins-1; 255: missing), computed once per data change. */
export function binColumns(units: Float32Array[], n: number, bins: number, out?: Uint8Array[]): Uint8Array[] {
  return units.map((u, k) => {
    const b = out?.[k] && out[k].length >= n ? out[k] : new Uint8Array(Math.max(16, n));
    for (let i = 0; i < n; i++) {
      const x = u[i];
      if (x !== x) b[i] = 255;
      else {
        const v = Math.floor(x * bins);
        b[i] = v < 0 ? 0 : v >= bins ? bins - 1 : v;
      }
    }
    return b;
  });
}

/** density() from precomputed bins: one increment per row and axis pair. */
export function densityFromBins(bins: Uint8Array[], n: number, nb: number, mask?: Uint8Array): Density {
  const counts: Uint32Array[] = [];
  let max = 0;
  for (let p = 0; p + 1 < bins.length; p++) {
    const c = new Uint32Array(nb * nb);
    const L = bins[p],
      R = bins[p + 1];
    for (let i = 0; i < n; i++) {
      if (mask && !mask[i]) continue;
      const l = L[i],
        r = R[i];
      if (l === 255 || r === 255) continue;
      c[l * nb + r]++;
    }
    for (let k = 0; k < c.length; k++) if (c[k] > max) max = c[k];
    counts.push(c);
  }
  return { bins: nb, counts, max };
}

/** Up to `max` rows with mask[i] = 1 at an even stride (deterministic). */
export function sampleRows(n: number, max: number, mask?: Uint8Array, count?: number): Int32Array {
  const total = count ?? (mask ? mask.subarray(0, n).reduce((s, v) => s + v, 0) : n);
  const take = Math.min(max, total);
  const out = new Int32Array(take);
  if (take === 0) return out;
  const stride = total / take;
  let k = 0,
    seen = 0,
    next = 0;
  for (let i = 0; i < n && k < take; i++) {
    if (mask && !mask[i]) continue;
    if (seen >= next) {
      out[k++] = i;
      next += stride;
    }
    seen++;
  }
  return k === take ? out : out.slice(0, k);
}

/** A brush dragged from unit u0 to u1 on an axis → a raw range for the filters. */
export function brushRange(s: AxisScale, u0: number, u1: number): [number, number] {
  const a = Math.max(0, Math.min(1, Math.min(u0, u1)));
  const b = Math.max(0, Math.min(1, Math.max(u0, u1)));
  let lo = fromUnit(s, a),
    hi = fromUnit(s, b);
  if (s.kind === 'categorical') {
    // snap to the categories covered
    const mid = Math.round((lo + hi) / 2);
    lo = Math.ceil(lo - 1e-9);
    hi = Math.floor(hi + 1e-9);
    if (lo > hi) lo = hi = mid;
  }
  return [lo, hi];
}

/** A raw range → unit [lo, hi] on the axis (for drawing the brush). */
export function rangeUnits(s: AxisScale, r: [number, number]): [number, number] {
  const a = toUnit(s, r[0]),
    b = toUnit(s, r[1]);
  const lo = Number.isFinite(a) ? a : 0,
    hi = Number.isFinite(b) ? b : 1;
  return [Math.max(0, Math.min(lo, hi)), Math.min(1, Math.max(lo, hi))];
}

/** Index of the axis whose x (in px) is within `tol` of `x`, else -1. */
export function axisAt(xs: number[], x: number, tol: number): number {
  let best = -1,
    bd = tol;
  for (let k = 0; k < xs.length; k++) {
    const d = Math.abs(xs[k] - x);
    if (d <= bd) {
      bd = d;
      best = k;
    }
  }
  return best;
}

/**
 * Rasterizes a density into an accumulation buffer of W × H pixels: each non-empty bin pair
 * becomes a 1-px line from (xs[p], y(l)) to (xs[p+1], y(r)) adding its count to every pixel it
 * crosses (vertical runs filled, so steep lines have no gaps). Coordinates are in buffer pixels.
 * One putImageData then draws the whole layer, instead of thousands of alpha-blended strokes.
 */
export function rasterDensity(
  d: Density,
  xs: number[],
  yOf: (u: number) => number,
  W: number,
  H: number,
  acc?: Float32Array,
): Float32Array {
  const buf = acc && acc.length === W * H ? acc : new Float32Array(W * H);
  if (acc === buf) buf.fill(0);
  const ys = new Float64Array(d.bins);
  for (let b = 0; b < d.bins; b++) ys[b] = yOf((b + 0.5) / d.bins);
  const nb = d.bins;
  for (let p = 0; p < d.counts.length; p++) {
    const c = d.counts[p];
    const x0 = Math.round(xs[p]),
      x1 = Math.round(xs[p + 1]);
    const span = x1 - x0;
    if (span <= 0) continue;
    // the columns inside the buffer, clipped once
    const xa = Math.max(x0, 0),
      xb = Math.min(x1, W);
    if (xa >= xb) continue;
    for (let l = 0; l < nb; l++) {
      const ya = ys[l];
      const row = l * nb;
      for (let r = 0; r < nb; r++) {
        const v = c[row + r];
        if (!v) continue;
        const slope = (ys[r] - ya) / span;
        // y before column xa (the previous column's end), then one step per column
        let y = ya + slope * (xa - x0);
        let prev = Math.round(y);
        for (let X = xa; X < xb; X++) {
          y += slope;
          const yi = Math.round(y);
          let lo = Math.min(prev, yi),
            hi = Math.max(prev, yi);
          if (lo < 0) lo = 0;
          if (hi >= H) hi = H - 1;
          for (let Y = lo, o = lo * W + X; Y <= hi; Y++, o += W) buf[o] += v;
          prev = yi;
        }
      }
    }
  }
  return buf;
}
