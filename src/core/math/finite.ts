/**
 * The one "is this a finite number" check (not NaN, not ±∞, not a numeric string). Import-free,
 * so src/protocol (and through it the webview) may use it too (see test/unit/boundary.test.ts).
 */
export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
