/**
 * The dashboard's state (pure, no DOM): the host's columnar `snapshot`, then its `append`s, folded
 * into growable typed-array columns: one per trial field, the raw values of every param, and one
 * Float64Array per chart axis (raw number, or category index) plus the metric. Filtering, brushing,
 * sorting and drawing 100k trials never walk objects; a TrialRow object is built only for the rows
 * a view shows (`rowAt`, cached until the trial changes). Appends are incremental: a changed trial
 * updates its slots in O(fields), new metric points are pushed onto the trial's series.
 */
import {
  encodeHostMessage,
  FIT_TAGS,
  type HostMessage,
  type ParamValue,
  type SeriesColumns,
  type StringColumn,
  type SweepMeta,
  TRIAL_STATUSES,
  type TrialColumns,
  type TrialRow,
  type TrialStatus,
  type WireHostMessage,
} from '../../../src/protocol/messages';
import { type AxisScale, categoryKey, fitRange, METRIC_AXIS, numericValue, paramScale } from '../charts/axes';

export const STATUSES: readonly TrialStatus[] = TRIAL_STATUSES;
export const STATUS_CODE: Readonly<Record<TrialStatus, number>> = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<
  TrialStatus,
  number
>;

/**
 * One metric series of one trial: steps and values in typed arrays. A snapshot's series are views
 * into the message's arrays (no copy); appending copies into a growable buffer.
 */
export class Series {
  private s: Float64Array | Int32Array;
  private v: Float64Array;
  /** Report times (epoch ms), parallel to s/v; undefined while no point carried one. */
  private t: Float64Array | undefined;
  /** Where this series starts in s/v/t (a snapshot's series share the message's arrays). */
  private off: number;
  private owned = false;
  length: number;

  constructor(
    readonly attempt: number,
    steps: Float64Array | Int32Array,
    values: Float64Array,
    from: number,
    to: number,
    times?: Float64Array,
  ) {
    this.s = steps;
    this.v = values;
    this.t = times;
    this.off = from;
    this.length = to - from;
  }

  get steps(): Float64Array | Int32Array {
    return this.s.subarray(this.off, this.off + this.length);
  }

  get values(): Float64Array {
    return this.v.subarray(this.off, this.off + this.length);
  }

  /** Report times (epoch ms, NaN: unknown), or undefined when the host sent none. */
  get times(): Float64Array | undefined {
    return this.t?.subarray(this.off, this.off + this.length);
  }

  /** Appends points a..b of (steps, values, times). */
  push(steps: Float64Array | Int32Array, values: Float64Array, a: number, b: number, times?: Float64Array): void {
    const need = this.length + (b - a);
    if (!this.owned || need > this.s.length) {
      const cap = Math.max(16, need, this.owned ? this.s.length * 2 : need);
      const s = new Float64Array(cap),
        v = new Float64Array(cap);
      s.set(this.steps);
      v.set(this.values);
      const t = this.t || times ? new Float64Array(cap).fill(NaN) : undefined;
      const old = this.times;
      if (t && old) t.set(old);
      this.s = s;
      this.v = v;
      this.t = t;
      this.off = 0;
      this.owned = true;
    } else if (times && !this.t) this.t = new Float64Array(this.s.length).fill(NaN);
    this.s.set(steps.subarray(a, b), this.length);
    this.v.set(values.subarray(a, b), this.length);
    if (this.t) {
      if (times) this.t.set(times.subarray(a, b), this.length);
      else this.t.fill(NaN, this.length, need);
    }
    this.length = need;
  }
}

/** Values by trial id: a plain array while ids are dense (they are trial numbers), else a Map. */
class IdMap<T> {
  private dense: (T | undefined)[] = [];
  private sparse: Map<number, T> | undefined;

  get(id: number): T | undefined {
    return this.sparse ? this.sparse.get(id) : this.dense[id];
  }

  set(id: number, v: T): void {
    if (!this.sparse && id > 4 * this.dense.length + 65_536) {
      this.sparse = new Map();
      this.dense.forEach((x, k) => {
        if (x !== undefined) this.sparse!.set(k, x);
      });
    }
    if (this.sparse) this.sparse.set(id, v);
    else {
      while (this.dense.length < id) this.dense.push(undefined);
      this.dense[id] = v;
    }
  }
}

/** Row index by trial id: a typed array while ids are dense (they are trial numbers), else a Map. */
class IdIndex {
  private dense: Int32Array = new Int32Array(0);
  private sparse: Map<number, number> | undefined;

  get(id: number): number | undefined {
    if (this.sparse) return this.sparse.get(id);
    const i = id < this.dense.length ? this.dense[id] : -1;
    return i >= 0 ? i : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, i: number, size: number): void {
    if (!this.sparse && id >= this.dense.length) {
      if (id > 4 * size + 65_536) {
        // ids far beyond the trial count: fall back to a Map
        this.sparse = new Map();
        for (let k = 0; k < this.dense.length; k++) if (this.dense[k] >= 0) this.sparse.set(k, this.dense[k]);
      } else {
        const next = new Int32Array(Math.max(id + 1, this.dense.length * 2, 1024)).fill(-1);
        next.set(this.dense);
        this.dense = next;
      }
    }
    if (this.sparse) this.sparse.set(id, i);
    else this.dense[id] = i;
  }

  clear(): void {
    this.dense = new Int32Array(0);
    this.sparse = undefined;
  }
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

/** Raw values of one param: a number (code -1), or a code into `dict`; NaN and -1: absent. */
interface RawParam {
  num: Float64Array;
  code: Int32Array;
  dict: ParamValue[];
  index: Map<string, number>;
}

class StringDict {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.push(s) - 1;
      this.index.set(s, c);
    }
    return c;
  }
  /** Codes of an incoming column's dictionary in this one. */
  map(col: StringColumn): Int32Array {
    return Int32Array.from(col.dict, (s) => this.code(s));
  }
}

function growF64(a: Float64Array, cap: number): Float64Array {
  const n = new Float64Array(cap).fill(NaN);
  n.set(a);
  return n;
}
function growI32(a: Int32Array, cap: number, fill = 0): Int32Array {
  const n = new Int32Array(cap);
  if (fill) n.fill(fill);
  n.set(a);
  return n;
}
function growU8(a: Uint8Array, cap: number): Uint8Array {
  const n = new Uint8Array(cap);
  n.set(a);
  return n;
}

export class TrialStore {
  meta: SweepMeta | undefined;
  size = 0;
  /** Row index by trial id. */
  readonly indexById = new IdIndex();
  /** Scales of the non-constant params, then the metric (last). */
  scales: AxisScale[] = [];
  /** Every param axis including constants (table columns). */
  paramNames: string[] = [];
  /** cols[a][i]: raw value of axis `a` for row i (category index for categorical), NaN if missing. */
  cols: Float64Array[] = [];
  /** The sweep metric per row (NaN: none); same as the last column. */
  metric: Float64Array = new Float64Array(0);
  ids: Int32Array = new Int32Array(0);
  status: Uint8Array = new Uint8Array(0);
  attempt: Int32Array = new Int32Array(0);
  bestValue: Float64Array = new Float64Array(0);
  step: Float64Array = new Float64Array(0);
  startedAt: Float64Array = new Float64Array(0);
  endedAt: Float64Array = new Float64Array(0);
  /** 0: none, else 1 + index into FIT_TAGS. */
  fit: Uint8Array = new Uint8Array(0);
  private reasonCode: Int32Array = new Int32Array(0);
  private fitReasonCode: Int32Array = new Int32Array(0);
  private reasons = new StringDict();
  private fitReasons = new StringDict();
  /** Raw param values by name (every param the host sent, constants included). */
  private params = new Map<string, RawParam>();
  /** Last value of each metric by name. */
  private lastCols = new Map<string, Float64Array>();
  private cap = 0;
  readonly counts: Record<TrialStatus, number> = emptyCounts();
  /** series.get(metricName).get(trialId) */
  readonly series = new Map<string, IdMap<Series>>();
  /** Trials whose series the snapshot left out and nobody asked for yet (their appends wait too). */
  readonly lazy = new Set<number>();
  /** Asked for, no reply yet (they still count as having a curve). */
  readonly pending = new Set<number>();
  /** Per metric other than the sweep's (the curves' chooser): trials whose series were asked for. */
  private readonly fetched = new Map<string, Set<number>>();
  /** Total metric points held (for the streaming bench and the header). */
  points = 0;
  bestIndex = -1;
  /** Some trial carries a fit diagnosis (the table shows its column then). */
  hasFit = false;
  /** Bumped on every change. */
  rev = 0;
  private declared: boolean[] = [];
  /** Per axis: category index (categorical) or number (numeric) of a raw dict code / raw number. */
  private codeCache: Map<number, number>[] = [];
  private numCache: Map<number, number>[] = [];
  private catIndex: Map<string, number>[] = [];
  private rowCache: (TrialRow | undefined)[] = [];
  /** A categorical axis grew a category (every unit position on it moved). */
  private categoriesGrew = false;
  /** An update overwrote a value on the edge of a data-driven range: refit over every row. */
  private edgeHit = false;

  get minimize(): boolean {
    return this.meta?.metric.goal !== 'maximize';
  }

  get metricName(): string {
    return this.meta?.metric.name ?? 'metric';
  }

  /**
   * Applies a host message (columnar, as posted; row messages are encoded first, for tests and
   * the synthetic sweeps). Returns what changed, or undefined for messages that hold no state.
   */
  apply(msg: HostMessage | WireHostMessage): Change | undefined {
    if (msg.type === 'series')
      return this.replaceSeries(
        (Array.isArray(msg.series) ? encodeHostMessage(msg as HostMessage) : msg) as Extract<WireHostMessage, { type: 'series' }>,
      );
    if (msg.type !== 'snapshot' && msg.type !== 'append') return undefined;
    const w = (Array.isArray(msg.trials) ? encodeHostMessage(msg as HostMessage) : msg) as Extract<
      WireHostMessage,
      { type: 'snapshot' | 'append' }
    >;
    if (w.type === 'snapshot') return this.snapshot(w.meta, w.trials, w.series, !!w.partialSeries);
    return this.append(w.meta, w.trials, w.series);
  }

  /** `partial`: the host left out the series of some trials that reported (they become lazy). */
  snapshot(meta: SweepMeta, trials: TrialColumns, series: SeriesColumns, partial = false): Change {
    this.meta = meta;
    this.size = 0;
    this.cap = 0;
    this.cols = [];
    this.ids = new Int32Array(0);
    this.status = new Uint8Array(0);
    this.attempt = new Int32Array(0);
    this.bestValue = new Float64Array(0);
    this.step = new Float64Array(0);
    this.startedAt = new Float64Array(0);
    this.endedAt = new Float64Array(0);
    this.fit = new Uint8Array(0);
    this.reasonCode = new Int32Array(0);
    this.fitReasonCode = new Int32Array(0);
    this.indexById.clear();
    this.series.clear();
    this.params.clear();
    this.lastCols.clear();
    this.reasons = new StringDict();
    this.fitReasons = new StringDict();
    this.rowCache = [];
    this.points = 0;
    this.bestIndex = -1;
    this.hasFit = false;
    Object.assign(this.counts, emptyCounts());
    this.setupAxes(meta);
    this.lazy.clear();
    this.pending.clear();
    this.fetched.clear();
    this.ingest(trials);
    this.addSeries(series);
    // trials that reported but whose series the host left out (a large sweep): fetched on demand
    const loaded = this.series.get(this.metricName);
    if (partial)
      for (let i = 0; i < this.size; i++) if (this.step[i] === this.step[i] && !loaded?.get(this.ids[i])) this.lazy.add(this.ids[i]);
    this.refit();
    this.categoriesGrew = false;
    this.rev++;
    return { meta: true, axes: true, trials: [], series: [], reset: true };
  }

  append(meta: SweepMeta | undefined, trials: TrialColumns, series: SeriesColumns): Change {
    const change: Change = { meta: false, axes: false, trials: [], series: [], reset: false };
    if (meta) {
      change.meta = true;
      const before = this.meta ? axesKey(this.meta) : '';
      this.meta = meta;
      if (axesKey(meta) !== before) {
        // A different space (should not happen within a sweep): derive every column again.
        this.setupAxes(meta);
        this.derive(0, this.size, null);
        change.axes = true;
      }
    }
    this.edgeHit = change.axes;
    const rows = this.ingest(trials);
    for (let k = 0; k < rows.length; k++) change.trials.push(rows[k]);
    this.addSeries(series, true);
    for (let k = 0; k < series.n; k++) change.series.push(series.trial[k]);
    if (this.refit(this.edgeHit ? undefined : rows) || this.categoriesGrew) change.axes = true;
    this.categoriesGrew = false;
    this.rev++;
    return change;
  }

  /** The trial at row i as an object (built on demand, cached until it changes). */
  rowAt(i: number): TrialRow {
    let r = this.rowCache[i];
    if (!r) this.rowCache[i] = r = this.buildRow(i);
    return r;
  }

  row(id: number): TrialRow | undefined {
    const i = this.indexById.get(id);
    return i === undefined ? undefined : this.rowAt(i);
  }

  statusAt(i: number): TrialStatus {
    return STATUSES[this.status[i]];
  }

  /** A param's raw value at row i (undefined: absent). */
  param(i: number, name: string): ParamValue | undefined {
    const p = this.params.get(name);
    if (!p) return undefined;
    const c = p.code[i];
    if (c >= 0) return p.dict[c];
    const v = p.num[i];
    return v === v ? v : undefined;
  }

  /** Last value of a metric per row (NaN: none), or undefined for an unknown metric. */
  lastColumn(name: string): Float64Array | undefined {
    return this.lastCols.get(name);
  }

  get best(): TrialRow | undefined {
    return this.bestIndex >= 0 ? this.rowAt(this.bestIndex) : undefined;
  }

  /** True when `a` is a better metric value than `b` (NaN is never better). */
  better(a: number, b: number): boolean {
    if (Number.isNaN(a)) return false;
    if (Number.isNaN(b)) return true;
    return this.minimize ? a < b : a > b;
  }

  seriesOf(id: number, name = this.metricName): Series | undefined {
    return this.series.get(name)?.get(id);
  }

  /**
   * Takes lazy trials out of `lazy` (the caller asks the host for their series); returns them.
   * Points appended from now on are kept, and the host's reply replaces them with the whole series.
   */
  takeLazy(ids: Iterable<number>): number[] {
    const out: number[] = [];
    for (const id of ids)
      if (this.lazy.delete(id)) {
        this.pending.add(id);
        out.push(id);
      }
    return out;
  }

  /**
   * For a metric other than the sweep's: the trials among `ids` whose series of it nobody asked
   * for yet (the caller asks the host; from now on their appended points are kept too).
   */
  takeUnfetched(metric: string, ids: Iterable<number>): number[] {
    let set = this.fetched.get(metric);
    if (!set) this.fetched.set(metric, (set = new Set()));
    const out: number[] = [];
    for (const id of ids)
      if (!set.has(id)) {
        set.add(id);
        out.push(id);
      }
    return out;
  }

  /** Names of every metric the trials reported (their last values), the sweep metric first. */
  get metricNames(): string[] {
    const names = [...this.lastCols.keys()].filter((n) => n !== this.metricName);
    return [this.metricName, ...names];
  }

  /** The host's `series` reply: each series replaces what the store holds for that trial and metric. */
  private replaceSeries(m: Extract<WireHostMessage, { type: 'series' }>): Change {
    const p = m.series;
    const change: Change = { meta: false, axes: false, trials: [], series: [], reset: false };
    this.pending.clear();
    for (let k = 0; k < p.n; k++) {
      const trial = p.trial[k],
        name = p.names[p.name[k]];
      let byTrial = this.series.get(name);
      if (!byTrial) this.series.set(name, (byTrial = new IdMap()));
      const old = byTrial.get(trial);
      if (old) this.points -= old.length;
      this.lazy.delete(trial);
      byTrial.set(trial, new Series(p.attempt[k], p.steps, p.values, p.offsets[k], p.offsets[k + 1], p.times));
      this.points += p.offsets[k + 1] - p.offsets[k];
      change.series.push(trial);
    }
    this.rev++;
    return change;
  }

  /** Column index of an axis by name (METRIC_AXIS for the metric), -1 if none. */
  axisIndex(name: string): number {
    return this.scales.findIndex((s) => s.name === name);
  }

  private buildRow(i: number): TrialRow {
    const params: Record<string, ParamValue> = {};
    for (const name of this.params.keys()) {
      const v = this.param(i, name);
      if (v !== undefined) params[name] = v;
    }
    const last: Record<string, number | null> = {};
    for (const [name, col] of this.lastCols) if (col[i] === col[i]) last[name] = col[i];
    const orNull = (x: number) => (x === x ? x : null);
    const r: TrialRow = {
      id: this.ids[i],
      status: this.statusAt(i),
      attempt: this.attempt[i],
      params,
      value: orNull(this.metric[i]),
      best: orNull(this.bestValue[i]),
      last,
      step: orNull(this.step[i]),
    };
    if (this.reasonCode[i] >= 0) r.reason = this.reasons.values[this.reasonCode[i]];
    if (this.startedAt[i] === this.startedAt[i]) r.startedAt = this.startedAt[i];
    if (this.endedAt[i] === this.endedAt[i]) r.endedAt = this.endedAt[i];
    if (this.fit[i] > 0) r.fit = FIT_TAGS[this.fit[i] - 1];
    if (this.fitReasonCode[i] >= 0) r.fitReason = this.fitReasons.values[this.fitReasonCode[i]];
    return r;
  }

  private setupAxes(meta: SweepMeta): void {
    this.paramNames = meta.axes.map((a) => a.name);
    const params = meta.axes.filter((a) => a.kind !== 'constant');
    this.scales = params.map(paramScale);
    this.declared = params.map((a) => a.kind === 'numeric' && Number.isFinite(a.min) && Number.isFinite(a.max));
    this.scales.push({
      name: METRIC_AXIS,
      label: meta.metric.name,
      kind: 'metric',
      log: false,
      integer: false,
      lo: NaN,
      hi: NaN,
      categories: [],
    });
    this.declared.push(false);
    const cap = Math.max(16, this.cap);
    const metric = this.cap ? this.metric : new Float64Array(cap).fill(NaN);
    this.cols = this.scales.map((_, a) => (a === this.scales.length - 1 ? metric : new Float64Array(cap).fill(NaN)));
    this.metric = metric;
    this.codeCache = this.scales.map(() => new Map());
    this.numCache = this.scales.map(() => new Map());
    this.catIndex = this.scales.map((s) => new Map(s.categories.map((c, k) => [c, k])));
    if (!this.cap) this.resize(cap);
  }

  private resize(cap: number): void {
    this.cols = this.cols.map((c) => growF64(c, cap));
    this.metric = this.cols[this.cols.length - 1];
    this.ids = growI32(this.ids, cap);
    this.status = growU8(this.status, cap);
    this.attempt = growI32(this.attempt, cap);
    this.bestValue = growF64(this.bestValue, cap);
    this.step = growF64(this.step, cap);
    this.startedAt = growF64(this.startedAt, cap);
    this.endedAt = growF64(this.endedAt, cap);
    this.fit = growU8(this.fit, cap);
    this.reasonCode = growI32(this.reasonCode, cap, -1);
    this.fitReasonCode = growI32(this.fitReasonCode, cap, -1);
    for (const p of this.params.values()) {
      p.num = growF64(p.num, cap);
      p.code = growI32(p.code, cap, -1);
    }
    for (const [k, c] of this.lastCols) this.lastCols.set(k, growF64(c, cap));
    this.cap = cap;
  }

  /** Inserts or replaces a block of trials; returns their row indices. */
  private ingest(c: TrialColumns): Int32Array {
    const n = c.n;
    const rows = new Int32Array(n);
    let fresh = 0;
    for (let j = 0; j < n; j++) if (!this.indexById.has(c.id[j])) fresh++;
    if (this.size + fresh > this.cap) this.resize(Math.max(this.size + fresh, this.cap * 2, 16));
    const reasonMap = this.reasons.map(c.reason),
      fitReasonMap = this.fitReasons.map(c.fitReason);
    for (let j = 0; j < n; j++) {
      const id = c.id[j];
      let i = this.indexById.get(id);
      if (i === undefined) {
        i = this.size++;
        this.indexById.set(id, i, this.size);
      } else this.counts[STATUSES[this.status[i]]]--;
      rows[j] = i;
      this.rowCache[i] = undefined;
      this.ids[i] = id;
      const st = c.status[j];
      this.status[i] = st;
      this.counts[STATUSES[st]]++;
      this.attempt[i] = c.attempt[j];
      this.bestValue[i] = c.best[j];
      this.step[i] = c.step[j];
      this.startedAt[i] = c.startedAt[j];
      this.endedAt[i] = c.endedAt[j];
      this.fit[i] = c.fit[j];
      if (c.fit[j]) this.hasFit = true;
      const rc = c.reason.codes[j],
        fc = c.fitReason.codes[j];
      this.reasonCode[i] = rc >= 0 ? reasonMap[rc] : -1;
      this.fitReasonCode[i] = fc >= 0 ? fitReasonMap[fc] : -1;
      this.setMetric(i, c.value[j]);
    }
    // raw params: the block's columns, and "absent" for params the block does not carry
    const carried = new Set<string>();
    for (const p of c.params) {
      carried.add(p.name);
      let raw = this.params.get(p.name);
      if (!raw)
        this.params.set(
          p.name,
          (raw = { num: new Float64Array(this.cap).fill(NaN), code: new Int32Array(this.cap).fill(-1), dict: [], index: new Map() }),
        );
      if ('num' in p) {
        for (let j = 0; j < n; j++) {
          raw.num[rows[j]] = p.num[j];
          raw.code[rows[j]] = -1;
        }
      } else {
        const r = raw;
        const map = Int32Array.from(p.dict, (v) => {
          const key = categoryKey(v) + (typeof v === 'string' ? '' : '\u0000');
          let k = r.index.get(key);
          if (k === undefined) r.index.set(key, (k = r.dict.push(v) - 1));
          return k;
        });
        for (let j = 0; j < n; j++) {
          const k = p.codes[j];
          raw.num[rows[j]] = NaN;
          raw.code[rows[j]] = k >= 0 ? map[k] : -1;
        }
      }
    }
    for (const [name, raw] of this.params) {
      if (carried.has(name)) continue;
      for (let j = 0; j < n; j++) {
        raw.num[rows[j]] = NaN;
        raw.code[rows[j]] = -1;
      }
    }
    const lastCarried = new Set<string>();
    for (const l of c.last) {
      lastCarried.add(l.name);
      let col = this.lastCols.get(l.name);
      if (!col) this.lastCols.set(l.name, (col = new Float64Array(this.cap).fill(NaN)));
      for (let j = 0; j < n; j++) col[rows[j]] = l.values[j];
    }
    for (const [name, col] of this.lastCols) if (!lastCarried.has(name)) for (let j = 0; j < n; j++) col[rows[j]] = NaN;
    this.derive(0, n, rows);
    return rows;
  }

  /** Chart-axis columns from the raw params for rows[from..to) (rows null: row indices themselves). */
  private derive(from: number, to: number, rows: Int32Array | null): void {
    const m = this.scales.length - 1;
    for (let a = 0; a < m; a++) {
      const s = this.scales[a];
      const col = this.cols[a];
      const raw = this.params.get(s.name);
      if (!raw) {
        for (let k = from; k < to; k++) col[rows ? rows[k] : k] = NaN;
        continue;
      }
      const categorical = s.kind === 'categorical';
      const codeCache = this.codeCache[a],
        numCache = this.numCache[a];
      const lo = s.lo,
        hi = s.hi;
      for (let k = from; k < to; k++) {
        const i = rows ? rows[k] : k;
        if (!categorical && (col[i] === lo || col[i] === hi)) this.edgeHit = true;
        const code = raw.code[i];
        if (code >= 0) {
          let v = codeCache.get(code);
          if (v === undefined) codeCache.set(code, (v = categorical ? this.category(a, raw.dict[code]) : numericValue(raw.dict[code])));
          col[i] = v;
        } else {
          const x = raw.num[i];
          if (!categorical || x !== x) col[i] = x;
          else {
            let v = numCache.get(x);
            if (v === undefined) numCache.set(x, (v = this.category(a, x)));
            col[i] = v;
          }
        }
      }
    }
  }

  /** Category index of a value on categorical axis a (a new value appends a category). */
  private category(a: number, v: ParamValue): number {
    const s = this.scales[a];
    const key = categoryKey(v);
    let k = this.catIndex[a].get(key);
    if (k === undefined) {
      k = s.categories.push(key) - 1;
      this.catIndex[a].set(key, k);
      s.hi = Math.max(0, s.categories.length - 1);
      this.categoriesGrew = true;
    }
    return k;
  }

  private setMetric(i: number, value: number): void {
    const prevBest = this.bestIndex;
    const old = this.metric[i];
    if (old === this.scales[this.scales.length - 1].lo || old === this.scales[this.scales.length - 1].hi) this.edgeHit = true;
    this.metric[i] = value;
    if (prevBest === i) {
      if (Number.isNaN(value) || this.better(old, value)) this.recomputeBest();
    } else if (this.better(value, prevBest >= 0 ? this.metric[prevBest] : NaN)) this.bestIndex = i;
  }

  private recomputeBest(): void {
    let b = -1;
    for (let i = 0; i < this.size; i++) if (this.better(this.metric[i], b >= 0 ? this.metric[b] : NaN)) b = i;
    this.bestIndex = b;
  }

  /** `append`: points of another metric than the sweep's are kept only for trials it was asked for. */
  private addSeries(p: SeriesColumns, append = false): void {
    const maps = p.names.map((name) => {
      let m = this.series.get(name);
      if (!m) this.series.set(name, (m = new IdMap()));
      return m;
    });
    const others = p.names.map((name) => (name === this.metricName ? undefined : (this.fetched.get(name) ?? new Set<number>())));
    for (let k = 0; k < p.n; k++) {
      const trial = p.trial[k],
        attempt = p.attempt[k],
        byTrial = maps[p.name[k]],
        other = others[p.name[k]];
      const a = p.offsets[k],
        b = p.offsets[k + 1];
      if (!other && this.lazy.has(trial)) continue; // its whole series comes when asked for
      if (other && append && !other.has(trial) && !byTrial.get(trial)) continue; // a part only: asked for when drawn
      const s = byTrial.get(trial);
      if (s && attempt < s.attempt) continue; // points of an older attempt
      if (!s || attempt > s.attempt) {
        if (s) this.points -= s.length;
        byTrial.set(trial, new Series(attempt, p.steps, p.values, a, b, p.times));
      } else s.push(p.steps, p.values, a, b, p.times);
      this.points += b - a;
    }
  }

  /**
   * Fits data-driven ranges (metric, unbounded params). Returns true when a range moved. With
   * `rows` (an append that replaced no edge value) only those rows can widen a range.
   */
  private refit(rows?: Int32Array): boolean {
    let changed = false;
    const n = rows ? rows.length : this.size;
    for (let a = 0; a < this.scales.length; a++) {
      const s = this.scales[a];
      if (s.kind !== 'numeric' && s.kind !== 'metric') continue;
      const c = this.cols[a];
      let min = Infinity,
        max = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = c[rows ? rows[k] : k];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (rows && Number.isFinite(s.lo) && Number.isFinite(s.hi)) {
        if (!(min < s.lo) && !(max > s.hi)) continue;
        min = Math.min(min, s.lo);
        max = Math.max(max, s.hi);
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
