/** Builds the nested config a script sees from leaf values (dotted names → nested objects). */
import type { Config, FlatParams, Space, Value } from './types';
import { valueJson } from './valueJson';

export function toConfig(space: Space, flat: FlatParams): Config {
  const out: Config = {};
  for (const p of space.params) {
    if (!(p.name in flat)) continue;
    setPath(out, p.path, flat[p.name]);
  }
  // values not in the space (e.g. from points_to_evaluate of an older file) are kept too
  for (const [k, v] of Object.entries(flat)) {
    if (!space.params.some((p) => p.name === k)) setPath(out, k.split('.'), v);
  }
  return out;
}

function setPath(obj: Config, path: string[], value: Value): void {
  let cur: Config = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[path[i]] = {};
    cur = cur[path[i]] as Config;
  }
  cur[path[path.length - 1]] = value;
}

/** Short human text of params: "lr=0.001 dropout=0.2". */
export function formatParams(flat: FlatParams, maxLen = 80): string {
  const parts = Object.entries(flat).map(([k, v]) => `${k}=${formatValue(v)}`);
  const s = parts.join(' ');
  return s.length > maxLen ? `${s.slice(0, maxLen - 1)}…` : s;
}

export function formatValue(v: Value): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(+v.toPrecision(4));
  }
  if (typeof v === 'string') return v;
  return valueJson(v);
}
