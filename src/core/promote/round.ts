/**
 * The number Promote writes for a sampled value: what a person would type, not the sampler's
 * 17 digits. `lr=3.3139081963348613` → `3.314`.
 *
 *   promotedNumber(3.3139081963348613, spec)          → 3.314   (4 significant digits)
 *   promotedNumber(0.15000000000000002, {q: 0.05})    → 0.15    (the exact multiple of q)
 *   promotedNumber(64, spec)                          → 64      (integers stay integers)
 *
 * Values the sweep file wrote itself (`values:`, `value:`) and non-numbers are kept as they are.
 */
import type { ParamSpec } from '../space/types';

export const SIGNIFICANT_DIGITS = 4;

/** Digits after the point in `q` as JavaScript prints it (`0.05` → 2, `1e-7` → 7). */
function decimalsOf(q: number): number {
  const [mant, exp] = String(q).split('e');
  const frac = mant.split('.')[1]?.length ?? 0;
  return Math.max(0, frac - Number(exp ?? 0));
}

export function promotedNumber(value: unknown, spec: ParamSpec | undefined): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value) || Number.isInteger(value)) return value;
  if (spec && spec.kind !== 'numeric') return value;
  const q = spec?.kind === 'numeric' ? spec.q : undefined;
  if (q && q > 0) {
    const multiple = Math.round(value / q) * q;
    return Number(multiple.toFixed(Math.min(100, decimalsOf(q))));
  }
  return Number(value.toPrecision(SIGNIFICANT_DIGITS));
}
