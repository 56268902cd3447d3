/**
 * The UI state kept across reloads with vscode.setState (pure): filters, selected trial, sort and
 * the open chart tab. What getState returns is untrusted (older versions, hand edits), so it is
 * checked field by field and anything odd falls back to the default.
 */
import type { TrialStatus } from '../../../src/protocol/messages';
import type { Filters } from './filter';
import type { SortSpec } from './sort';
import { STATUSES } from './store';

export const TABS = ['curves', 'parallel', 'scatter', 'importance', 'lrfind'] as const;
export type Tab = (typeof TABS)[number];

/** The learning curves' controls: metric (null: the sweep's), x axis and smoothing (0…0.99). */
export interface CurveSettings {
  metric: string | null;
  x: 'step' | 'time';
  smoothing: number;
}

export interface UiState {
  v: 1;
  filters: Filters;
  selected: number | null;
  sort: SortSpec | null;
  tab: Tab;
  /** The scroll offset of the table, in rows. */
  scrollRow: number;
  curves: CurveSettings;
}

export function defaultUiState(): UiState {
  return {
    v: 1,
    filters: { states: [], ranges: {} },
    selected: null,
    sort: null,
    tab: 'curves',
    scrollRow: 0,
    curves: { metric: null, x: 'step', smoothing: 0 },
  };
}

export function sanitizeUiState(raw: unknown): UiState {
  const d = defaultUiState();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return d;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1) return d;
  const out = d;
  if (typeof r.selected === 'number' && Number.isInteger(r.selected) && r.selected > 0) out.selected = r.selected;
  if (typeof r.tab === 'string' && (TABS as readonly string[]).includes(r.tab)) out.tab = r.tab as Tab;
  if (typeof r.scrollRow === 'number' && Number.isInteger(r.scrollRow) && r.scrollRow >= 0) out.scrollRow = r.scrollRow;
  const c = r.curves as Record<string, unknown> | undefined;
  if (c && typeof c === 'object' && !Array.isArray(c)) {
    if (typeof c.metric === 'string' && c.metric.length > 0 && c.metric.length < 500) out.curves.metric = c.metric;
    if (c.x === 'step' || c.x === 'time') out.curves.x = c.x;
    if (typeof c.smoothing === 'number' && c.smoothing >= 0 && c.smoothing <= 0.99) out.curves.smoothing = c.smoothing;
  }
  const s = r.sort as Record<string, unknown> | null | undefined;
  if (s && typeof s === 'object' && typeof s.key === 'string' && s.key.length < 500 && (s.dir === 'asc' || s.dir === 'desc'))
    out.sort = { key: s.key, dir: s.dir };
  const f = r.filters as Record<string, unknown> | undefined;
  if (f && typeof f === 'object') {
    if (Array.isArray(f.states))
      out.filters.states = f.states.filter((x): x is TrialStatus => (STATUSES as readonly unknown[]).includes(x));
    const ranges = f.ranges as Record<string, unknown> | undefined;
    if (ranges && typeof ranges === 'object' && !Array.isArray(ranges)) {
      for (const [k, v] of Object.entries(ranges)) {
        if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)))
          out.filters.ranges[k] = [Math.min(v[0], v[1]), Math.max(v[0], v[1])];
      }
    }
  }
  return out;
}
