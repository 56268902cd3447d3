/** Sorting of the trial table (pure): keys read from the store's columns; NaN/missing sorts last. */
import { TrialStore, STATUS_CODE } from './store';
import { STATUS_ORDER } from '../format';

/** 'id' | 'status' | 'value' | 'best' | 'step' | 'duration' | 'param:<name>' | 'last:<name>' */
export type SortKey = string;
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** Numeric sort keys of every row (NaN = missing). */
export function sortKeys(store: TrialStore, key: SortKey): Float64Array {
  const n = store.size;
  const out = new Float64Array(n);
  const rows = store.rows;
  if (key === 'value') {
    out.set(store.metric.subarray(0, n));
    return out;
  }
  if (key.startsWith('param:')) {
    const name = key.slice(6);
    const a = store.axisIndex(name);
    if (a >= 0) {
      out.set(store.cols[a].subarray(0, n));
      return out;
    }
    // constant params: all equal
    return out;
  }
  if (key === 'status') {
    const rank = new Float64Array(16);
    STATUS_ORDER.forEach((s, r) => (rank[STATUS_CODE[s]] = r));
    for (let i = 0; i < n; i++) out[i] = rank[store.status[i]];
    return out;
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    let v: number | null | undefined;
    if (key === 'id') v = r.id;
    else if (key === 'best') v = r.best;
    else if (key === 'step') v = r.step;
    else if (key === 'duration') v = r.startedAt !== undefined ? (r.endedAt ?? store.meta?.updatedAt ?? r.startedAt) - r.startedAt : null;
    else if (key.startsWith('last:')) v = r.last[key.slice(5)];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
  }
  return out;
}

/** Row indices of the store sorted by `spec`; ties by trial id ascending; NaN last in both directions. */
export function sortOrder(store: TrialStore, spec: SortSpec): Int32Array {
  const n = store.size;
  const keys = sortKeys(store, spec.key);
  const ids = new Float64Array(n);
  for (let i = 0; i < n; i++) ids[i] = store.rows[i].id;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = spec.dir === 'desc' ? -1 : 1;
  order.sort((a, b) => {
    const x = keys[a], y = keys[b];
    const xn = x !== x, yn = y !== y;
    if (xn || yn) return xn && yn ? ids[a] - ids[b] : xn ? 1 : -1;
    if (x !== y) return x < y ? -sign : sign;
    return ids[a] - ids[b];
  });
  return order;
}

/** Clicking a header: same key flips the direction, a new key starts ascending (metric: best first). */
export function toggleSort(cur: SortSpec, key: SortKey, minimize: boolean): SortSpec {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  if (key === 'value' || key === 'best') return { key, dir: minimize ? 'asc' : 'desc' };
  return { key, dir: 'asc' };
}
