/**
 * Hyperparameter importance over finished trials, as W&B's importance panel shows it:
 * an importance per parameter plus its correlation with the metric.
 *
 * Method 'fanova' (default): a functional ANOVA of an additive surrogate. The metric y is
 * modelled as y ≈ μ + Σ_j f_j(x_j) over the parameters' unit-cube coordinates (toUnit: log
 * parameters on their log scale, categoricals by value), fitted by backfitting (Hastie &
 * Tibshirani) with one smoother per parameter:
 *   - numeric: B equal-width bins of the unit coordinate (B = clamp(round(2·n^(1/3)), 2, 32));
 *     the fitted curve interpolates linearly between the bins' (mean x, mean residual) points
 *     (so a linear effect is fitted exactly);
 *   - categorical: one mean per value.
 * The importance of a parameter is the share of the metric's variance its main effect explains,
 * Var(f_j) / Var(y), less its expected share from noise alone (df_j · σ̂² / n, σ̂² the residual
 * variance), floored at 0: fANOVA's first-order (individual) importance, with a cheap additive
 * surrogate instead of a random forest. `explained` (Σ importances) below ~0.8 says that
 * interactions, which this model leaves out, matter.
 * y is the trial's value (last reported metric.name). With `transform: 'rank'` it is replaced by
 * its rank (ties averaged), so that a few diverged trials (loss 1e6) do not take all the
 * variance; the default 'auto' ranks when the values are heavy-tailed (max |z| > 6).
 *
 * Method 'ped-anova' (Watanabe et al., IJCAI 2023, as optuna's PedAnovaImportanceEvaluator):
 * the Pearson divergence between the distribution of a parameter in the top `quantile` (default
 * 0.1) of trials (by goal) and in all trials, each a Gaussian Parzen estimate on a 64-point grid
 * of the unit coordinate (Scott bandwidth) or Laplace-smoothed frequencies for categoricals;
 * normalised to sum to 1. It answers "where do the good trials concentrate", and cannot rank
 * parameters whose effect is tiny next to the top quantile's sampling noise.
 *
 * Correlation: Pearson's r between the unit coordinate and y (raw values), and Spearman's ρ;
 * null for categoricals and constant columns. Its sign is the metric's own: with goal
 * 'minimize' a negative correlation means "larger values are better".
 * Trials used: status 'completed' (or no status) with a finite value and every parameter in the
 * space; `statuses` widens that (e.g. ['completed', 'stopped', 'pruned']).
 * Deterministic: no randomness at all.
 */

import { numericToUnit, searchDims, valueKey } from '../space/transform';
import type { CategoricalParam, FlatParams, Goal, NumericParam, ParamSpec, Space } from '../space/types';

export interface ImportanceTrial {
  params: FlatParams;
  value?: number;
  status?: string;
}

export interface ImportanceOptions {
  method?: 'fanova' | 'ped-anova';
  transform?: 'auto' | 'none' | 'rank';
  /** Bins per numeric parameter (fanova); default clamp(round(2·n^(1/3)), 2, 32). */
  bins?: number;
  /** Backfitting sweeps (fanova), default 20. */
  iterations?: number;
  /** Top share of trials (ped-anova), default 0.1. */
  quantile?: number;
  /** Trial statuses used, default ['completed'] (a trial without status always counts). */
  statuses?: readonly string[];
}

export interface ParamImportance {
  name: string;
  kind: 'numeric' | 'categorical';
  /** fanova: share of variance (0…1); ped-anova: share of the total divergence (sums to 1). */
  importance: number;
  /** Pearson r of the unit coordinate with the metric; null for categoricals. */
  correlation: number | null;
  spearman: number | null;
}

export interface ImportanceReport {
  params: ParamImportance[];
  method: 'fanova' | 'ped-anova';
  /** Trials used. */
  n: number;
  /** fanova: Σ importances (the additive model's R², noise-corrected). */
  explained?: number;
  transform: 'none' | 'rank';
  note?: string;
}

interface Column {
  spec: ParamSpec;
  /** unit coordinate (numeric) */
  u: Float64Array;
  /** category index (categorical), -1 otherwise */
  cat: Int32Array | null;
  levels: number;
}

function buildColumns(trials: readonly ImportanceTrial[], space: Space, statuses: readonly string[]): { cols: Column[]; y: Float64Array } {
  const dims = searchDims(space);
  // category index by value: primitives by typeof+text (fast), objects by canonical JSON
  const keyOf = (v: unknown): string => (v !== null && typeof v === 'object' ? `o${valueKey(v as never)}` : `${typeof v}:${String(v)}`);
  const catIndex = dims.map((p) => (p.kind === 'categorical' ? new Map(p.values.map((v, i) => [keyOf(v), i] as const)) : null));
  // a categorical's unit coordinate is never needed (it is smoothed by value)
  const keep: number[] = [];
  const ys: number[] = [];
  const d = dims.length;
  const uBuf = new Float64Array(trials.length * d);
  const cBuf = new Int32Array(trials.length * d);
  const allowed = new Set(statuses);
  outer: for (let t = 0; t < trials.length; t++) {
    const tr = trials[t];
    if (tr.status !== undefined && !allowed.has(tr.status)) continue;
    if (typeof tr.value !== 'number' || !Number.isFinite(tr.value)) continue;
    const base = keep.length * d;
    for (let j = 0; j < d; j++) {
      const p = dims[j];
      const v = tr.params[p.name];
      if (p.kind === 'categorical') {
        const k = v === undefined ? undefined : catIndex[j]!.get(keyOf(v));
        if (k === undefined) continue outer;
        cBuf[base + j] = k;
      } else {
        const u = typeof v === 'number' ? numericToUnit(p as NumericParam, v) : NaN;
        if (!Number.isFinite(u)) continue outer;
        uBuf[base + j] = u;
      }
    }
    keep.push(t);
    ys.push(tr.value);
  }
  const n = ys.length;
  const cols: Column[] = dims.map((spec, j) => {
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = uBuf[i * d + j];
    let cat: Int32Array | null = null;
    if (spec.kind === 'categorical') {
      cat = new Int32Array(n);
      for (let i = 0; i < n; i++) cat[i] = cBuf[i * d + j];
    }
    return { spec, u, cat, levels: spec.kind === 'categorical' ? (spec as CategoricalParam).values.length : 0 };
  });
  return { cols, y: Float64Array.from(ys) };
}

/** Ranks 1…n, ties get their average rank (NaN-free input). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const sorted = Float64Array.from(x as ArrayLike<number>).sort();
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (sorted[m] < v) lo = m + 1;
      else hi = m;
    }
    let up = lo;
    if (up + 1 < n && sorted[up + 1] === v) {
      let h = n;
      let l = lo;
      while (l < h) {
        const m = (l + h) >>> 1;
        if (sorted[m] <= v) l = m + 1;
        else h = m;
      }
      up = l - 1;
    }
    r[i] = (lo + up) / 2 + 1;
  }
  return r;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  if (n < 3) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (!(saa > 1e-300 && sbb > 1e-300)) return null;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

function variance(x: ArrayLike<number>): number {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - m) * (x[i] - m);
  return s / n;
}

function heavyTailed(y: Float64Array): boolean {
  const n = y.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i];
  m /= n;
  const sd = Math.sqrt(variance(y));
  if (!(sd > 0)) return false;
  for (let i = 0; i < n; i++) if (Math.abs(y[i] - m) / sd > 6) return true;
  return false;
}

/** Smoother for one parameter: fitted values of r at each row, written into `out`; returns df. */
type Smoother = (r: Float64Array, out: Float64Array) => number;

function numericSmoother(u: Float64Array, bins: number): Smoother {
  const n = u.length;
  const bin = new Int32Array(n);
  for (let i = 0; i < n; i++) bin[i] = Math.min(bins - 1, Math.max(0, Math.floor(u[i] * bins)));
  const count = new Float64Array(bins);
  const sumU = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    count[bin[i]]++;
    sumU[bin[i]] += u[i];
  }
  // the non-empty bins, in order, with their mean coordinate
  const used: number[] = [];
  for (let b = 0; b < bins; b++) if (count[b] > 0) used.push(b);
  const xs = used.map((b) => sumU[b] / count[b]);
  // distinct coordinates: a bin whose points all share one x (integers) is one knot
  const k = used.length;
  // for each row: the segment (left knot index) and its weight
  const left = new Int32Array(n);
  const w = new Float64Array(n);
  const pos = new Int32Array(bins).fill(-1);
  used.forEach((b, i) => {
    pos[b] = i;
  });
  for (let i = 0; i < n; i++) {
    const kb = pos[bin[i]];
    const x = u[i];
    let l = x >= xs[kb] ? kb : kb - 1;
    if (l < 0) l = 0;
    if (l > k - 2) l = Math.max(0, k - 2);
    left[i] = l;
    if (k < 2) w[i] = 0;
    else {
      const span = xs[l + 1] - xs[l];
      w[i] = span > 0 ? (x - xs[l]) / span : 0;
    }
  }
  const sumR = new Float64Array(bins);
  const mean = new Float64Array(k);
  return (r, out) => {
    sumR.fill(0);
    for (let i = 0; i < n; i++) sumR[bin[i]] += r[i];
    for (let j = 0; j < k; j++) mean[j] = sumR[used[j]] / count[used[j]];
    if (k < 2) {
      for (let i = 0; i < n; i++) out[i] = k === 1 ? mean[0] : 0;
      return 0;
    }
    for (let i = 0; i < n; i++) {
      const l = left[i];
      out[i] = mean[l] + w[i] * (mean[l + 1] - mean[l]);
    }
    return k - 1;
  };
}

function categoricalSmoother(cat: Int32Array, levels: number): Smoother {
  const n = cat.length;
  const count = new Float64Array(levels);
  for (let i = 0; i < n; i++) count[cat[i]]++;
  const used = Array.from(count).filter((c) => c > 0).length;
  const sum = new Float64Array(levels);
  return (r, out) => {
    sum.fill(0);
    for (let i = 0; i < n; i++) sum[cat[i]] += r[i];
    for (let i = 0; i < n; i++) out[i] = sum[cat[i]] / count[cat[i]];
    return Math.max(0, used - 1);
  };
}

function fanova(cols: Column[], y: Float64Array, opts: ImportanceOptions): { importance: number[]; explained: number } {
  const n = y.length;
  const d = cols.length;
  const bins = opts.bins ?? Math.min(32, Math.max(2, Math.round(2 * Math.cbrt(n))));
  const iterations = opts.iterations ?? 20;
  let mu = 0;
  for (let i = 0; i < n; i++) mu += y[i];
  mu /= n;
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[i] - mu;
  const vy = variance(yc);
  if (!(vy > 0)) return { importance: cols.map(() => 0), explained: 0 };
  const smoothers = cols.map((c) => (c.cat ? categoricalSmoother(c.cat, c.levels) : numericSmoother(c.u, bins)));
  const f = cols.map(() => new Float64Array(n));
  const total = new Float64Array(n);
  const r = new Float64Array(n);
  const tmp = new Float64Array(n);
  const df = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    let change = 0;
    for (let j = 0; j < d; j++) {
      const fj = f[j];
      for (let i = 0; i < n; i++) r[i] = yc[i] - total[i] + fj[i];
      df[j] = smoothers[j](r, tmp);
      let m = 0;
      for (let i = 0; i < n; i++) m += tmp[i];
      m /= n;
      for (let i = 0; i < n; i++) {
        const v = tmp[i] - m;
        const delta = v - fj[i];
        change += delta * delta;
        total[i] += delta;
        fj[i] = v;
      }
    }
    if (change / n < 1e-12 * vy) break;
  }
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (yc[i] - total[i]) ** 2;
  const dfAll = df.reduce((a, b) => a + b, 0);
  const sigma2 = n - dfAll - 1 > 0 ? rss / (n - dfAll - 1) : rss / n;
  const importance = f.map((fj, j) => Math.max(0, (variance(fj) - (df[j] * sigma2) / n) / vy));
  return { importance, explained: importance.reduce((a, b) => a + b, 0) };
}

const GRID = 64;

function parzen(u: ArrayLike<number>, idx: readonly number[] | Int32Array, out: Float64Array): void {
  const m = idx.length;
  let mean = 0;
  for (let k = 0; k < m; k++) mean += u[idx[k]];
  mean /= m;
  let v = 0;
  for (let k = 0; k < m; k++) v += (u[idx[k]] - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(1, m - 1));
  const h = Math.max(1.059 * (sd > 0 ? sd : 0.3) * m ** -0.2, 1 / GRID);
  out.fill(0);
  // binned KDE: histogram on the grid, then a Gaussian blur (O(m + GRID²))
  const hist = new Float64Array(GRID);
  for (let k = 0; k < m; k++) hist[Math.min(GRID - 1, Math.max(0, Math.floor(u[idx[k]] * GRID)))]++;
  let total = 0;
  for (let g = 0; g < GRID; g++) {
    const x = (g + 0.5) / GRID;
    let s = 0;
    for (let b = 0; b < GRID; b++) {
      if (hist[b] === 0) continue;
      const z = (x - (b + 0.5) / GRID) / h;
      s += hist[b] * Math.exp(-0.5 * z * z);
    }
    out[g] = s;
    total += s;
  }
  for (let g = 0; g < GRID; g++) out[g] /= total;
}

function pedAnova(cols: Column[], y: Float64Array, goal: Goal, quantile: number): number[] {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (goal === 'maximize' ? y[b] - y[a] : y[a] - y[b]));
  const top = order.slice(0, Math.max(2, Math.ceil(quantile * n)));
  const all = order;
  const div = cols.map((c) => {
    if (c.cat) {
      const pt = new Float64Array(c.levels).fill(1);
      const pa = new Float64Array(c.levels).fill(1);
      for (const i of top) pt[c.cat[i]]++;
      for (const i of all) pa[c.cat[i]]++;
      const st = pt.reduce((a, b) => a + b, 0);
      const sa = pa.reduce((a, b) => a + b, 0);
      let s = 0;
      for (let k = 0; k < c.levels; k++) {
        const a = pa[k] / sa;
        const t = pt[k] / st;
        s += a * (t / a - 1) ** 2;
      }
      return s;
    }
    const pt = new Float64Array(GRID);
    const pa = new Float64Array(GRID);
    parzen(c.u, top, pt);
    parzen(c.u, all, pa);
    let s = 0;
    for (let g = 0; g < GRID; g++) if (pa[g] > 0) s += pa[g] * (pt[g] / pa[g] - 1) ** 2;
    return s;
  });
  const sum = div.reduce((a, b) => a + b, 0);
  return div.map((v) => (sum > 0 ? v / sum : 0));
}

/** The full report (method, n, explained variance); `computeImportance` returns its params. */
export function importanceReport(
  trials: readonly ImportanceTrial[],
  space: Space,
  goal: Goal,
  opts: ImportanceOptions = {},
): ImportanceReport {
  const method = opts.method ?? 'fanova';
  const { cols, y: raw } = buildColumns(trials, space, opts.statuses ?? ['completed']);
  const n = raw.length;
  const want = opts.transform ?? 'auto';
  const transform: 'none' | 'rank' = want === 'auto' ? (n > 2 && heavyTailed(raw) ? 'rank' : 'none') : want;
  const y = transform === 'rank' ? ranks(raw) : raw;
  const rawRanks = ranks(raw);
  const correlations = cols.map((c) => {
    if (c.cat) return { correlation: null, spearman: null };
    return { correlation: pearson(c.u, raw), spearman: pearson(ranks(c.u), rawRanks) };
  });
  let importance: number[];
  let explained: number | undefined;
  let note: string | undefined;
  if (n < 3 || cols.length === 0) {
    importance = cols.map(() => 0);
    note = cols.length === 0 ? 'the space has no parameters to rank' : `${n} finished trial(s) with a value: importance needs at least 3`;
  } else if (method === 'ped-anova') {
    importance = pedAnova(cols, y, goal, opts.quantile ?? 0.1);
  } else {
    const r = fanova(cols, y, opts);
    importance = r.importance;
    explained = r.explained;
    if (explained < 0.8 && n >= 20)
      note = `the parameters' separate effects explain ${Math.round(explained * 100)}% of the variance: interactions or noise explain the rest`;
  }
  const params: ParamImportance[] = cols.map((c, j) => ({
    name: c.spec.name,
    kind: c.cat ? 'categorical' : 'numeric',
    importance: importance[j],
    correlation: correlations[j].correlation,
    spearman: correlations[j].spearman,
  }));
  params.sort(
    (a, b) => b.importance - a.importance || Math.abs(b.correlation ?? 0) - Math.abs(a.correlation ?? 0) || a.name.localeCompare(b.name),
  );
  return { params, method, n, explained, transform, note };
}

/** Importance and correlation per search parameter, most important first. */
export function computeImportance(
  trials: readonly ImportanceTrial[],
  space: Space,
  goal: Goal,
  opts: ImportanceOptions = {},
): ParamImportance[] {
  return importanceReport(trials, space, goal, opts).params;
}
