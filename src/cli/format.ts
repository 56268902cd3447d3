/** Plain-text formatting for the CLI: tables, trial rows, colours (TTY only); numbers and durations are core/format's. */

import { formatNumber, MISSING } from '../core/format/number';
import type { SweepState, TrialRecord } from '../core/journal/reducer';
import { formatParams, formatValue } from '../core/space/config';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s, cyan: (s) => s };
const ansi = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const colour: Style = { bold: ansi(1), dim: ansi(2), green: ansi(32), red: ansi(31), yellow: ansi(33), cyan: ansi(36) };

export function style(stream: NodeJS.WriteStream): Style {
  return stream.isTTY && !process.env.NO_COLOR ? colour : plain;
}

/** Visible width (ANSI escapes removed). */
export function width(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

export function table(headers: string[], rows: string[][], opts: { maxWidth?: number; align?: ('l' | 'r')[] } = {}): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  // shrink the widest column (usually params) to fit the terminal
  const max = opts.maxWidth ?? 200;
  let total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total > max) {
    const i = widths.indexOf(Math.max(...widths));
    if (widths[i] <= 12) break;
    widths[i]--;
    total--;
  }
  const cell = (s: string, c: number) => {
    const w = width(s);
    let t = s;
    if (w > widths[c]) t = `${s.replace(/\x1b\[[0-9;]*m/g, '').slice(0, widths[c] - 1)}…`;
    const pad = ' '.repeat(Math.max(0, widths[c] - width(t)));
    return opts.align?.[c] === 'r' ? pad + t : t + pad;
  };
  return all
    .map((r) =>
      r
        .map((s, c) => cell(s ?? '', c))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function statusText(t: TrialRecord, s: Style): string {
  switch (t.status) {
    case 'completed':
      return s.green('completed');
    case 'failed':
      return s.red(t.willRetry ? 'failed↻' : 'failed');
    case 'running':
      return s.cyan('running');
    case 'pruned':
      return s.yellow('pruned');
    case 'stopped':
      return s.yellow('stopped');
    case 'interrupted':
      return s.yellow('interrupted');
    default:
      return s.dim(t.status);
  }
}

/** Names of the searched (non-constant) params, from the journal's space key; cached per sweep. */
const searchedCache = new WeakMap<object, Set<string> | null>();
export function searchedNames(state: SweepState): Set<string> | null {
  const created = state.created;
  if (!created) return null;
  if (searchedCache.has(created)) return searchedCache.get(created)!;
  let names: Set<string> | null = null;
  try {
    const key = JSON.parse(created.spaceKey) as { params: { name: string; kind: string }[] };
    names = new Set(key.params.filter((p) => p.kind !== 'constant').map((p) => p.name));
    if (names.size === 0) names = null;
  } catch {
    names = null;
  }
  searchedCache.set(created, names);
  return names;
}

/** The params worth showing in a row: the searched ones (constants are the same everywhere). */
export function shownParams(state: SweepState, params: Record<string, unknown>): Record<string, never> {
  const names = searchedNames(state);
  if (!names) return params as Record<string, never>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (names.has(k)) out[k] = v;
  return out as Record<string, never>;
}

export function trialRows(state: SweepState, trials: TrialRecord[], s: Style, paramWidth = 60): string[][] {
  return trials.map((t) => [
    String(t.id),
    statusText(t, s),
    formatParams(shownParams(state, t.params), paramWidth),
    String(lastStep(t) ?? MISSING),
    formatNumber(t.value),
    formatNumber(t.best),
    t.reason ?? (t.queueReason ? `queued: ${t.queueReason}` : ''),
  ]);
}

export function trialHeaders(state: SweepState): string[] {
  const metric = state.created?.metric.name ?? 'value';
  return ['trial', 'state', 'params', 'step', metric, `best ${metric}`, 'note'];
}

export function lastStep(t: TrialRecord): number | undefined {
  let step: number | undefined;
  for (const series of Object.values(t.series)) {
    const last = series[series.length - 1];
    if (last && (step === undefined || last.step > step)) step = last.step;
  }
  return step;
}

export function formatConfigYaml(flat: Record<string, unknown>): string {
  return Object.entries(flat)
    .map(([k, v]) => `  ${k}: ${formatValue(v as never)}`)
    .join('\n');
}
