/**
 * Numbers for people, the one style for every face: metric values, parameter values and learning
 * rates in the CLI, the tree, the status bar and the webview.
 *
 * src/core/format/ is pure and import-free (no node:, no browser API, no other module), which is why it
 * is the one part of the core the webview may import (test/unit/boundary.test.ts enforces both).
 */

/** What a missing value (none yet, or no data) prints as. */
export const MISSING = '–';

/**
 * A metric or parameter value in at most `digits` significant digits: integers below 10⁶ as they
 * are, plain notation from 0.001 to 10⁶, an exponent without `+` outside it.
 * 0.00032 → "3.2e-4", 0.123456 → "0.1235", 42 → "42", 1234567 → "1.23e6", NaN → "NaN", −∞ → "-∞".
 */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return MISSING;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(digits)));
  const [m, e] = v.toExponential(Math.max(0, digits - 2)).split('e');
  return `${String(Number(m))}e${e.startsWith('+') ? e.slice(1) : e}`;
}

/** A learning rate: 2 significant digits with an exponent (0.003 → "3e-3", 0.00075 → "7.5e-4"), plain from 1 to 1000 ("1", "10"). */
export function formatLr(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  if (x >= 1 && x < 1000) return String(Number(x.toPrecision(3)));
  return Number(x.toPrecision(2))
    .toExponential()
    .replace('e+', 'e')
    .replace(/\.?0+e/, 'e');
}
