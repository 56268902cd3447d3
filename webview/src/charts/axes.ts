/**
 * Axis scales shared by the parallel coordinates, the scatter plots and the filters. Pure (no
 * DOM). A scale maps a trial's raw column value (a number for numeric axes, a category index for
 * categorical ones) to a unit position in [0, 1] and back, and makes tick labels.
 */

import { formatNumber } from '../../../src/core/format/number';
import type { ParamAxis, ParamValue } from '../../../src/protocol/messages';

export const METRIC_AXIS = '@metric';

export interface AxisScale {
  /** Dotted parameter name, or METRIC_AXIS. */
  name: string;
  label: string;
  kind: 'numeric' | 'categorical' | 'constant' | 'metric';
  log: boolean;
  integer: boolean;
  /** Plotted range of raw values (numeric/metric); 0..k-1 for categorical. */
  lo: number;
  hi: number;
  categories: string[];
}

/** Key of a categorical value: strings stay themselves, anything else is JSON. */
export function categoryKey(v: ParamValue | undefined): string {
  return typeof v === 'string' ? v : JSON.stringify(v ?? null);
}

/** Raw column value of a param: a finite number for numeric axes, else NaN. */
export function numericValue(v: ParamValue | undefined): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return NaN;
}

/** Unit position of a raw column value (may fall outside [0,1] when out of range; NaN stays NaN). */
export function toUnit(s: AxisScale, x: number): number {
  if (!Number.isFinite(x)) return NaN;
  switch (s.kind) {
    case 'constant':
      return 0.5;
    case 'categorical':
      return s.categories.length <= 1 ? 0.5 : x / (s.categories.length - 1);
    default: {
      if (s.log) {
        if (x <= 0 || s.lo <= 0) return NaN;
        const a = Math.log10(s.lo),
          b = Math.log10(s.hi);
        return b === a ? 0.5 : (Math.log10(x) - a) / (b - a);
      }
      return s.hi === s.lo ? 0.5 : (x - s.lo) / (s.hi - s.lo);
    }
  }
}

/** Raw value at a unit position (inverse of toUnit; categorical gives a fractional index). */
export function fromUnit(s: AxisScale, u: number): number {
  switch (s.kind) {
    case 'constant':
      return s.lo;
    case 'categorical':
      return u * Math.max(0, s.categories.length - 1);
    default:
      if (s.log && s.lo > 0) {
        const a = Math.log10(s.lo),
          b = Math.log10(s.hi);
        return 10 ** (a + u * (b - a));
      }
      return s.lo + u * (s.hi - s.lo);
  }
}

export interface Tick {
  u: number;
  label: string;
}

/** About `n` tick marks: categories by name, log axes by decade, linear axes at nice steps. */
export function ticks(s: AxisScale, n = 5): Tick[] {
  if (s.kind === 'constant') return [{ u: 0.5, label: s.categories[0] ?? formatNumber(s.lo) }];
  if (s.kind === 'categorical') {
    const k = s.categories.length;
    const every = Math.max(1, Math.ceil(k / Math.max(1, n * 2)));
    const out: Tick[] = [];
    for (let i = 0; i < k; i += every) out.push({ u: toUnit(s, i), label: s.categories[i] });
    return out;
  }
  if (!(s.hi > s.lo)) return [{ u: 0.5, label: formatNumber(s.lo) }];
  if (s.log && s.lo > 0) {
    const a = Math.floor(Math.log10(s.lo)),
      b = Math.ceil(Math.log10(s.hi));
    const step = Math.max(1, Math.ceil((b - a) / n));
    const out: Tick[] = [];
    for (let e = a; e <= b; e += step) {
      const u = toUnit(s, 10 ** e);
      if (u >= -1e-9 && u <= 1 + 1e-9) out.push({ u, label: formatNumber(10 ** e) });
    }
    if (out.length < 2)
      return [
        { u: 0, label: formatNumber(s.lo) },
        { u: 1, label: formatNumber(s.hi) },
      ];
    return out;
  }
  const step = niceStep((s.hi - s.lo) / n);
  const out: Tick[] = [];
  for (let v = Math.ceil(s.lo / step) * step; v <= s.hi + step * 1e-9; v += step) {
    out.push({ u: toUnit(s, v), label: formatNumber(Math.abs(v) < step * 1e-9 ? 0 : v) });
  }
  return out;
}

export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** Scale of one search-space axis; categories start from the axis' declared values. */
export function paramScale(axis: ParamAxis): AxisScale {
  const categorical = axis.kind === 'categorical';
  const constant = axis.kind === 'constant';
  const categories = categorical || constant ? (axis.values ?? []).map(categoryKey) : [];
  const lo = categorical ? 0 : (axis.min ?? NaN);
  const hi = categorical ? Math.max(0, categories.length - 1) : (axis.max ?? NaN);
  return {
    name: axis.name,
    label: axis.name,
    kind: categorical ? 'categorical' : constant ? 'constant' : 'numeric',
    log: !!axis.log && !categorical,
    integer: !!axis.integer,
    lo: constant && !Number.isFinite(lo) ? 0 : lo,
    hi: constant && !Number.isFinite(hi) ? 0 : hi,
    categories,
  };
}

/**
 * Widens a numeric scale to cover observed data [min, max] (axes without declared bounds, e.g.
 * normal distributions, and the metric axis). Returns true when the range changed.
 */
export function fitRange(s: AxisScale, min: number, max: number, declared: boolean): boolean {
  if (s.kind !== 'numeric' && s.kind !== 'metric') return false;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return false;
  let lo = s.lo,
    hi = s.hi;
  if (declared && Number.isFinite(lo) && Number.isFinite(hi)) {
    lo = Math.min(lo, min);
    hi = Math.max(hi, max);
  } else {
    lo = min;
    hi = max;
  }
  if (s.log && lo <= 0) s.log = false;
  const changed = lo !== s.lo || hi !== s.hi;
  s.lo = lo;
  s.hi = hi;
  return changed;
}

/** Whether a raw value lies in a closed brush range [a, b] (either order). */
export function inRange(x: number, r: readonly [number, number]): boolean {
  const lo = Math.min(r[0], r[1]);
  const hi = Math.max(r[0], r[1]);
  return x >= lo && x <= hi;
}
