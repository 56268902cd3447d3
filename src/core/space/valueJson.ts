/**
 * JSON text of a parameter value in which NaN, Infinity and -Infinity survive: they are written
 * as the bare tokens `NaN`, `Infinity` and `-Infinity`, as Python's `json.dumps` writes them and
 * `json.loads` reads them back (JSON.stringify would write `null`, losing a `.nan` value). Strings,
 * booleans, null and finite numbers are written as JSON.stringify writes them, without spaces.
 */
import type { Value } from './types';

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The text of `v`; `sortKeys` sorts object keys at every level (a canonical form). */
export function valueJson(v: Value, sortKeys = false): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : nonFinite(v);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => valueJson(x, sortKeys)).join(',')}]`;
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  if (sortKeys) keys.sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${valueJson(v[k], sortKeys)}`).join(',')}}`;
}
