/**
 * Messages between the extension host and the dashboard webview. Shared by both sides; no
 * vscode, no DOM. Host→webview: a `snapshot` first (after the webview's `ready`), then
 * incremental `append`s (changed trials + new metric points), so 100k trials stay fast.
 * Webview→host messages are untrusted: the host runs `parseWebviewMessage` on each and drops
 * (and logs) anything that does not validate. Non-finite metric values travel as null in
 * `value`/`best` and as NaN inside `MetricPoints.values` (structured clone keeps NaN).
 */

import { FIT_TAGS, type FitTag } from '../core/analysis/fitTag';
import { TRIAL_STATUSES, type TrialStatus } from '../core/journal/trialStatus';
import { isFiniteNumber } from '../core/math/finite';
import { type LrFindData, parseLrFindData } from './lrFindMessages';

export { FIT_TAGS, type FitTag } from '../core/analysis/fitTag';
export { TRIAL_STATUSES, type TrialStatus } from '../core/journal/trialStatus';
export type ParamValue = string | number | boolean | null | ParamValue[] | { [k: string]: ParamValue };

/** One row of the trial table / one line in the parallel coordinates. */
export interface TrialRow {
  id: number;
  status: TrialStatus;
  attempt: number;
  /** Leaf values by dotted name. */
  params: Record<string, ParamValue>;
  /** Last reported value of the sweep metric (null: none or non-finite). */
  value: number | null;
  best: number | null;
  /** Last value of every metric. */
  last: Record<string, number | null>;
  /** Latest step reported. */
  step: number | null;
  reason?: string;
  startedAt?: number;
  endedAt?: number;
  /** Fit diagnosis from the training/validation losses (absent: not enough data). */
  fit?: FitTag;
  /** Why that tag (the rule with its numbers). */
  fitReason?: string;
}

/** An axis of the search space, for parallel coordinates and scatter plots. */
export interface ParamAxis {
  name: string;
  kind: 'numeric' | 'categorical' | 'constant';
  /** numeric: plotted range; log: plot on a log scale */
  min?: number;
  max?: number;
  log?: boolean;
  integer?: boolean;
  /** categorical: the values in order */
  values?: ParamValue[];
}

export interface SweepMeta {
  id: string;
  dir: string;
  method: string;
  seed: number;
  metric: { name: string; goal: 'minimize' | 'maximize' };
  runCap?: number;
  /** "running" | "finished (run_cap)" | "runner lost" | ... */
  state: string;
  createdAt: number;
  /** Last op time; elapsed = updatedAt - createdAt. */
  updatedAt: number;
  axes: ParamAxis[];
  paused?: string;
}

/** Points of one metric series of one trial (columnar for speed). */
export interface MetricPoints {
  trial: number;
  attempt: number;
  name: string;
  steps: number[];
  values: number[];
  /** When each point was reported (epoch ms; the x axis's wall time), when known. */
  times?: number[];
}

/** One bar of the importance chart. */
export interface ImportanceBar {
  name: string;
  /** Share of the metric's variance (fanova) or divergence (ped-anova), 0…1. */
  importance: number;
  /** Pearson r with the metric (−1…1); null for categoricals. */
  correlation: number | null;
}

/** Hyperparameter importance computed in the host (a worker thread) from the completed trials. */
export interface ImportanceView {
  method: 'fanova' | 'ped-anova';
  /** Trials used. */
  n: number;
  explained?: number;
  note?: string;
  params: ImportanceBar[];
}

export type ImportanceMessage = { type: 'importance'; importance: ImportanceView | null; message?: string };

/**
 * The host's messages as built (row objects; handy for the host's logic and tests). They are
 * posted as `WireHostMessage`s (`encodeHostMessage`): trials and series columnar.
 */
export type HostMessage =
  /** `partialSeries`: the series of some trials that reported were left out (asked for with `series`). */
  | { type: 'snapshot'; meta: SweepMeta; trials: TrialRow[]; series: MetricPoints[]; partialSeries?: boolean }
  | { type: 'append'; meta?: SweepMeta; trials: TrialRow[]; series: MetricPoints[] }
  /** The reply to the webview's `series` request: the whole series of those trials (they replace). */
  | { type: 'series'; series: MetricPoints[] }
  | ImportanceMessage
  | LrFindTabMessage
  | { type: 'error'; message: string };

/**
 * The LR finder tab: the newest `knobs lr-find` result of this sweep's sweep file (null when there
 * is none yet; `message` then says how to get one). The data is checked by lrFindMessages.ts.
 */
export type LrFindTabMessage = { type: 'lrFind'; data: LrFindData | null; message?: string };

// ---- the columnar wire format ------------------------------------------------------------
//
// 100k TrialRow objects cost about a second of structured clone in postMessage (and VS Code
// serialises them again between processes). On the wire, trials and metric points travel as
// typed arrays, one per field (VS Code ≥ 1.57 transfers ArrayBuffers and typed arrays as
// binary), plus small dictionaries for the strings and non-numeric params.

/** One param over a block of trials: finite numbers (NaN: absent), or codes into `dict` (-1: absent). */
export type ParamColumn = { name: string; num: Float64Array } | { name: string; dict: ParamValue[]; codes: Int32Array };

/** Repeated strings (reasons), dictionary-coded; -1: absent. */
export interface StringColumn {
  dict: string[];
  codes: Int32Array;
}

/** A block of trials, one array per field (row j of every array is the same trial). */
export interface TrialColumns {
  n: number;
  id: Int32Array;
  /** Index into TRIAL_STATUSES. */
  status: Uint8Array;
  attempt: Int32Array;
  /** NaN: null (none or non-finite). */
  value: Float64Array;
  best: Float64Array;
  step: Float64Array;
  /** NaN: absent. */
  startedAt: Float64Array;
  endedAt: Float64Array;
  params: ParamColumn[];
  /** Last value of each metric (NaN: none or non-finite). */
  last: { name: string; values: Float64Array }[];
  reason: StringColumn;
  /** 0: none, else 1 + index into FIT_TAGS. */
  fit: Uint8Array;
  fitReason: StringColumn;
}

/** Chunks of metric points: chunk k is trial[k]'s names[name[k]], points offsets[k]…offsets[k+1]. */
export interface SeriesColumns {
  n: number;
  trial: Int32Array;
  attempt: Int32Array;
  name: Int32Array;
  names: string[];
  /** n + 1 entries, from 0 to steps.length. */
  offsets: Int32Array;
  /** Int32Array when every step is a 32-bit integer (the usual case: half the bytes). */
  steps: Float64Array | Int32Array;
  /** NaN stays NaN. */
  values: Float64Array;
  /** Report times (epoch ms, NaN: unknown), one per point; absent when no chunk has them. */
  times?: Float64Array;
}

export type WireHostMessage =
  | { type: 'snapshot'; meta: SweepMeta; trials: TrialColumns; series: SeriesColumns; partialSeries?: boolean }
  | { type: 'append'; meta?: SweepMeta; trials: TrialColumns; series: SeriesColumns }
  | { type: 'series'; series: SeriesColumns }
  | ImportanceMessage
  | LrFindTabMessage
  | { type: 'error'; message: string };

const numOrNaN = (x: number | null | undefined): number => (isFiniteNumber(x) ? x : NaN);

class Dict<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  code(v: T, key: string): number {
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.values.push(v) - 1;
      this.index.set(key, c);
    }
    return c;
  }
}

function stringColumn(n: number, get: (j: number) => string | undefined): StringColumn {
  const d = new Dict<string>();
  const codes = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    const s = get(j);
    if (s !== undefined) codes[j] = d.code(s, s);
  }
  return { dict: d.values, codes };
}

/** Key of a param value in a dictionary (strings and other values never collide). */
export function paramKey(v: ParamValue): string {
  return typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${String(v)}` : `j${JSON.stringify(v)}`;
}

/** Rows → columns (the host's encoder). */
export function encodeTrials(rows: readonly TrialRow[]): TrialColumns {
  const n = rows.length;
  const id = new Int32Array(n),
    status = new Uint8Array(n),
    attempt = new Int32Array(n),
    fit = new Uint8Array(n);
  const value = new Float64Array(n),
    best = new Float64Array(n),
    step = new Float64Array(n),
    startedAt = new Float64Array(n),
    endedAt = new Float64Array(n);
  const paramNames: string[] = [],
    paramSeen = new Set<string>();
  const lastNames: string[] = [],
    lastSeen = new Set<string>();
  for (let j = 0; j < n; j++) {
    const r = rows[j];
    id[j] = r.id;
    status[j] = Math.max(0, TRIAL_STATUSES.indexOf(r.status));
    attempt[j] = r.attempt;
    value[j] = numOrNaN(r.value);
    best[j] = numOrNaN(r.best);
    step[j] = numOrNaN(r.step);
    startedAt[j] = numOrNaN(r.startedAt);
    endedAt[j] = numOrNaN(r.endedAt);
    fit[j] = r.fit === undefined ? 0 : FIT_TAGS.indexOf(r.fit) + 1;
    for (const k in r.params) {
      if (!paramSeen.has(k)) {
        paramSeen.add(k);
        paramNames.push(k);
      }
    }
    for (const k in r.last) {
      if (!lastSeen.has(k)) {
        lastSeen.add(k);
        lastNames.push(k);
      }
    }
  }
  const params: ParamColumn[] = paramNames.map((name) => {
    let numeric = true;
    for (let j = 0; j < n && numeric; j++) {
      const v = rows[j].params[name];
      if (v !== undefined && !isFiniteNumber(v)) numeric = false;
    }
    if (numeric) {
      const num = new Float64Array(n);
      for (let j = 0; j < n; j++) num[j] = numOrNaN(rows[j].params[name] as number | undefined);
      return { name, num };
    }
    const d = new Dict<ParamValue>();
    const codes = new Int32Array(n).fill(-1);
    for (let j = 0; j < n; j++) {
      const v = rows[j].params[name];
      if (v !== undefined) codes[j] = d.code(v, paramKey(v));
    }
    return { name, dict: d.values, codes };
  });
  const last = lastNames.map((name) => {
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) values[j] = numOrNaN(rows[j].last[name]);
    return { name, values };
  });
  return {
    n,
    id,
    status,
    attempt,
    value,
    best,
    step,
    startedAt,
    endedAt,
    params,
    last,
    fit,
    reason: stringColumn(n, (j) => rows[j].reason),
    fitReason: stringColumn(n, (j) => rows[j].fitReason),
  };
}

/** Columns → rows (tests, and the webview's rows in view). `last` holds only finite values. */
export function decodeTrial(c: TrialColumns, j: number): TrialRow {
  const params: Record<string, ParamValue> = {};
  for (const p of c.params) {
    if ('num' in p) {
      const v = p.num[j];
      if (v === v) params[p.name] = v;
    } else if (p.codes[j] >= 0) params[p.name] = p.dict[p.codes[j]];
  }
  const last: Record<string, number | null> = {};
  for (const l of c.last) if (l.values[j] === l.values[j]) last[l.name] = l.values[j];
  const orNull = (x: number) => (x === x ? x : null);
  const row: TrialRow = {
    id: c.id[j],
    status: TRIAL_STATUSES[c.status[j]],
    attempt: c.attempt[j],
    params,
    value: orNull(c.value[j]),
    best: orNull(c.best[j]),
    last,
    step: orNull(c.step[j]),
  };
  if (c.reason.codes[j] >= 0) row.reason = c.reason.dict[c.reason.codes[j]];
  if (c.startedAt[j] === c.startedAt[j]) row.startedAt = c.startedAt[j];
  if (c.endedAt[j] === c.endedAt[j]) row.endedAt = c.endedAt[j];
  if (c.fit[j] > 0) row.fit = FIT_TAGS[c.fit[j] - 1];
  if (c.fitReason.codes[j] >= 0) row.fitReason = c.fitReason.dict[c.fitReason.codes[j]];
  return row;
}

export function decodeTrials(c: TrialColumns): TrialRow[] {
  const out: TrialRow[] = [];
  for (let j = 0; j < c.n; j++) out.push(decodeTrial(c, j));
  return out;
}

export function encodeSeries(points: readonly MetricPoints[]): SeriesColumns {
  const n = points.length;
  const trial = new Int32Array(n),
    attempt = new Int32Array(n),
    name = new Int32Array(n),
    offsets = new Int32Array(n + 1);
  const names = new Dict<string>();
  let total = 0;
  for (let k = 0; k < n; k++) {
    const p = points[k];
    trial[k] = p.trial;
    attempt[k] = p.attempt;
    name[k] = names.code(p.name, p.name);
    total += Math.min(p.steps.length, p.values.length);
    offsets[k + 1] = total;
  }
  let integral = true;
  for (let k = 0; k < n && integral; k++)
    for (const x of points[k].steps) if (!(Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff)) integral = false;
  const steps = integral ? new Int32Array(total) : new Float64Array(total),
    values = new Float64Array(total);
  const times = points.some((p) => p.times) ? new Float64Array(total).fill(NaN) : undefined;
  for (let k = 0; k < n; k++) {
    const p = points[k];
    const o = offsets[k],
      m = offsets[k + 1] - o;
    for (let i = 0; i < m; i++) {
      steps[o + i] = p.steps[i];
      const v = p.values[i];
      values[o + i] = typeof v === 'number' ? v : NaN;
    }
    if (times && p.times) for (let i = 0; i < m; i++) times[o + i] = typeof p.times[i] === 'number' ? p.times[i] : NaN;
  }
  const out: SeriesColumns = { n, trial, attempt, name, names: names.values, offsets, steps, values };
  if (times) out.times = times;
  return out;
}

export function decodeSeries(s: SeriesColumns): MetricPoints[] {
  const out: MetricPoints[] = [];
  for (let k = 0; k < s.n; k++) {
    const a = s.offsets[k],
      b = s.offsets[k + 1];
    const p: MetricPoints = {
      trial: s.trial[k],
      attempt: s.attempt[k],
      name: s.names[s.name[k]],
      steps: Array.from(s.steps.subarray(a, b)),
      values: Array.from(s.values.subarray(a, b)),
    };
    if (s.times) p.times = Array.from(s.times.subarray(a, b));
    out.push(p);
  }
  return out;
}

/** What the host posts: trials and series columnar; other messages unchanged. */
export function encodeHostMessage(m: HostMessage): WireHostMessage {
  if (m.type === 'snapshot') {
    const out: WireHostMessage = { type: 'snapshot', meta: m.meta, trials: encodeTrials(m.trials), series: encodeSeries(m.series) };
    if (m.partialSeries) out.partialSeries = true;
    return out;
  }
  if (m.type === 'append') {
    const out: WireHostMessage = { type: 'append', trials: encodeTrials(m.trials), series: encodeSeries(m.series) };
    if (m.meta) out.meta = m.meta;
    return out;
  }
  if (m.type === 'series') return { type: 'series', series: encodeSeries(m.series) };
  return m;
}

// ---- validation of host messages (in the webview: a bad message is logged and dropped) ----

const MAX_TRIALS = 10_000_000;
const MAX_NAME = 500;
const MAX_TEXT = 10_000;

type Typed = Float64Array | Int32Array | Uint8Array;
function typed<T extends Typed>(x: unknown, ctor: new (n: number) => T, n: number, what: string): string | undefined {
  if (!(x instanceof ctor)) return `${what} must be a ${ctor.name}`;
  if (x.length !== n) return `${what} holds ${x.length} entries, not ${n}`;
  return undefined;
}

const isName = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_NAME;

/** A JSON-like param value of bounded depth and size. */
export function isParamValue(x: unknown, depth = 0): x is ParamValue {
  if (x === null || typeof x === 'boolean' || typeof x === 'number') return true;
  if (typeof x === 'string') return x.length <= MAX_TEXT;
  if (depth >= 8) return false;
  if (Array.isArray(x)) return x.length <= 1000 && x.every((v) => isParamValue(v, depth + 1));
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const ks = Object.keys(x);
    return ks.length <= 1000 && ks.every((k) => k.length <= MAX_NAME && isParamValue((x as Record<string, unknown>)[k], depth + 1));
  }
  return false;
}

function checkCodes(codes: Int32Array, size: number, what: string): string | undefined {
  for (let j = 0; j < codes.length; j++) if (codes[j] < -1 || codes[j] >= size) return `${what}: code ${codes[j]} out of range`;
  return undefined;
}

function parseStringColumn(x: unknown, n: number, what: string): StringColumn | string {
  if (!x || typeof x !== 'object') return `${what} must be an object`;
  const c = x as Record<string, unknown>;
  if (!Array.isArray(c.dict) || c.dict.length > n || !c.dict.every((s) => typeof s === 'string' && s.length <= MAX_TEXT))
    return `${what}.dict must be short strings`;
  const bad = typed(c.codes, Int32Array, n, `${what}.codes`) ?? checkCodes(c.codes as Int32Array, c.dict.length, what);
  return bad ?? { dict: c.dict as string[], codes: c.codes as Int32Array };
}

export function parseTrialColumns(x: unknown): TrialColumns | string {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'trials must be columns (an object)';
  const c = x as Record<string, unknown>;
  const n = c.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_TRIALS) return 'trials.n must be a count';
  for (const [k, ctor] of [
    ['id', Int32Array],
    ['status', Uint8Array],
    ['attempt', Int32Array],
    ['value', Float64Array],
    ['best', Float64Array],
    ['step', Float64Array],
    ['startedAt', Float64Array],
    ['endedAt', Float64Array],
    ['fit', Uint8Array],
  ] as const) {
    const bad = typed(c[k], ctor as new (n: number) => Typed, n, `trials.${k}`);
    if (bad) return bad;
  }
  const id = c.id as Int32Array,
    status = c.status as Uint8Array,
    attempt = c.attempt as Int32Array,
    fit = c.fit as Uint8Array;
  for (let j = 0; j < n; j++) {
    if (id[j] < 1) return `trials.id[${j}] must be a positive integer`;
    if (status[j] >= TRIAL_STATUSES.length) return `trials.status[${j}] is not a state`;
    if (attempt[j] < 0) return `trials.attempt[${j}] must be ≥ 0`;
    if (fit[j] > FIT_TAGS.length) return `trials.fit[${j}] is not a fit tag`;
  }
  if (!Array.isArray(c.params) || c.params.length > 10_000) return 'trials.params must be an array';
  const params: ParamColumn[] = [];
  for (const p of c.params as unknown[]) {
    const q = p as Record<string, unknown> | null;
    if (!q || typeof q !== 'object' || !isName(q.name)) return 'trials.params[].name must be a string';
    if ('num' in q) {
      const bad = typed(q.num, Float64Array, n, `param ${q.name}`);
      if (bad) return bad;
      params.push({ name: q.name, num: q.num as Float64Array });
    } else {
      if (!Array.isArray(q.dict) || q.dict.length > n || !q.dict.every((v) => isParamValue(v)))
        return `param ${q.name}: dict must hold param values`;
      const bad =
        typed(q.codes, Int32Array, n, `param ${q.name}.codes`) ?? checkCodes(q.codes as Int32Array, q.dict.length, `param ${q.name}`);
      if (bad) return bad;
      params.push({ name: q.name, dict: q.dict as ParamValue[], codes: q.codes as Int32Array });
    }
  }
  if (!Array.isArray(c.last) || c.last.length > 10_000) return 'trials.last must be an array';
  const last: TrialColumns['last'] = [];
  for (const l of c.last as unknown[]) {
    const q = l as Record<string, unknown> | null;
    if (!q || typeof q !== 'object' || !isName(q.name)) return 'trials.last[].name must be a string';
    const bad = typed(q.values, Float64Array, n, `last ${q.name}`);
    if (bad) return bad;
    last.push({ name: q.name, values: q.values as Float64Array });
  }
  const reason = parseStringColumn(c.reason, n, 'trials.reason');
  if (typeof reason === 'string') return reason;
  const fitReason = parseStringColumn(c.fitReason, n, 'trials.fitReason');
  if (typeof fitReason === 'string') return fitReason;
  return {
    n,
    id,
    status,
    attempt,
    fit,
    params,
    last,
    reason,
    fitReason,
    value: c.value as Float64Array,
    best: c.best as Float64Array,
    step: c.step as Float64Array,
    startedAt: c.startedAt as Float64Array,
    endedAt: c.endedAt as Float64Array,
  };
}

export function parseSeriesColumns(x: unknown): SeriesColumns | string {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'series must be columns (an object)';
  const c = x as Record<string, unknown>;
  const n = c.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_TRIALS) return 'series.n must be a count';
  const bad =
    typed(c.trial, Int32Array, n, 'series.trial') ??
    typed(c.attempt, Int32Array, n, 'series.attempt') ??
    typed(c.name, Int32Array, n, 'series.name') ??
    typed(c.offsets, Int32Array, n + 1, 'series.offsets');
  if (bad) return bad;
  if (
    !(c.steps instanceof Float64Array || c.steps instanceof Int32Array) ||
    !(c.values instanceof Float64Array) ||
    c.steps.length !== c.values.length
  )
    return 'series.steps (Float64Array or Int32Array) and series.values (Float64Array) must have one length';
  if (c.times !== undefined && (!(c.times instanceof Float64Array) || c.times.length !== c.steps.length))
    return 'series.times must be a Float64Array with one time per step';
  if (!Array.isArray(c.names) || c.names.length > 10_000 || !c.names.every(isName)) return 'series.names must be strings';
  const trial = c.trial as Int32Array,
    name = c.name as Int32Array,
    offsets = c.offsets as Int32Array;
  if (offsets[0] !== 0 || offsets[n] !== c.steps.length) return 'series.offsets must run from 0 to the point count';
  for (let k = 0; k < n; k++) {
    if (offsets[k + 1] < offsets[k]) return 'series.offsets must not decrease';
    if (trial[k] < 1) return `series.trial[${k}] must be a positive integer`;
    if (name[k] < 0 || name[k] >= c.names.length) return `series.name[${k}] out of range`;
  }
  const out: SeriesColumns = {
    n,
    trial,
    attempt: c.attempt as Int32Array,
    name,
    names: c.names as string[],
    offsets,
    steps: c.steps,
    values: c.values,
  };
  if (c.times) out.times = c.times as Float64Array;
  return out;
}

export function parseSweepMeta(x: unknown): SweepMeta | string {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'meta must be an object';
  const m = x as Record<string, unknown>;
  for (const k of ['id', 'dir', 'method', 'state'] as const)
    if (typeof m[k] !== 'string' || (m[k] as string).length > MAX_TEXT) return `meta.${k} must be a string`;
  if (!isFiniteNumber(m.seed)) return 'meta.seed must be a number';
  if (!isFiniteNumber(m.createdAt) || !isFiniteNumber(m.updatedAt)) return 'meta.createdAt and updatedAt must be times';
  const metric = m.metric as Record<string, unknown> | null;
  if (!metric || typeof metric !== 'object' || !isName(metric.name) || (metric.goal !== 'minimize' && metric.goal !== 'maximize'))
    return 'meta.metric must be { name, goal }';
  if (m.runCap !== undefined && (!isFiniteNumber(m.runCap) || m.runCap < 0)) return 'meta.runCap must be a count';
  if (m.paused !== undefined && (typeof m.paused !== 'string' || m.paused.length > MAX_TEXT)) return 'meta.paused must be a string';
  if (!Array.isArray(m.axes) || m.axes.length > 10_000) return 'meta.axes must be an array';
  const axes: ParamAxis[] = [];
  for (const a of m.axes as unknown[]) {
    const q = a as Record<string, unknown> | null;
    if (!q || typeof q !== 'object' || !isName(q.name)) return 'meta.axes[].name must be a string';
    if (q.kind !== 'numeric' && q.kind !== 'categorical' && q.kind !== 'constant') return `axis ${q.name}: unknown kind`;
    const axis: ParamAxis = { name: q.name, kind: q.kind };
    for (const k of ['min', 'max'] as const) {
      if (q[k] === undefined) continue;
      if (!isFiniteNumber(q[k])) return `axis ${q.name}: ${k} must be a number`;
      axis[k] = q[k] as number;
    }
    for (const k of ['log', 'integer'] as const) {
      if (q[k] === undefined) continue;
      if (typeof q[k] !== 'boolean') return `axis ${q.name}: ${k} must be a boolean`;
      axis[k] = q[k] as boolean;
    }
    if (q.values !== undefined) {
      if (!Array.isArray(q.values) || q.values.length > 100_000 || !q.values.every((v) => isParamValue(v)))
        return `axis ${q.name}: values must be param values`;
      axis.values = q.values as ParamValue[];
    }
    axes.push(axis);
  }
  const meta: SweepMeta = {
    id: m.id as string,
    dir: m.dir as string,
    method: m.method as string,
    seed: m.seed,
    state: m.state as string,
    metric: { name: metric.name, goal: metric.goal },
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    axes,
  };
  if (m.runCap !== undefined) meta.runCap = m.runCap as number;
  if (m.paused !== undefined) meta.paused = m.paused as string;
  return meta;
}

/**
 * Validates a message from the host in the webview: the columns' types, lengths and codes, the
 * meta, and the other messages. Returns the message or what is wrong. O(trials), no copies.
 */
export function parseHostMessage(raw: unknown): WireHostMessage | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'message is not an object';
  const m = raw as Record<string, unknown>;
  if (m.type === 'importance') return parseImportanceMessage(raw);
  if (m.type === 'lrFind') return parseLrFindTabMessage(m);
  if (m.type === 'error')
    return typeof m.message === 'string' && m.message.length <= MAX_TEXT
      ? { type: 'error', message: m.message }
      : 'error.message must be a string';
  if (m.type === 'series') {
    const extra = Object.keys(m).filter((k) => k !== 'type' && k !== 'series');
    if (extra.length) return `unexpected field(s) ${extra.join(', ')} in series`;
    const series = parseSeriesColumns(m.series);
    return typeof series === 'string' ? series : { type: 'series', series };
  }
  if (m.type !== 'snapshot' && m.type !== 'append') return `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`;
  const extra = Object.keys(m).filter(
    (k) => k !== 'type' && k !== 'meta' && k !== 'trials' && k !== 'series' && !(k === 'partialSeries' && m.type === 'snapshot'),
  );
  if (extra.length) return `unexpected field(s) ${extra.join(', ')} in ${m.type}`;
  if (m.partialSeries !== undefined && typeof m.partialSeries !== 'boolean') return 'snapshot.partialSeries must be a boolean';
  let meta: SweepMeta | undefined;
  if (m.type === 'snapshot' || m.meta !== undefined) {
    const r = parseSweepMeta(m.meta);
    if (typeof r === 'string') return r;
    meta = r;
  }
  const trials = parseTrialColumns(m.trials);
  if (typeof trials === 'string') return trials;
  const series = parseSeriesColumns(m.series);
  if (typeof series === 'string') return series;
  if (m.type === 'snapshot')
    return m.partialSeries
      ? { type: 'snapshot', meta: meta!, trials, series, partialSeries: true }
      : { type: 'snapshot', meta: meta!, trials, series };
  return meta ? { type: 'append', meta, trials, series } : { type: 'append', trials, series };
}

function parseLrFindTabMessage(m: Record<string, unknown>): LrFindTabMessage | string {
  const extra = Object.keys(m).filter((k) => k !== 'type' && k !== 'data' && k !== 'message');
  if (extra.length) return `unexpected field(s) ${extra.join(', ')} in lrFind`;
  if (m.message !== undefined && (typeof m.message !== 'string' || m.message.length > MAX_TEXT))
    return 'lrFind.message must be a short string';
  const message = m.message as string | undefined;
  if (m.data === null) return message === undefined ? { type: 'lrFind', data: null } : { type: 'lrFind', data: null, message };
  const data = parseLrFindData(m.data);
  if (typeof data === 'string') return `lrFind: ${data}`;
  return message === undefined ? { type: 'lrFind', data } : { type: 'lrFind', data, message };
}

/**
 * Validates an `importance` message in the webview (host messages are checked too: a bad one is
 * dropped, never drawn). Returns the message or what is wrong.
 */
export function parseImportanceMessage(raw: unknown): ImportanceMessage | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'importance: not an object';
  const m = raw as Record<string, unknown>;
  if (m.type !== 'importance') return 'importance: wrong type';
  if (m.message !== undefined && (typeof m.message !== 'string' || m.message.length > 2000))
    return 'importance.message must be a short string';
  const message = m.message as string | undefined;
  if (m.importance === null)
    return message === undefined ? { type: 'importance', importance: null } : { type: 'importance', importance: null, message };
  const v = m.importance as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'importance.importance must be an object or null';
  if (v.method !== 'fanova' && v.method !== 'ped-anova') return 'importance.method must be fanova or ped-anova';
  if (!isFiniteNumber(v.n) || v.n < 0) return 'importance.n must be a count';
  if (v.explained !== undefined && !isFiniteNumber(v.explained)) return 'importance.explained must be a number';
  if (v.note !== undefined && (typeof v.note !== 'string' || v.note.length > 2000)) return 'importance.note must be a short string';
  if (!Array.isArray(v.params) || v.params.length > 10_000) return 'importance.params must be an array';
  const params: ImportanceBar[] = [];
  for (const p of v.params as unknown[]) {
    const b = p as Record<string, unknown> | null;
    if (!b || typeof b !== 'object' || typeof b.name !== 'string' || b.name.length > 500)
      return 'importance.params[].name must be a string';
    if (!isFiniteNumber(b.importance) || b.importance < 0 || b.importance > 1 + 1e-9) return `importance of ${b.name} must be in 0…1`;
    if (b.correlation !== null && (!isFiniteNumber(b.correlation) || Math.abs(b.correlation) > 1 + 1e-9))
      return `correlation of ${b.name} must be in −1…1 or null`;
    params.push({ name: b.name, importance: b.importance, correlation: b.correlation as number | null });
  }
  const view: ImportanceView = { method: v.method, n: v.n, params };
  if (v.explained !== undefined) view.explained = v.explained as number;
  if (v.note !== undefined) view.note = v.note as string;
  return message === undefined ? { type: 'importance', importance: view } : { type: 'importance', importance: view, message };
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'stopTrial'; trial: number }
  | { type: 'promote'; trial: number }
  | { type: 'openLogs'; trial: number }
  | { type: 'rerun'; trial: number }
  | { type: 'stopSweep' }
  /**
   * Asks for the whole series of trials: of the sweep metric for those the snapshot left out
   * (large sweeps), or of `metric` (the curves' metric chooser; appends then carry it too).
   */
  | { type: 'series'; trials: number[]; metric?: string }
  /** The LR finder tab's buttons: bare actions; the host acts on the result it loaded itself. */
  | { type: 'lrFindAction'; action: LrFindAction }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export const LR_FIND_ACTIONS = ['useBounds', 'writeCyclicLr', 'run'] as const;
export type LrFindAction = (typeof LR_FIND_ACTIONS)[number];

const TRIAL_MESSAGES = ['stopTrial', 'promote', 'openLogs', 'rerun'] as const;

/**
 * Validates an untrusted message from the webview. Returns the message, or a string saying
 * what is wrong (for the log). Never casts: every field is checked.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'message is not an object';
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m);
  const only = (...allowed: string[]) => {
    const extra = keys.filter((k) => !allowed.includes(k));
    return extra.length ? `unexpected field(s) ${extra.join(', ')} in ${String(m.type)}` : undefined;
  };
  switch (m.type) {
    case 'ready':
    case 'stopSweep':
      return only('type') ?? { type: m.type };
    case 'series': {
      const bad = only('type', 'trials', 'metric');
      if (bad) return bad;
      if (!Array.isArray(m.trials) || m.trials.length < 1 || m.trials.length > 1000) return 'series.trials must be 1 to 1000 trial numbers';
      for (const t of m.trials)
        if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 1e9) return 'series.trials must hold positive integers';
      if (m.metric === undefined) return { type: 'series', trials: [...(m.trials as number[])] };
      if (!isName(m.metric) || !m.metric) return 'series.metric must be a metric name (a non-empty string)';
      return { type: 'series', trials: [...(m.trials as number[])], metric: m.metric };
    }
    case 'lrFindAction': {
      const bad = only('type', 'action');
      if (bad) return bad;
      if (!(LR_FIND_ACTIONS as readonly unknown[]).includes(m.action))
        return `lrFindAction.action must be one of ${LR_FIND_ACTIONS.join(', ')}`;
      return { type: 'lrFindAction', action: m.action as LrFindAction };
    }
    case 'log': {
      const bad = only('type', 'level', 'message');
      if (bad) return bad;
      if (m.level !== 'info' && m.level !== 'warn' && m.level !== 'error') return 'log.level must be info, warn or error';
      if (typeof m.message !== 'string' || m.message.length > 10_000) return 'log.message must be a string (≤ 10k chars)';
      return { type: 'log', level: m.level, message: m.message };
    }
    default:
      if ((TRIAL_MESSAGES as readonly unknown[]).includes(m.type)) {
        const bad = only('type', 'trial');
        if (bad) return bad;
        if (typeof m.trial !== 'number' || !Number.isInteger(m.trial) || m.trial < 1 || m.trial > 1e9)
          return `${String(m.type)}.trial must be a positive integer`;
        return { type: m.type as (typeof TRIAL_MESSAGES)[number], trial: m.trial };
      }
      return `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`;
  }
}
