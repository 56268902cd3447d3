/**
 * Host→webview data, built purely from SweepState: a `snapshot` (meta, every trial row, every
 * metric series, columnar) and then `append`s holding only the trials that changed and the metric
 * points that are new since the last message. `DashboardFeed` remembers what was sent.
 */
import type { SweepState, TrialRecord } from '../../core/journal/reducer';
import { numericBounds } from '../../core/space/points';
import type { ParamSpec } from '../../core/space/types';
import type { RunnerStatus } from '../../core/sweep/open';
import type { HostMessage, MetricPoints, ParamAxis, ParamValue, SweepMeta, TrialRow, TrialStatus } from '../../protocol/messages';
import { DEFAULT_FIT_SETTINGS, type FitSettings, fitTag, sweepReference, trialDiagnosis } from '../insight/fit';
import { spaceParams, sweepStateText } from '../sweeps/describe';

export interface SweepSource {
  dir: string;
  id: string;
  state: SweepState;
  runner: RunnerStatus;
}

const finiteOrNull = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);

/** Fit diagnosis context for rows: the settings and the sweep's reference training loss. */
export interface FitContext {
  settings: FitSettings;
  reference?: number;
}

export function fitContext(state: SweepState, settings: FitSettings = DEFAULT_FIT_SETTINGS): FitContext {
  return { settings, reference: settings.enabled ? sweepReference(state, settings) : undefined };
}

export function trialRow(t: TrialRecord, fit?: FitContext): TrialRow {
  const last: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(t.last)) last[k] = Number.isFinite(v) ? v : null;
  let step: number | null = null;
  for (const pts of Object.values(t.series)) {
    const p = pts[pts.length - 1];
    if (p && (step === null || p.step > step)) step = p.step;
  }
  const row: TrialRow = {
    id: t.id,
    status: t.status as TrialStatus,
    attempt: t.attempt,
    params: t.params as Record<string, ParamValue>,
    value: finiteOrNull(t.value),
    best: finiteOrNull(t.best),
    last,
    step,
  };
  if (t.reason !== undefined) row.reason = t.reason;
  if (t.startedAt !== undefined) row.startedAt = t.startedAt;
  if (t.endedAt !== undefined) row.endedAt = t.endedAt;
  if (fit && t.status !== 'pending') {
    const d = trialDiagnosis(t, fit.settings, fit.reference);
    const tag = fitTag(d);
    if (d && tag) {
      row.fit = tag;
      row.fitReason = d.reason;
    }
  }
  return row;
}

/** One axis per parameter of the space recorded at creation (`created.spaceKey`). */
export function paramAxes(state: SweepState): ParamAxis[] {
  const params = spaceParams(state);
  const order = state.trials[0] ? Object.keys(state.trials[0].params) : [];
  const pos = (n: string) => {
    const i = order.indexOf(n);
    return i === -1 ? order.length : i;
  };
  return [...params].sort((a, b) => pos(a.name) - pos(b.name)).map((p) => paramAxis(p, state));
}

const LOG_DISTS = new Set([
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'log_normal',
  'q_log_normal',
]);

export function paramAxis(p: ParamSpec, state?: SweepState): ParamAxis {
  if (p.kind === 'constant') return { name: p.name, kind: 'constant', values: [p.value as ParamValue] };
  if (p.kind === 'categorical') return { name: p.name, kind: 'categorical', values: p.values as ParamValue[] };
  const axis: ParamAxis = { name: p.name, kind: 'numeric' };
  let { lo, hi } = numericBounds(p);
  if (p.distribution === 'normal' || p.distribution === 'q_normal') {
    lo = (p.mu ?? 0) - 3 * (p.sigma ?? 1);
    hi = (p.mu ?? 0) + 3 * (p.sigma ?? 1);
  } else if (p.distribution === 'log_normal' || p.distribution === 'q_log_normal') {
    lo = Math.exp((p.mu ?? 0) - 3 * (p.sigma ?? 1));
    hi = Math.exp((p.mu ?? 0) + 3 * (p.sigma ?? 1));
  }
  // widen to what the trials actually hold (points_to_evaluate, quantisation)
  if (state) {
    for (const t of state.trials) {
      const v = t.params[p.name];
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (Number.isFinite(lo)) axis.min = lo;
  if (Number.isFinite(hi)) axis.max = hi;
  if (LOG_DISTS.has(p.distribution) && lo > 0) axis.log = true;
  if (p.integer) axis.integer = true;
  return axis;
}

/** `axes` may be passed when already known (they only depend on the space). */
export function sweepMeta(src: SweepSource, axes?: ParamAxis[]): SweepMeta {
  const { state } = src;
  const c = state.created;
  const meta: SweepMeta = {
    id: src.id,
    dir: src.dir,
    method: c?.method ?? 'unknown',
    seed: c?.seed ?? 0,
    metric: { name: c?.metric.name ?? 'value', goal: c?.metric.goal ?? 'minimize' },
    state: sweepStateText(state, src.runner),
    createdAt: c?.t ?? state.firstT ?? 0,
    updatedAt: state.lastT ?? c?.t ?? 0,
    axes: axes ?? paramAxes(state),
  };
  if (c?.runCap !== undefined) meta.runCap = c.runCap;
  if (state.paused) meta.paused = state.paused.reason;
  return meta;
}

/** Every metric series of a trial's current attempt, columnar, from point index `from[name]`. */
export function metricPoints(t: TrialRecord, from: Record<string, number> = {}): MetricPoints[] {
  const out: MetricPoints[] = [];
  for (const [name, pts] of Object.entries(t.series)) {
    const start = from[name] ?? 0;
    if (start >= pts.length) continue;
    const steps = new Array<number>(pts.length - start);
    const values = new Array<number>(pts.length - start);
    const times = new Array<number>(pts.length - start);
    for (let i = start; i < pts.length; i++) {
      steps[i - start] = pts[i].step;
      values[i - start] = pts[i].value;
      times[i - start] = pts[i].t;
    }
    out.push({ trial: t.id, attempt: t.attempt, name, steps, values, times });
  }
  return out;
}

export function buildSnapshot(src: SweepSource, fit: FitSettings = DEFAULT_FIT_SETTINGS): Extract<HostMessage, { type: 'snapshot' }> {
  const ctx = fitContext(src.state, fit);
  const trials = src.state.trials.map((t) => trialRow(t, ctx));
  const series = src.state.trials.flatMap((t) => metricPoints(t));
  return { type: 'snapshot', meta: sweepMeta(src), trials, series };
}

/**
 * The panel draws learning curves of the sweep metric, and of one other metric once its chooser
 * asked for it (`also`); the table shows every metric's last value from the trial rows. So the
 * other metrics' points are not posted: with a few metrics per report that is most of a
 * snapshot's bytes.
 */
export function onlySweepMetric<M extends HostMessage>(m: M, metric: string, also?: string): M {
  const keep = (name: string) => name === metric || name === also;
  if ((m.type !== 'snapshot' && m.type !== 'append') || m.series.every((p) => keep(p.name))) return m;
  return { ...m, series: m.series.filter((p) => keep(p.name)) };
}

/** Above this many points a snapshot carries only the featured trials' series (the rest on request). */
export const SNAPSHOT_POINTS = 200_000;
/** How many of the best trials keep their series in a large snapshot (the curves tab draws ≤ 80). */
export const FEATURED_BEST = 200;

/**
 * A large sweep's snapshot keeps the series of its running trials and of its best trials only:
 * the curves tab draws those first, and the webview asks (`series`) for any other trial it draws
 * (a filter, a selection). Below `budget` points every series is sent.
 */
export function featuredSeries(
  m: Extract<HostMessage, { type: 'snapshot' }>,
  budget = SNAPSHOT_POINTS,
  keep = FEATURED_BEST,
): Extract<HostMessage, { type: 'snapshot' }> {
  let total = 0;
  for (const p of m.series) total += p.steps.length;
  if (total <= budget) return m;
  const sign = m.meta.metric.goal === 'maximize' ? -1 : 1;
  const ranked = m.trials.filter((t) => t.value !== null).sort((a, b) => sign * (a.value! - b.value!));
  const ids = new Set<number>(ranked.slice(0, keep).map((t) => t.id));
  for (const t of m.trials) if (t.status === 'running') ids.add(t.id);
  return { ...m, series: m.series.filter((p) => ids.has(p.trial)), partialSeries: true };
}

/** The reply to a `series` request: every series of those trials, from their first point. */
export function seriesReply(state: SweepState, trials: readonly number[], metric: string): Extract<HostMessage, { type: 'series' }> {
  const series: MetricPoints[] = [];
  for (const id of trials) {
    const t = state.byId.get(id);
    if (t) for (const p of metricPoints(t)) if (p.name === metric) series.push(p);
  }
  return { type: 'series', series };
}

/** What changes a row: status, attempt, reports, value/best, reason, times. */
function rowSignature(t: TrialRecord): string {
  return (
    `${t.status}|${t.attempt}|${t.reports}|${t.value}|${t.best}|${t.reason ?? ''}|` +
    `${t.startedAt ?? ''}|${t.endedAt ?? ''}|${t.stopRequested}|${t.willRetry}`
  );
}

function metaSignature(m: SweepMeta): string {
  return `${m.state}|${m.runCap ?? ''}|${m.paused ?? ''}|${m.axes.length}|${m.method}`;
}

/**
 * Remembers what one webview has been sent. `snapshot()` resets it; `append()` returns only the
 * changed trials and the new points (or undefined when nothing changed). `changed` narrows the
 * check to the trials that new ops touched (the store reports them), so appends stay O(change).
 */
export class DashboardFeed {
  private rows = new Map<number, string>();
  /** per trial: the attempt and point counts per metric already sent */
  private sent = new Map<number, { attempt: number; counts: Record<string, number> }>();
  private meta = '';
  private lastUpdated = 0;
  private axes: ParamAxis[] | undefined;

  /** `fit`: the knobs.diagnosis.* settings, read at each message. */
  constructor(private readonly fit: () => FitSettings = () => DEFAULT_FIT_SETTINGS) {}

  snapshot(src: SweepSource): Extract<HostMessage, { type: 'snapshot' }> {
    this.rows.clear();
    this.sent.clear();
    const msg = buildSnapshot(src, this.fit());
    for (const t of src.state.trials) this.remember(t);
    this.meta = metaSignature(msg.meta);
    this.axes = msg.meta.axes.length ? msg.meta.axes : undefined;
    this.lastUpdated = msg.meta.updatedAt;
    return msg;
  }

  append(src: SweepSource, changed?: Iterable<number>): Extract<HostMessage, { type: 'append' }> | undefined {
    const trials: TrialRow[] = [];
    const series: MetricPoints[] = [];
    let ctx: FitContext | undefined;
    const candidates: Iterable<TrialRecord> = changed
      ? [...new Set(changed)].map((id) => src.state.byId.get(id)).filter((t): t is TrialRecord => !!t)
      : src.state.trials;
    for (const t of candidates) {
      const sig = rowSignature(t);
      const prevSent = this.sent.get(t.id);
      const from = prevSent && prevSent.attempt === t.attempt ? prevSent.counts : {};
      const pts = metricPoints(t, from);
      if (sig !== this.rows.get(t.id)) trials.push(trialRow(t, (ctx ??= fitContext(src.state, this.fit()))));
      series.push(...pts);
      this.remember(t, sig);
    }
    const meta = sweepMeta(src, this.axes);
    if (!this.axes && meta.axes.length) this.axes = meta.axes;
    const metaSig = metaSignature(meta);
    const metaChanged = metaSig !== this.meta || (meta.updatedAt !== this.lastUpdated && (trials.length > 0 || series.length > 0));
    if (!trials.length && !series.length && metaSig === this.meta) return undefined;
    this.meta = metaSig;
    this.lastUpdated = meta.updatedAt;
    const msg: Extract<HostMessage, { type: 'append' }> = { type: 'append', trials, series };
    if (metaChanged) msg.meta = meta;
    return msg;
  }

  private remember(t: TrialRecord, sig = rowSignature(t)): void {
    this.rows.set(t.id, sig);
    const counts: Record<string, number> = {};
    for (const [name, pts] of Object.entries(t.series)) counts[name] = pts.length;
    this.sent.set(t.id, { attempt: t.attempt, counts });
  }
}
