/** Final and status summaries of a sweep: text tables and the --json objects. */

import { DIAGNOSIS_METRICS, type Diagnosis, diagnoseSweep } from '../core/analysis/diagnosis';
import { formatDuration } from '../core/format/duration';
import { formatNumber, MISSING } from '../core/format/number';
import type { SweepState, TrialRecord } from '../core/journal/reducer';
import { bestTrial, countTrials } from '../core/journal/reducer';
import { toConfig } from '../core/space/config';
import type { Space } from '../core/space/types';
import type { RunnerStatus } from '../core/sweep/open';
import { formatConfigYaml, type Style, style, table, trialHeaders, trialRows } from './format';
import { evaluationText, gpuLines } from './liveView';

export interface SweepSummaryJson {
  sweep: string;
  dir: string;
  method: string;
  seed: number;
  metric: { name: string; goal: string };
  state: string;
  runner: RunnerStatus;
  counts: ReturnType<typeof countTrials>;
  finished?: { reason: string };
  paused?: { reason: string };
  elapsedMs: number;
  best?: TrialJson;
  /** The `evaluate:` run (test metrics, apart from validation metrics). */
  evaluation?: EvaluationJson;
  trials?: TrialJson[];
}

export interface EvaluationJson {
  trial: number;
  status: string;
  by: string;
  metrics: Record<string, number | string | null>;
  exitCode?: number | null;
  error?: string;
}

export function evaluationJson(s: SweepState): EvaluationJson | undefined {
  const e = s.evaluation;
  if (!e) return undefined;
  const metrics: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(e.metrics)) metrics[k] = jsonNumber(v);
  return { trial: e.trial, status: e.status, by: e.by, metrics, exitCode: e.exitCode, error: e.error };
}

export interface TrialJson {
  trial: number;
  state: string;
  attempt: number;
  params: Record<string, unknown>;
  config: Record<string, unknown>;
  value: number | null | string;
  best: number | null | string;
  last: Record<string, number | string>;
  reason?: string;
  startedAt?: string;
  endedAt?: string;
}

function jsonNumber(v: number | undefined): number | null | string {
  if (v === undefined) return null;
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A parameter value with non-finite numbers spelt as metrics are ("NaN", "Infinity", "-Infinity"). */
function jsonParam(v: unknown): unknown {
  if (typeof v === 'number') return jsonNumber(v);
  if (Array.isArray(v)) return v.map(jsonParam);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonParam(x)]));
  return v;
}

export function trialJson(t: TrialRecord, space?: Space): TrialJson {
  const last: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(t.last)) last[k] = jsonNumber(v) as number | string;
  return {
    trial: t.id,
    state: t.status,
    attempt: t.attempt,
    params: jsonParam(t.params) as Record<string, unknown>,
    config: jsonParam(space ? toConfig(space, t.params) : t.params) as Record<string, unknown>,
    value: jsonNumber(t.value),
    best: jsonNumber(t.best),
    last,
    reason: t.reason,
    startedAt: t.startedAt ? new Date(t.startedAt).toISOString() : undefined,
    endedAt: t.endedAt ? new Date(t.endedAt).toISOString() : undefined,
  };
}

export function sweepState(state: SweepState, runner: RunnerStatus): string {
  if (runner.kind === 'running') return state.paused ? 'paused' : 'running';
  if (runner.kind === 'lost') return 'runner lost';
  if (state.finished) return `finished (${state.finished.reason})`;
  if (state.paused) return 'paused';
  return 'interrupted';
}

export function summaryJson(o: {
  state: SweepState;
  dir: string;
  runner: RunnerStatus;
  space?: Space;
  withTrials: boolean;
}): SweepSummaryJson {
  const s = o.state;
  const c = s.created!;
  const best = bestTrial(s);
  return {
    sweep: c.sweepId,
    dir: o.dir,
    method: c.method,
    seed: c.seed,
    metric: c.metric,
    state: sweepState(s, o.runner),
    runner: o.runner,
    counts: countTrials(s),
    finished: s.finished ? { reason: s.finished.reason } : undefined,
    paused: s.paused ? { reason: s.paused.reason } : undefined,
    elapsedMs: (s.lastT ?? c.t) - c.t,
    best: best ? trialJson(best, o.space) : undefined,
    evaluation: evaluationJson(s),
    trials: o.withTrials ? s.trials.map((t) => trialJson(t, o.space)) : undefined,
  };
}

export function runnerLine(r: RunnerStatus): string {
  if (r.kind === 'running') return `runner pid ${r.pid} on ${r.host}, alive`;
  if (r.kind === 'lost')
    return `runner lost (pid ${r.pid}, last seen ${Math.round((r.lastSeenMs ?? 0) / 1000)} s ago) — run \`knobs resume\``;
  return 'no runner';
}

/** The text summary: header, counts, trial table (sorted best first), best config. */
/**
 * Fit diagnosis per trial (diagnoseFit on its training/validation series, the sweep's best final
 * training loss as the reference); undefined when no trial reports both metrics.
 */
export function fitTags(state: SweepState, names: { train?: string; val?: string } = {}): Map<number, Diagnosis> | undefined {
  const train = names.train ?? DIAGNOSIS_METRICS.train;
  const val = names.val ?? DIAGNOSIS_METRICS.val;
  if (!state.trials.some((t) => t.series[train]?.length && t.series[val]?.length)) return undefined;
  return diagnoseSweep(state.trials, { train, val });
}

export function summaryText(o: {
  state: SweepState;
  dir: string;
  runner: RunnerStatus;
  out: NodeJS.WriteStream;
  limit?: number;
  fit?: { train?: string; val?: string };
}): string {
  const s = o.state;
  const c = s.created!;
  const st: Style = style(o.out);
  const counts = countTrials(s);
  const goal = c.metric.goal;
  const sorted = [...s.trials].sort((a, b) => rank(a, b, goal));
  const limit = o.limit ?? 30;
  const shown = sorted.slice(0, limit);
  const cols = o.out.columns || 120;
  const lines = [
    `${st.bold(`sweep ${c.sweepId}`)} · ${sweepState(s, o.runner)} · ${c.method} · seed ${c.seed} · ${c.metric.goal} ${c.metric.name}`,
    `${o.dir}`,
    `${runnerLine(o.runner)} · elapsed ${formatDuration((s.lastT ?? c.t) - c.t)}`,
    `trials: ${counts.total} (${counts.completed} completed, ${counts.running} running, ${counts.failed} failed, ${counts.stopped} stopped, ${counts.pruned} pruned, ${counts.interrupted + counts.pending} waiting)`,
  ];
  if (s.paused) lines.push(st.red(`launching paused: ${s.paused.reason}`));
  if (o.runner.kind === 'running') for (const line of gpuLines(s)) lines.push(line);
  const fit = fitTags(s, o.fit);
  if (shown.length) {
    const headers = trialHeaders(s);
    const rows = trialRows(s, shown, st, 70);
    if (fit) {
      // the tag goes before the note (the last column)
      headers.splice(headers.length - 1, 0, 'fit');
      rows.forEach((r, i) => {
        r.splice(r.length - 1, 0, fitTag(fit.get(shown[i].id), st));
      });
    }
    lines.push('', table(headers, rows, { maxWidth: cols - 1, align: ['r', 'l', 'l', 'r', 'r', 'r', 'l', 'l'] }));
    if (sorted.length > limit) lines.push(st.dim(`… ${sorted.length - limit} more (knobs export --csv for all)`));
  }
  const best = bestTrial(s);
  if (best) {
    lines.push(
      '',
      `${st.bold('best')}: trial ${best.id} · ${c.metric.name} = ${st.green(formatNumber(best.value))}`,
      formatConfigYaml(best.params),
    );
    const d = fit?.get(best.id);
    if (d && d.tag !== 'unknown') {
      lines.push(`${st.bold('fit')}: ${fitTag(d, st)}: ${d.reason}`);
      if (d.advice.length) lines.push(`  next: ${d.advice.join('; ')}`);
    }
  } else {
    lines.push('', 'best: no trial has reported the metric yet');
  }
  if (s.evaluation) lines.push(`${st.bold('test')}: ${evaluationText(s.evaluation)} (evaluate on trial ${s.evaluation.trial})`);
  return lines.join('\n');
}

function fitTag(d: Diagnosis | undefined, st: Style): string {
  if (!d || d.tag === 'unknown') return st.dim(MISSING);
  return d.tag === 'ok' ? st.green('ok') : st.yellow(d.tag);
}

function rank(a: TrialRecord, b: TrialRecord, goal: string): number {
  const va = a.value;
  const vb = b.value;
  const okA = va !== undefined && !Number.isNaN(va) && a.status !== 'failed';
  const okB = vb !== undefined && !Number.isNaN(vb) && b.status !== 'failed';
  if (okA && okB) return goal === 'maximize' ? vb! - va! : va! - vb!;
  if (okA) return -1;
  if (okB) return 1;
  return a.id - b.id;
}
