/**
 * Canonical JSON of a search space: parameters sorted by name, source positions dropped, object
 * keys sorted at every level. Resume compares it to detect a changed space; formatting, comments,
 * key order and non-space keys (run_cap, metric, ...) do not change it.
 */
import type { ParamSpec, Space } from './types';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = canonical(x);
    }
    return o;
  }
  return v;
}

export function spaceKey(space: Space): string {
  const params = [...space.params]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => {
      const { loc: _loc, ...rest } = p;
      return canonical(rest);
    });
  return JSON.stringify({ params });
}

/**
 * The parameters of a recorded space key (what a sweep's journal holds in `created.spaceKey`),
 * without source positions; [] when the key is unreadable.
 */
export function spaceKeyParams(key: string | undefined): ParamSpec[] {
  if (!key) return [];
  try {
    const parsed = JSON.parse(key) as { params?: ParamSpec[] } | ParamSpec[];
    const params = Array.isArray(parsed) ? parsed : parsed.params;
    return Array.isArray(params) ? params.filter((p) => p && typeof p.name === 'string') : [];
  } catch {
    return [];
  }
}

/** Whether the sweep varied the parameter: not a constant (`value:`), not a single `values:` entry. */
export function isSearchedParam(p: ParamSpec): boolean {
  return p.kind === 'numeric' || (p.kind === 'categorical' && p.values.length > 1);
}
