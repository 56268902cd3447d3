/**
 * The dashboard's state (pure, no DOM): the host's `snapshot`, then its `append`s, folded into
 * rows plus columnar arrays (one Float64Array per axis, the metric, a status code) so filtering,
 * brushing and drawing 100k trials never walk objects. Appends are incremental: a changed trial
 * updates its slots in O(axes), new metric points are pushed onto the trial's series.
 */
import type { HostMessage, MetricPoints, SweepMeta, TrialRow, TrialStatus } from '../../../src/protocol/messages';
import { AxisScale, METRIC_AXIS, categoryKey, fitRange, numericValue, paramScale } from '../charts/axes';

export const STATUSES: readonly TrialStatus[] = ['pending', 'running', 'completed', 'failed', 'stopped', 'pruned', 'interrupted'];
export const STATUS_CODE: Readonly<Record<TrialStatus, number>> = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<TrialStatus, number>;

export interface Series {
  attempt: number;
  steps: number[];
  values: number[];
}

/** What an update touched (for views to redraw only what changed). */
export interface Change {
  meta: boolean;
  /** Axes or their ranges changed: every column position must be recomputed. */
  axes: boolean;
  /** Row indices whose trial changed or appeared. */
  trials: number[];
  /** Trial ids whose metric series got points. */
  series: number[];
  /** The whole store was replaced (snapshot). */
  reset: boolean;
}

export class TrialStore {
  meta: SweepMeta | undefined;
  rows: TrialRow[] = [];
  /** Row index by trial id. */
  readonly indexById = new Map<number, number>();
  /** Scales of the non-constant params, then the metric (last). */
  scales: AxisScale[] = [];
  /** Every param axis including constants (table columns). */
  paramNames: string[] = [];
  /** cols[a][i]: raw value of axis `a` for row i (category index for categorical), NaN if missing. */
  cols: Float64Array[] = [];
  /** The sweep metric per row (NaN: none); same as the last column. */
  metric: Float64Array = new Float64Array(0);
  status: Uint8Array = new Uint8Array(0);
  readonly counts: Record<TrialStatus, number> = emptyCounts();
  /** series.get(trialId).get(metricName) */
  readonly series = new Map<number, Map<string, Series>>();
  /** Total metric points held (for the streaming bench and the header). */
  points = 0;
  bestIndex = -1;
  /** Some trial carries a fit diagnosis (the table shows its column then). */
  hasFit = false;
  /** Bumped on every change. */
  rev = 0;
  private declared: boolean[] = [];
  /** A categorical axis grew a category (every unit position on it moved). */
  private categoriesGrew = false;

  get size(): number {
    return this.rows.length;
  }

  get minimize(): boolean {
    return this.meta?.metric.goal !== 'maximize';
  }

  get metricName(): string {
    return this.meta?.metric.name ?? 'metric';
  }

  /** Applies a host message; returns what changed, or undefined for messages that hold no state. */
  apply(msg: HostMessage): Change | undefined {
    if (msg.type === 'snapshot') return this.snapshot(msg.meta, msg.trials, msg.series);
    if (msg.type === 'append') return this.append(msg.meta, msg.trials, msg.series);
    return undefined;
  }

  snapshot(meta: SweepMeta, trials: TrialRow[], series: MetricPoints[]): Change {
    this.meta = meta;
    this.rows = [];
    this.indexById.clear();
    this.series.clear();
    this.points = 0;
    this.bestIndex = -1;
    this.hasFit = false;
    Object.assign(this.counts, emptyCounts());
    this.setupAxes(meta, Math.max(16, trials.length));
    for (const t of trials) this.upsert(t);
    for (const s of series) this.addPoints(s);
    this.refit();
    this.categoriesGrew = false;
    this.rev++;
    return { meta: true, axes: true, trials: [], series: [], reset: true };
  }

  append(meta: SweepMeta | undefined, trials: TrialRow[], series: MetricPoints[]): Change {
    const change: Change = { meta: false, axes: false, trials: [], series: [], reset: false };
    if (meta) {
      change.meta = true;
      const before = this.meta ? axesKey(this.meta) : '';
      this.meta = meta;
      if (axesKey(meta) !== before) {
        // A different space (should not happen within a sweep): rebuild every column.
        const rows = this.rows;
        this.rows = [];
        this.indexById.clear();
        Object.assign(this.counts, emptyCounts());
        this.bestIndex = -1;
        this.setupAxes(meta, Math.max(16, rows.length));
        for (const r of rows) this.upsert(r);
        change.axes = true;
      }
    }
    for (const t of trials) change.trials.push(this.upsert(t));
    for (const s of series) {
      this.addPoints(s);
      change.series.push(s.trial);
    }
    if (this.refit() || this.categoriesGrew) change.axes = true;
    this.categoriesGrew = false;
    this.rev++;
    return change;
  }

  row(id: number): TrialRow | undefined {
    const i = this.indexById.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  get best(): TrialRow | undefined {
    return this.bestIndex >= 0 ? this.rows[this.bestIndex] : undefined;
  }

  /** True when `a` is a better metric value than `b` (NaN is never better). */
  better(a: number, b: number): boolean {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return this.minimize ? a < b : a > b;
  }

  seriesOf(id: number, name = this.metricName): Series | undefined {
    return this.series.get(id)?.get(name);
  }

  /** Column index of an axis by name (METRIC_AXIS for the metric), -1 if none. */
  axisIndex(name: string): number {
    return this.scales.findIndex((s) => s.name === name);
  }

  private setupAxes(meta: SweepMeta, capacity: number): void {
    this.paramNames = meta.axes.map((a) => a.name);
    const params = meta.axes.filter((a) => a.kind !== 'constant');
    this.scales = params.map(paramScale);
    this.declared = params.map((a) => a.kind === 'numeric' && Number.isFinite(a.min) && Number.isFinite(a.max));
    this.scales.push({ name: METRIC_AXIS, label: meta.metric.name, kind: 'metric', log: false, integer: false, lo: NaN, hi: NaN, categories: [] });
    this.declared.push(false);
    this.cols = this.scales.map(() => new Float64Array(capacity).fill(NaN));
    this.metric = this.cols[this.cols.length - 1];
    this.status = new Uint8Array(capacity);
  }

  private grow(need: number): void {
    const cap = this.status.length;
    if (need <= cap) return;
    const next = Math.max(need, cap * 2);
    this.cols = this.cols.map((c) => {
      const n = new Float64Array(next).fill(NaN);
      n.set(c);
      return n;
    });
    this.metric = this.cols[this.cols.length - 1];
    const st = new Uint8Array(next);
    st.set(this.status);
    this.status = st;
  }

  /** Inserts or replaces a trial; returns its row index. */
  private upsert(t: TrialRow): number {
    let i = this.indexById.get(t.id);
    if (i === undefined) {
      i = this.rows.length;
      this.grow(i + 1);
      this.rows.push(t);
      this.indexById.set(t.id, i);
    } else {
      this.counts[this.rows[i].status]--;
      this.rows[i] = t;
    }
    this.counts[t.status] = (this.counts[t.status] ?? 0) + 1;
    if (t.fit) this.hasFit = true;
    this.status[i] = STATUS_CODE[t.status] ?? 0;
    const m = this.scales.length - 1;
    for (let a = 0; a < m; a++) {
      const s = this.scales[a];
      const v = t.params[s.name];
      if (s.kind === 'categorical') {
        if (v === undefined) this.cols[a][i] = NaN;
        else {
          const key = categoryKey(v);
          let k = s.categories.indexOf(key);
          if (k < 0) {
            k = s.categories.push(key) - 1;
            s.hi = Math.max(0, s.categories.length - 1);
            this.categoriesGrew = true;
          }
          this.cols[a][i] = k;
        }
      } else this.cols[a][i] = numericValue(v);
    }
    const value = typeof t.value === 'number' && Number.isFinite(t.value) ? t.value : NaN;
    const prevBest = this.bestIndex;
    const old = this.metric[i];
    this.metric[i] = value;
    if (prevBest === i) {
      if (Number.isNaN(value) || this.better(old, value)) this.recomputeBest();
    } else if (this.better(value, prevBest >= 0 ? this.metric[prevBest] : NaN)) this.bestIndex = i;
    return i;
  }

  private recomputeBest(): void {
    let b = -1;
    for (let i = 0; i < this.rows.length; i++) if (this.better(this.metric[i], b >= 0 ? this.metric[b] : NaN)) b = i;
    this.bestIndex = b;
  }

  private addPoints(p: MetricPoints): void {
    let byName = this.series.get(p.trial);
    if (!byName) this.series.set(p.trial, (byName = new Map()));
    let s = byName.get(p.name);
    if (!s || p.attempt > s.attempt) {
      if (s) this.points -= s.steps.length;
      s = { attempt: p.attempt, steps: [], values: [] };
      byName.set(p.name, s);
    } else if (p.attempt < s.attempt) return; // points of an older attempt
    const n = Math.min(p.steps.length, p.values.length);
    for (let k = 0; k < n; k++) {
      s.steps.push(p.steps[k]);
      const v = p.values[k];
      s.values.push(typeof v === 'number' ? v : NaN);
    }
    this.points += n;
  }

  /** Fits data-driven ranges (metric, unbounded params). Returns true when a range moved. */
  private refit(): boolean {
    let changed = false;
    const n = this.rows.length;
    for (let a = 0; a < this.scales.length; a++) {
      const s = this.scales[a];
      if (s.kind !== 'numeric' && s.kind !== 'metric') continue;
      const c = this.cols[a];
      let min = Infinity, max = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = c[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min <= max && fitRange(s, min, max, this.declared[a])) changed = true;
    }
    return changed;
  }
}

function emptyCounts(): Record<TrialStatus, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<TrialStatus, number>;
}

function axesKey(meta: SweepMeta): string {
  return JSON.stringify(meta.axes.map((a) => [a.name, a.kind, a.log ?? false]));
}
