/** Sorting of the trial table (pure): keys read from the store's columns; NaN/missing sorts last. */
import { FIT_TAGS, type FitTag } from '../../../src/protocol/messages';
import { STATUS_ORDER } from '../format';
import { STATUS_CODE, type TrialStore } from './store';

/** Fit tags in sort order: the ones that need attention first. */
const FIT_RANK: Record<FitTag, number> = { overfitting: 0, underfitting: 1, ok: 2 };

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
    STATUS_ORDER.forEach((s, r) => {
      rank[STATUS_CODE[s]] = r;
    });
    for (let i = 0; i < n; i++) out[i] = rank[store.status[i]];
    return out;
  }
  const col = (src: ArrayLike<number>) => {
    for (let i = 0; i < n; i++) out[i] = src[i];
  };
  if (key === 'id') col(store.ids);
  else if (key === 'best') col(store.bestValue);
  else if (key === 'step') col(store.step);
  else if (key === 'fit') {
    const rank = [NaN, ...FIT_TAGS.map((t) => FIT_RANK[t])];
    for (let i = 0; i < n; i++) out[i] = rank[store.fit[i]];
  } else if (key === 'duration') {
    const end = store.meta?.updatedAt ?? NaN;
    for (let i = 0; i < n; i++) {
      const s = store.startedAt[i],
        e = store.endedAt[i];
      out[i] = s === s ? (e === e ? e : end === end ? end : s) - s : NaN;
    }
  } else if (key.startsWith('last:')) {
    const c = store.lastColumn(key.slice(5));
    if (c) col(c);
    else out.fill(NaN);
  } else out.fill(NaN);
  return out;
}

/**
 * Row indices of the store sorted by `spec`; NaN/missing last in both directions; ties keep row
 * order (arrival order, which is trial-id order). A stable LSD radix sort on the keys' IEEE bits:
 * linear, about 10× faster than a comparator sort at 100k rows.
 */
export function sortOrder(store: TrialStore, spec: SortSpec): Int32Array {
  return argsort(sortKeys(store, spec.key), spec.dir === 'desc');
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Stable argsort of float keys (ascending, or descending), NaN last. */
export function argsort(keys: Float64Array, desc = false): Int32Array {
  const n = keys.length;
  const lo = new Uint32Array(n),
    hi = new Uint32Array(n);
  let src = new Int32Array(n);
  const nans: number[] = [];
  let m = 0;
  // the keys' IEEE bits, read in bulk from their buffer (no per-key conversion through a scratch array)
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, n * 2);
  const L = LITTLE ? 0 : 1,
    H = LITTLE ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const x = keys[i];
    if (x !== x) {
      nans.push(i);
      continue;
    }
    let l = bits[2 * i + L],
      h = bits[2 * i + H];
    if (x === 0) l = h = 0; // -0 sorts with 0
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    if (desc) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    lo[m] = l;
    hi[m] = h;
    src[m++] = i;
  }
  let dst = new Int32Array(m);
  let klo = lo.subarray(0, m),
    khi = hi.subarray(0, m);
  let tlo = new Uint32Array(m),
    thi = new Uint32Array(m);
  src = src.subarray(0, m);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? klo : khi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let j = 0; j < m; j++) count[(word[j] >>> shift) & 0xffff]++;
    if (count[(word[0] >>> shift) & 0xffff] === m) continue; // every key has this digit
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let j = 0; j < m; j++) {
      const k = count[(word[j] >>> shift) & 0xffff]++;
      dst[k] = src[j];
      tlo[k] = klo[j];
      thi[k] = khi[j];
    }
    [src, dst] = [dst, src];
    [klo, tlo] = [tlo, klo];
    [khi, thi] = [thi, khi];
  }
  const out = new Int32Array(n);
  out.set(src);
  for (let k = 0; k < nans.length; k++) out[m + k] = nans[k];
  return out;
}

/** Clicking a header: same key flips the direction, a new key starts ascending (metric: best first). */
export function toggleSort(cur: SortSpec, key: SortKey, minimize: boolean): SortSpec {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  if (key === 'value' || key === 'best') return { key, dir: minimize ? 'asc' : 'desc' };
  return { key, dir: 'asc' };
}
