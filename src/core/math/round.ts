/** Rounding as numpy does it, and float cleanup for multiples of a step. */

/** Round half to even, like numpy's `np.round` (W&B's q-distributions use it). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds .5 up; for exact halves pick the even neighbour.
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

/**
 * `k * step` with the float noise of the product removed (3 * 0.1 → 0.3, not
 * 0.30000000000000004). Keeps 15 significant digits, which is exact for any step written with
 * fewer digits.
 */
export function stepMultiple(k: number, step: number, offset = 0): number {
  const v = offset + k * step;
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(15));
}
