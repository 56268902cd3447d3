/**
 * The lr-finder chart's data, pure (no DOM, so tests run it in Node): from an LrFindData to what
 * the canvas draws, in data coordinates (x = log10 lr, y = loss), plus the axis ticks and the
 * pixel mapping.
 *   - the used curve (points before stopIndex) of the EMA-smoothed loss, and its diverging tail;
 *   - the raw loss (drawn faintly);
 *   - markers: max_lr and base_lr (on the smoothed curve), the smoothed minimum;
 *   - bands: the sweep range that "Use these bounds" writes, and the base_lr band.
 * The y range covers the used smoothed curve (a diverging tail and raw spikes are clipped), so
 * the descent the suggestion is read from fills the chart.
 */
import { formatLr, formatNumber } from '../../../src/core/format/number';
import type { LrFindData } from '../../../src/protocol/lrFindMessages';

export interface Series {
  /** log10 lr */
  x: number[];
  y: number[];
}

export interface Marker {
  kind: 'maxLr' | 'baseLr' | 'min';
  lr: number;
  /** log10 lr */
  x: number;
  /** The smoothed loss there (interpolated), null when outside the curve. */
  y: number | null;
  label: string;
}

export interface Tick {
  v: number;
  label: string;
}

export interface LrFindPlot {
  x: { lo: number; hi: number };
  y: { lo: number; hi: number };
  raw: Series;
  smooth: Series;
  tail: Series;
  markers: Marker[];
  /** The sweep range (log10), when there is a suggestion. */
  band?: { lo: number; hi: number; label: string };
  /** [max_lr / 10, max_lr / 4] (log10). */
  baseBand?: { lo: number; hi: number };
  xTicks: Tick[];
  yTicks: Tick[];
  /** Nothing to draw: why. */
  empty?: string;
}

export function logTicks(lo: number, hi: number): Tick[] {
  if (!(hi > lo)) return [{ v: lo, label: formatLr(10 ** lo) }];
  const out: Tick[] = [];
  const span = hi - lo;
  const mult = span < 2 ? [1, 2, 5] : [1];
  const step = span > 12 ? 2 : 1;
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e += step) {
    for (const m of mult) {
      const v = e + Math.log10(m);
      if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push({ v, label: formatLr(m * 10 ** e) });
    }
  }
  return out;
}

/** About `n` linear ticks at a 1-2-5 step. */
export function linTicks(lo: number, hi: number, n = 5): Tick[] {
  if (!(hi > lo)) return [{ v: lo, label: formatNumber(lo, 3) }];
  const raw = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: Tick[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push({ v: Number(v.toPrecision(12)), label: formatNumber(Number(v.toPrecision(12)), 3) });
  return out;
}

/** The smoothed loss at log10 lr `x`, linearly interpolated over the used curve; null outside it. */
export function smoothedAt(s: Series, x: number): number | null {
  const n = s.x.length;
  if (!n) return null;
  if (x < s.x[0] - 1e-12 || x > s.x[n - 1] + 1e-12) return null;
  for (let i = 1; i < n; i++) {
    if (x <= s.x[i]) {
      const x0 = s.x[i - 1];
      const x1 = s.x[i];
      return x1 > x0 ? s.y[i - 1] + ((x - x0) / (x1 - x0)) * (s.y[i] - s.y[i - 1]) : s.y[i];
    }
  }
  return s.y[n - 1];
}

export function buildLrFindPlot(d: LrFindData): LrFindPlot {
  const raw: Series = { x: [], y: [] };
  const smooth: Series = { x: [], y: [] };
  const tail: Series = { x: [], y: [] };
  const n = d.lrs.length;
  for (let i = 0; i < n; i++) {
    const x = Math.log10(d.lrs[i]);
    const l = d.losses[i];
    if (l !== null && Number.isFinite(l)) {
      raw.x.push(x);
      raw.y.push(l);
    }
    const s = d.smoothed[i];
    if (s === null || !Number.isFinite(s)) continue;
    if (i < d.stopIndex) {
      smooth.x.push(x);
      smooth.y.push(s);
    } else {
      if (!tail.x.length && smooth.x.length) {
        tail.x.push(smooth.x[smooth.x.length - 1]);
        tail.y.push(smooth.y[smooth.y.length - 1]);
      }
      tail.x.push(x);
      tail.y.push(s);
    }
  }
  const xs = d.lrs.map((v) => Math.log10(v));
  const plot: LrFindPlot = { x: { lo: 0, hi: 1 }, y: { lo: 0, hi: 1 }, raw, smooth, tail, markers: [], xTicks: [], yTicks: [] };
  if (!xs.length) {
    plot.empty = d.note ? `No points: ${d.note}` : 'No points: the script reported no loss during the ramp.';
    return plot;
  }
  let xlo = Math.min(...xs);
  let xhi = Math.max(...xs);
  if (!(xhi > xlo)) {
    xlo -= 0.5;
    xhi += 0.5;
  }
  plot.x = { lo: xlo, hi: xhi };
  const ys = smooth.y.length >= 2 ? smooth.y : raw.y;
  if (ys.length) {
    let lo = Math.min(...ys);
    let hi = Math.max(...ys);
    if (!(hi > lo)) {
      const pad = Math.abs(lo) * 0.1 || 1;
      lo -= pad;
      hi += pad;
    }
    const span = hi - lo;
    plot.y = { lo: lo - span * 0.06, hi: hi + span * 0.1 };
  } else plot.empty = d.note ? `No finite loss: ${d.note}` : 'No finite loss was reported.';
  plot.xTicks = logTicks(xlo, xhi);
  plot.yTicks = linTicks(plot.y.lo, plot.y.hi, 5);

  const mark = (kind: Marker['kind'], lr: number, label: string) => {
    const x = Math.log10(lr);
    plot.markers.push({ kind, lr, x, y: smoothedAt(smooth, x), label });
  };
  if (d.minLr !== null && d.minLr > 0) mark('min', d.minLr, `min ${formatLr(d.minLr)}`);
  if (d.suggestion) {
    const s = d.suggestion;
    mark('baseLr', s.baseLr, `base_lr ${formatLr(s.baseLr)}`);
    mark('maxLr', s.maxLr, `max_lr ${formatLr(s.maxLr)}`);
    plot.baseBand = { lo: Math.log10(s.baseLrLow), hi: Math.log10(s.baseLrHigh) };
  }
  if (d.sweepRange)
    plot.band = {
      lo: Math.log10(d.sweepRange.min),
      hi: Math.log10(d.sweepRange.max),
      label: `sweep range ${formatLr(d.sweepRange.min)} … ${formatLr(d.sweepRange.max)}`,
    };
  return plot;
}

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Data → pixels (y grows downwards). */
export function toPx(p: LrFindPlot, f: Frame, x: number, y: number): [number, number] {
  const px = f.left + ((x - p.x.lo) / (p.x.hi - p.x.lo)) * f.width;
  const py = f.top + (1 - (y - p.y.lo) / (p.y.hi - p.y.lo)) * f.height;
  return [px, py];
}

/** Pixel x → log10 lr. */
export function fromPxX(p: LrFindPlot, f: Frame, px: number): number {
  return p.x.lo + ((px - f.left) / f.width) * (p.x.hi - p.x.lo);
}

/** The index (into d.lrs) of the point nearest to log10 lr `x`, or -1. */
export function nearestIndex(d: LrFindData, x: number): number {
  let best = -1;
  let dist = Infinity;
  for (let i = 0; i < d.lrs.length; i++) {
    const dd = Math.abs(Math.log10(d.lrs[i]) - x);
    if (dd < dist) {
      dist = dd;
      best = i;
    }
  }
  return best;
}

/** One line saying what the suggestion is and how it was read. */
export function suggestionText(d: LrFindData): string {
  if (!d.suggestion) return `No suggestion${d.note ? `: ${d.note}` : ''}.`;
  const s = d.suggestion;
  const how =
    s.method === 'steepest' ? 'at the steepest descent of the smoothed loss' : 'one decade below the minimum of the smoothed loss';
  return `max_lr ${formatLr(s.maxLr)} (${how}), base_lr ${formatLr(s.baseLr)} (max_lr / 4; the band max_lr / 10 … / 4 is ${formatLr(s.baseLrLow)} … ${formatLr(s.baseLrHigh)}).`;
}

/** What "Use these bounds" writes, as YAML lines. */
export function sweepBlockText(d: LrFindData): string | undefined {
  if (!d.sweepRange) return undefined;
  const name = d.param ? d.param.split('.').pop() : 'lr';
  return `${name}:\n  distribution: log_uniform_values\n  min: ${d.sweepRange.min}\n  max: ${d.sweepRange.max}`;
}

/** What "Write CyclicLR" writes. */
export function cyclicLrText(d: LrFindData): string | undefined {
  if (!d.cyclicLr) return undefined;
  return `CyclicLR(optimizer, base_lr=${d.cyclicLr.base_lr}, max_lr=${d.cyclicLr.max_lr})`;
}
