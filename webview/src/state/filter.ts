/**
 * Filters (pure): trial states plus brushed ranges per axis, evaluated on the store's columns.
 * Counts are always exact, whatever the chart draws.
 */
import type { TrialStatus } from '../../../src/protocol/messages';
import { inRange } from '../charts/axes';
import { STATUS_CODE, type TrialStore } from './store';

export interface Filters {
  /** States to show; empty shows all. */
  states: TrialStatus[];
  /** Brushes by axis name (METRIC_AXIS for the metric), in raw column units. */
  ranges: Record<string, [number, number]>;
}

export function emptyFilters(): Filters {
  return { states: [], ranges: {} };
}

export function isFiltering(f: Filters): boolean {
  return f.states.length > 0 || Object.keys(f.ranges).length > 0;
}

/**
 * Writes 1 into mask[i] for every row that passes, 0 otherwise; returns how many pass.
 * `mask` must hold at least store.size entries. Brushes on unknown axes are ignored.
 */
export function computeMask(store: TrialStore, f: Filters, mask: Uint8Array): number {
  const n = store.size;
  let stateOk: Uint8Array | undefined;
  if (f.states.length) {
    stateOk = new Uint8Array(16);
    for (const s of f.states) stateOk[STATUS_CODE[s]] = 1;
  }
  const checks: { col: Float64Array; r: [number, number] }[] = [];
  for (const [name, r] of Object.entries(f.ranges)) {
    const a = store.axisIndex(name);
    if (a >= 0) checks.push({ col: store.cols[a], r });
  }
  let count = 0;
  const st = store.status;
  for (let i = 0; i < n; i++) {
    let ok = stateOk ? stateOk[st[i]] === 1 : true;
    for (let c = 0; ok && c < checks.length; c++) ok = inRange(checks[c].col[i], checks[c].r);
    mask[i] = ok ? 1 : 0;
    if (ok) count++;
  }
  return count;
}

/** The rows of `order` that pass `mask`, in order. */
export function applyMask(order: Int32Array, mask: Uint8Array, count?: number): Int32Array {
  const out = new Int32Array(count ?? order.length);
  let k = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    if (mask[i]) {
      if (k >= out.length) return applyMask(order, mask); // count was stale
      out[k++] = i;
    }
  }
  return k === out.length ? out : out.slice(0, k);
}

/** Trials per state among the rows that pass. */
export function countByState(store: TrialStore, mask: Uint8Array): Record<TrialStatus, number> {
  const byCode = new Array<number>(16).fill(0);
  for (let i = 0; i < store.size; i++) if (mask[i]) byCode[store.status[i]]++;
  const out = {} as Record<TrialStatus, number>;
  for (const [s, c] of Object.entries(STATUS_CODE) as [TrialStatus, number][]) out[s] = byCode[c];
  return out;
}

/** Sets (or clears, with undefined) one brush; returns new Filters (inputs are not mutated). */
export function withRange(f: Filters, axis: string, r: [number, number] | undefined): Filters {
  const ranges = { ...f.ranges };
  if (r) ranges[axis] = r[0] <= r[1] ? r : [r[1], r[0]];
  else delete ranges[axis];
  return { states: f.states, ranges };
}

export function withStates(f: Filters, states: TrialStatus[]): Filters {
  return { states: [...states], ranges: f.ranges };
}
