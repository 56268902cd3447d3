/**
 * Parameter values that JSON cannot hold (NaN, Infinity, -Infinity, e.g. from `values: [.nan]`)
 * survive the journal: JSON.stringify writes them as null in `params`, and the op lists each one
 * in `nonFinite` as its path (the parameter's name, then keys and indices inside its value) and
 * its spelling. Reading restores them. Strings stay strings: a value "NaN" is not listed.
 */

import type { FlatParams, Value } from '../space/types';
import { decodeNumber, encodeNumber, type NumberOrNonFinite } from './ops';

export interface NonFiniteAt {
  path: (string | number)[];
  value: Exclude<NumberOrNonFinite, number>;
}

/** Every non-finite number in `params`, with its path; undefined when there is none. */
export function nonFiniteParams(params: FlatParams): NonFiniteAt[] | undefined {
  const out: NonFiniteAt[] = [];
  const walk = (v: Value, path: (string | number)[]): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push({ path, value: encodeNumber(v) as NonFiniteAt['value'] });
    } else if (Array.isArray(v))
      v.forEach((x, i) => {
        walk(x, [...path, i]);
      });
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], [...path, k]);
  };
  for (const k of Object.keys(params)) walk(params[k], [k]);
  return out.length ? out : undefined;
}

/** `params` with the listed non-finite numbers put back (a copy when there are any). */
export function restoreNonFinite(params: FlatParams, nonFinite: readonly NonFiniteAt[] | undefined): FlatParams {
  if (!nonFinite?.length) return params;
  const out = structuredClone(params);
  for (const { path, value } of nonFinite) {
    let node: unknown = out;
    for (let i = 0; i < path.length - 1 && node !== null && typeof node === 'object'; i++)
      node = (node as Record<string | number, unknown>)[path[i]];
    if (node !== null && typeof node === 'object' && path.length > 0)
      (node as Record<string | number, unknown>)[path[path.length - 1]] = decodeNumber(value);
  }
  return out;
}
