/**
 * Maximise log-EI (math/logEi.ts) over [0, 1]^d:
 * 1. score a scrambled Sobol set (seeded from the rng) plus Gaussian perturbations of the best
 *    observed points, with categorical coordinates drawn among their values' cell centres;
 * 2. refine the best few, distinct starts with bounded L-BFGS on the numeric coordinates
 *    (analytic gradient of log-EI through the posterior mean and variance), then sweep each
 *    categorical dimension over its values and re-refine when a value changed;
 * 3. snap integer/q/categorical coordinates (encoding.ts; candidates are scored snapped too) and
 *    return the best point of the refined starts and top candidates that is not already in the
 *    data — a snapped optimum can fall on a trial that has run — nor `exclude`d (configs tried by
 *    trials the model does not hold: capped history, interrupted); when every one is, the best
 *    of `fallback` (e.g. the untried configs of a finite space) that is neither.
 */
import { minimizeLbfgs } from '../../math/lbfgs';
import { logHWithGrad } from '../../math/logEi';
import type { Rng } from '../../random/rng';
import { SobolSequence } from '../sobol';
import { SOBOL_MAX_DIMS } from '../sobolDirections';
import { type DimEncoding, snapCoordinate } from './encoding';
import type { GpModel } from './gpModel';

export interface AcquisitionOptions {
  model: GpModel;
  dims: readonly DimEncoding[];
  /** Best (lowest) standardised observed value. */
  best: number;
  /** Observed points, best first, to perturb (rows of length d). */
  anchors: readonly Float64Array[];
  rng: Rng;
  /** Sobol candidates (default 1024). */
  candidates?: number;
  /** Perturbations per anchor (default 32). */
  perAnchor?: number;
  /** Starts refined by L-BFGS (default 5). */
  localStarts?: number;
  maxIter?: number;
  /** Points not to return (already tried), beside the model's own data. */
  exclude?: (x: Float64Array) => boolean;
  /** Snapped points scored only when every pooled point is in the data or excluded. */
  fallback?: () => readonly Float64Array[];
}

export interface AcquisitionResult {
  x: Float64Array;
  logEi: number;
  /** The point is in the data or excluded: nothing new was found. */
  repeat: boolean;
}

/** log EI at x; with `grad`, its gradient in x (numeric dimensions) is written there. */
export function logEiAt(model: GpModel, best: number, x: ArrayLike<number>, grad?: Float64Array): number {
  const d = model.d;
  const dMean = grad ? new Float64Array(d) : undefined;
  const dVar = grad ? new Float64Array(d) : undefined;
  const { mean, variance } = model.predictWithGrad(x, dMean, dVar);
  const sd = Math.sqrt(variance);
  const z = (best - mean) / sd;
  const { value, grad: dh } = logHWithGrad(z);
  if (grad && dMean && dVar) {
    // log EI = log h(z) + log σ; z = (best − μ)/σ; dσ = dVar / (2σ)
    for (let j = 0; j < d; j++) {
      const dSd = dVar[j] / (2 * sd);
      const dz = (-dMean[j] - z * dSd) / sd;
      grad[j] = dh * dz + dSd / sd;
    }
  }
  return value + Math.log(sd);
}

/** Whether x coincides with a row of the model's data (observed or pending). */
function inData(model: GpModel, x: ArrayLike<number>): boolean {
  const { X, n, d } = model;
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let j = 0; j < d && same; j++) same = Math.abs(X[i * d + j] - x[j]) < 1e-12;
    if (same) return true;
  }
  return false;
}

export function optimizeAcquisition(opts: AcquisitionOptions): AcquisitionResult {
  const { model, dims, best, rng } = opts;
  const d = dims.length;
  const catDims = dims.map((dim, j) => (dim.kind === 'categorical' ? j : -1)).filter((j) => j >= 0);
  const pts: Float64Array[] = [];
  const nSobol = opts.candidates ?? 1024;
  const seq = d <= SOBOL_MAX_DIMS ? new SobolSequence({ dims: d, seed: rng.uint32() }) : undefined;
  const catValue = (j: number, u: number): number => {
    const c = dims[j].centres as number[];
    return c[Math.min(c.length - 1, Math.floor(u * c.length))];
  };
  for (let i = 0; i < nSobol; i++) {
    const p = seq ? Float64Array.from(seq.point(i)) : Float64Array.from({ length: d }, () => rng.next());
    for (const j of catDims) p[j] = catValue(j, p[j]);
    pts.push(p);
  }
  const perAnchor = opts.perAnchor ?? 32;
  for (const a of opts.anchors) {
    for (let r = 0; r < perAnchor; r++) {
      const scale = [0.2, 0.05, 0.01][r % 3];
      const p = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        if (dims[j].kind === 'categorical') p[j] = rng.next() < 0.8 ? a[j] : catValue(j, rng.next());
        else p[j] = Math.min(1, Math.max(0, a[j] + scale * rng.normal()));
      }
      pts.push(p);
    }
  }
  // score what would actually run: discrete and categorical coordinates snapped
  for (const p of pts) for (let j = 0; j < d; j++) p[j] = snapCoordinate(dims[j], p[j]);
  const scores = pts.map((p) => logEiAt(model, best, p));
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const starts: Float64Array[] = [];
  for (const i of order) {
    if (starts.length >= (opts.localStarts ?? 5)) break;
    if (!Number.isFinite(scores[i])) continue;
    if (starts.some((s) => s.every((v, j) => Math.abs(v - pts[i][j]) < 1e-6))) continue;
    starts.push(pts[i]);
  }
  if (starts.length === 0) starts.push(pts[order[0]]);

  const numeric = dims.map((dim) => dim.kind !== 'categorical');
  const lower = new Float64Array(d);
  const upper = new Float64Array(d).fill(1);
  const refine = (x0: Float64Array): { x: Float64Array; f: number } => {
    if (!numeric.some(Boolean)) return { x: x0, f: logEiAt(model, best, x0) };
    const fixed = Float64Array.from(x0);
    // categorical coordinates are pinned by equal bounds
    const lo = Float64Array.from(lower);
    const hi = Float64Array.from(upper);
    for (const j of catDims) {
      lo[j] = fixed[j];
      hi[j] = fixed[j];
    }
    const r = minimizeLbfgs(
      (x, g) => {
        const v = logEiAt(model, best, x, g);
        for (let j = 0; j < d; j++) g[j] = numeric[j] ? -g[j] : 0;
        return -v;
      },
      x0,
      { lower: lo, upper: hi, maxIter: opts.maxIter ?? 50, gtol: 1e-7, ftol: 1e-12 },
    );
    return { x: r.x, f: -r.f };
  };

  // final pool: the refined starts (snapped) and the best scored candidates; the winner is the
  // best point that is not already in the model's data (a snapped optimum can land on a trial
  // that has run, e.g. an integer next to the relaxed optimum)
  const pool: { x: Float64Array; f: number }[] = [];
  for (const s of starts) {
    let { x, f } = refine(s);
    for (let pass = 0; pass < 2 && catDims.length > 0; pass++) {
      let changed = false;
      for (const j of catDims) {
        for (const c of dims[j].centres as number[]) {
          if (c === x[j]) continue;
          const t = Float64Array.from(x);
          t[j] = c;
          const ft = logEiAt(model, best, t);
          if (ft > f) {
            x = t;
            f = ft;
            changed = true;
          }
        }
      }
      if (!changed) break;
      ({ x, f } = refine(x));
    }
    const snapped = x.map((v, j) => snapCoordinate(dims[j], v));
    pool.push({ x: snapped, f: logEiAt(model, best, snapped) });
  }
  for (const i of order.slice(0, 32)) pool.push({ x: pts[i], f: scores[i] });
  const ranked = pool.filter((p) => Number.isFinite(p.f)).sort((a, b) => b.f - a.f);
  const isNew = (x: Float64Array): boolean => !inData(model, x) && !opts.exclude?.(x);
  const fresh = ranked.find((p) => isNew(p.x));
  if (fresh) return { x: fresh.x, logEi: fresh.f, repeat: false };
  let alt: { x: Float64Array; f: number } | undefined;
  for (const x of opts.fallback?.() ?? []) {
    if (!isNew(x)) continue;
    const f = logEiAt(model, best, x);
    if (!alt || f > alt.f || (Number.isNaN(alt.f) && !Number.isNaN(f))) alt = { x, f };
  }
  if (alt) return { x: alt.x, logEi: alt.f, repeat: false };
  const top = ranked[0] ?? { x: pts[order[0]], f: scores[order[0]] };
  return { x: top.x, logEi: top.f, repeat: true };
}
