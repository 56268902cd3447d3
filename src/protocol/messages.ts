/**
 * Messages between the extension host and the dashboard webview. Shared by both sides; no
 * vscode, no DOM. Host→webview: a `snapshot` first (after the webview's `ready`), then
 * incremental `append`s (changed trials + new metric points), so 100k trials stay fast.
 * Webview→host messages are untrusted: the host runs `parseWebviewMessage` on each and drops
 * (and logs) anything that does not validate. Non-finite metric values travel as null in
 * `value`/`best` and as NaN inside `MetricPoints.values` (structured clone keeps NaN).
 */

export type TrialStatus = 'pending' | 'running' | 'completed' | 'failed' | 'stopped' | 'pruned' | 'interrupted';
export type ParamValue = string | number | boolean | null | ParamValue[] | { [k: string]: ParamValue };

/** One row of the trial table / one line in the parallel coordinates. */
export interface TrialRow {
  id: number;
  status: TrialStatus;
  attempt: number;
  /** Leaf values by dotted name. */
  params: Record<string, ParamValue>;
  /** Last reported value of the sweep metric (null: none or non-finite). */
  value: number | null;
  best: number | null;
  /** Last value of every metric. */
  last: Record<string, number | null>;
  /** Latest step reported. */
  step: number | null;
  reason?: string;
  startedAt?: number;
  endedAt?: number;
  /** Fit diagnosis from the training/validation losses (absent: not enough data). */
  fit?: FitTag;
  /** Why that tag (the rule with its numbers). */
  fitReason?: string;
}

export type FitTag = 'overfitting' | 'underfitting' | 'ok';
export const FIT_TAGS: readonly FitTag[] = ['overfitting', 'underfitting', 'ok'];

/** An axis of the search space, for parallel coordinates and scatter plots. */
export interface ParamAxis {
  name: string;
  kind: 'numeric' | 'categorical' | 'constant';
  /** numeric: plotted range; log: plot on a log scale */
  min?: number;
  max?: number;
  log?: boolean;
  integer?: boolean;
  /** categorical: the values in order */
  values?: ParamValue[];
}

export interface SweepMeta {
  id: string;
  dir: string;
  method: string;
  seed: number;
  metric: { name: string; goal: 'minimize' | 'maximize' };
  runCap?: number;
  /** "running" | "finished (run_cap)" | "runner lost" | ... */
  state: string;
  createdAt: number;
  /** Last op time; elapsed = updatedAt - createdAt. */
  updatedAt: number;
  axes: ParamAxis[];
  paused?: string;
}

/** Points of one metric series of one trial (columnar for speed). */
export interface MetricPoints {
  trial: number;
  attempt: number;
  name: string;
  steps: number[];
  values: number[];
}

/** One bar of the importance chart. */
export interface ImportanceBar {
  name: string;
  /** Share of the metric's variance (fanova) or divergence (ped-anova), 0…1. */
  importance: number;
  /** Pearson r with the metric (−1…1); null for categoricals. */
  correlation: number | null;
}

/** Hyperparameter importance computed in the host (a worker thread) from the completed trials. */
export interface ImportanceView {
  method: 'fanova' | 'ped-anova';
  /** Trials used. */
  n: number;
  explained?: number;
  note?: string;
  params: ImportanceBar[];
}

export type ImportanceMessage = { type: 'importance'; importance: ImportanceView | null; message?: string };

export type HostMessage =
  | { type: 'snapshot'; meta: SweepMeta; trials: TrialRow[]; series: MetricPoints[] }
  | { type: 'append'; meta?: SweepMeta; trials: TrialRow[]; series: MetricPoints[] }
  | ImportanceMessage
  | { type: 'error'; message: string };

const isFiniteNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Validates an `importance` message in the webview (host messages are checked too: a bad one is
 * dropped, never drawn). Returns the message or what is wrong.
 */
export function parseImportanceMessage(raw: unknown): ImportanceMessage | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'importance: not an object';
  const m = raw as Record<string, unknown>;
  if (m.type !== 'importance') return 'importance: wrong type';
  if (m.message !== undefined && (typeof m.message !== 'string' || m.message.length > 2000)) return 'importance.message must be a short string';
  const message = m.message as string | undefined;
  if (m.importance === null) return message === undefined ? { type: 'importance', importance: null } : { type: 'importance', importance: null, message };
  const v = m.importance as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'importance.importance must be an object or null';
  if (v.method !== 'fanova' && v.method !== 'ped-anova') return 'importance.method must be fanova or ped-anova';
  if (!isFiniteNum(v.n) || v.n < 0) return 'importance.n must be a count';
  if (v.explained !== undefined && !isFiniteNum(v.explained)) return 'importance.explained must be a number';
  if (v.note !== undefined && (typeof v.note !== 'string' || v.note.length > 2000)) return 'importance.note must be a short string';
  if (!Array.isArray(v.params) || v.params.length > 10_000) return 'importance.params must be an array';
  const params: ImportanceBar[] = [];
  for (const p of v.params as unknown[]) {
    const b = p as Record<string, unknown> | null;
    if (!b || typeof b !== 'object' || typeof b.name !== 'string' || b.name.length > 500) return 'importance.params[].name must be a string';
    if (!isFiniteNum(b.importance) || b.importance < 0 || b.importance > 1 + 1e-9) return `importance of ${b.name} must be in 0…1`;
    if (b.correlation !== null && (!isFiniteNum(b.correlation) || Math.abs(b.correlation) > 1 + 1e-9)) return `correlation of ${b.name} must be in −1…1 or null`;
    params.push({ name: b.name, importance: b.importance, correlation: b.correlation as number | null });
  }
  const view: ImportanceView = { method: v.method, n: v.n, params };
  if (v.explained !== undefined) view.explained = v.explained as number;
  if (v.note !== undefined) view.note = v.note as string;
  return message === undefined ? { type: 'importance', importance: view } : { type: 'importance', importance: view, message };
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'stopTrial'; trial: number }
  | { type: 'promote'; trial: number }
  | { type: 'openLogs'; trial: number }
  | { type: 'rerun'; trial: number }
  | { type: 'stopSweep' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

const TRIAL_MESSAGES = ['stopTrial', 'promote', 'openLogs', 'rerun'] as const;

/**
 * Validates an untrusted message from the webview. Returns the message, or a string saying
 * what is wrong (for the log). Never casts: every field is checked.
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'message is not an object';
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m);
  const only = (...allowed: string[]) => {
    const extra = keys.filter((k) => !allowed.includes(k));
    return extra.length ? `unexpected field(s) ${extra.join(', ')} in ${String(m.type)}` : undefined;
  };
  switch (m.type) {
    case 'ready':
    case 'stopSweep':
      return only('type') ?? { type: m.type };
    case 'log': {
      const bad = only('type', 'level', 'message');
      if (bad) return bad;
      if (m.level !== 'info' && m.level !== 'warn' && m.level !== 'error') return 'log.level must be info, warn or error';
      if (typeof m.message !== 'string' || m.message.length > 10_000) return 'log.message must be a string (≤ 10k chars)';
      return { type: 'log', level: m.level, message: m.message };
    }
    default:
      if ((TRIAL_MESSAGES as readonly unknown[]).includes(m.type)) {
        const bad = only('type', 'trial');
        if (bad) return bad;
        if (typeof m.trial !== 'number' || !Number.isInteger(m.trial) || m.trial < 1 || m.trial > 1e9) return `${String(m.type)}.trial must be a positive integer`;
        return { type: m.type as (typeof TRIAL_MESSAGES)[number], trial: m.trial };
      }
      return `unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`;
  }
}
