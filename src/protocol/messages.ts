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

export type HostMessage =
  | { type: 'snapshot'; meta: SweepMeta; trials: TrialRow[]; series: MetricPoints[] }
  | { type: 'append'; meta?: SweepMeta; trials: TrialRow[]; series: MetricPoints[] }
  | { type: 'error'; message: string };

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
