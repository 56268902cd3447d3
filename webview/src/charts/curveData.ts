/**
 * Learning-curve data (pure): which trials get a curve (the best, the selected one, running ones,
 * then the best by value, up to a cap so 1k × 1k-point sweeps stay fast) and each curve's points,
 * decimated to about the chart's pixel width.
 */
import { STATUS_CODE, type TrialStore } from '../state/store';
import { decimate } from './decimate';
import { smoothEma } from './smooth';

const RUNNING = STATUS_CODE.running;

/** A point in data coordinates. */
export interface XY {
  x: number;
  y: number;
}

export interface CurvePoint {
  x: number;
  /** Drawn value (smoothed when smoothing is on). */
  y: number;
  step: number;
  /** The reported value. */
  raw: number;
}

/** How a curve is drawn: the x axis (step, or wall time in seconds since `t0`) and the smoothing. */
export interface CurveOptions {
  x: 'step' | 'time';
  /** Epoch ms where wall time starts (the trial's start); the first point's time when undefined. */
  t0?: number;
  smoothing: number;
}

export interface PickOptions {
  max: number;
  selected?: number | null;
  /** Only rows with mask[i] = 1 (the filters), when given. */
  mask?: Uint8Array;
  metric?: string;
}

/** Trial ids to draw, most important first. */
export function pickCurveTrials(store: TrialStore, o: PickOptions): number[] {
  const metric = o.metric ?? store.metricName;
  const out: number[] = [];
  const seen = new Set<number>();
  // a lazy trial (its series not fetched yet) counts: the view asks the host for it
  // another metric than the sweep's: trials that reported it (its series is asked for when drawn)
  const last = metric === store.metricName ? undefined : store.lastColumn(metric);
  const reported = (i: number) => (last ? last[i] === last[i] : store.lazy.has(store.ids[i]) || store.pending.has(store.ids[i]));
  const has = (i: number) => (o.mask ? o.mask[i] === 1 : true) && ((store.seriesOf(store.ids[i], metric)?.length ?? 0) > 0 || reported(i));
  const add = (i: number) => {
    const id = store.ids[i];
    if (out.length < o.max && !seen.has(id) && has(i)) {
      seen.add(id);
      out.push(id);
    }
  };
  if (store.bestIndex >= 0) add(store.bestIndex);
  if (o.selected != null) {
    const i = store.indexById.get(o.selected);
    if (i !== undefined) add(i);
  }
  // running trials (newest first), up to half the cap
  const runCap = Math.max(1, Math.floor(o.max / 2));
  let running = 0;
  for (let i = store.size - 1; i >= 0 && running < runCap; i--) {
    if (store.status[i] === RUNNING && has(i)) {
      add(i);
      running++;
    }
  }
  // then the best by value: a bounded insertion list of the top `room`
  const room = o.max - out.length;
  if (room > 0) {
    const top: number[] = [];
    for (let i = 0; i < store.size; i++) {
      const v = store.metric[i];
      if (Number.isNaN(v) || seen.has(store.ids[i]) || !has(i)) continue;
      if (top.length === room && !store.better(v, store.metric[top[top.length - 1]])) continue;
      let k = top.length;
      while (k > 0 && store.better(v, store.metric[top[k - 1]])) k--;
      top.splice(k, 0, i);
      if (top.length > room) top.pop();
    }
    for (const i of top) add(i);
    // trials with a series but no finite value yet (failed early etc.)
    for (let i = 0; i < store.size && out.length < o.max; i++) add(i);
  }
  return out;
}

/**
 * The points of a series (smoothed first, when asked), on the chosen x axis, skipping non-finite
 * values, decimated to about `target` (LTTB).
 */
export function curvePoints(
  s: { steps: ArrayLike<number>; values: ArrayLike<number>; times?: ArrayLike<number> },
  target: number,
  o: CurveOptions = { x: 'step', smoothing: 0 },
): CurvePoint[] {
  const n = s.steps.length;
  const ys = o.smoothing > 0 ? smoothEma(s.values, o.smoothing) : s.values;
  const times = o.x === 'time' ? s.times : undefined;
  if (o.x === 'time' && !times) return [];
  let xs: ArrayLike<number> = s.steps;
  if (times) {
    const t0 = o.t0 ?? (n ? times[0] : 0);
    xs = Float64Array.from(times, (t) => (t - t0) / 1000);
  }
  const point = (i: number): CurvePoint => ({ x: xs[i], y: ys[i], step: s.steps[i], raw: s.values[i] });
  if (n <= target) {
    const out: CurvePoint[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(ys[i]) && Number.isFinite(xs[i])) out.push(point(i));
    return out;
  }
  return decimate(xs, ys, target).map(point);
}

/** Log y axis when every value is positive and they span more than two decades. */
export function suggestLogY(curves: XY[][]): boolean {
  let min = Infinity,
    max = -Infinity;
  for (const c of curves)
    for (const p of c) {
      if (p.y <= 0) return false;
      if (p.y < min) min = p.y;
      if (p.y > max) max = p.y;
    }
  return min < max && max / min > 100;
}

/** The curve point nearest to pixel (px, py), given data→pixel maps; -1 when none within `radius`. */
export function nearestCurve(
  curves: { id: number; points: XY[] }[],
  px: number,
  py: number,
  toPx: (x: number) => number,
  toPy: (y: number) => number,
  radius = 12,
): { id: number; index: number } | undefined {
  let best: { id: number; index: number } | undefined;
  let bestD = radius * radius;
  for (const c of curves) {
    const pts = c.points;
    for (let i = 0; i < pts.length; i++) {
      const cx = toPx(pts[i].x),
        cy = toPy(pts[i].y);
      let d = (cx - px) ** 2 + (cy - py) ** 2;
      if (i > 0) d = Math.min(d, segDist2(toPx(pts[i - 1].x), toPy(pts[i - 1].y), cx, cy, px, py));
      if (d < bestD) {
        bestD = d;
        best = { id: c.id, index: i };
      }
    }
  }
  return best;
}

/** Squared distance from (px,py) to the segment (ax,ay)-(bx,by). */
export function segDist2(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const vx = bx - ax,
    vy = by - ay;
  const len = vx * vx + vy * vy;
  let t = len > 0 ? ((px - ax) * vx + (py - ay) * vy) / len : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  const dx = ax + t * vx - px,
    dy = ay + t * vy - py;
  return dx * dx + dy * dy;
}
