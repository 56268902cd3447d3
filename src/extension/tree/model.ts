/**
 * The sweeps tree as plain data: sweep state → nodes (label, description, icon, contextValue,
 * accessibility label). Pure, so it is unit-tested without VS Code; tree/provider.ts turns the
 * nodes into vscode.TreeItems.
 *
 * Trials under a sweep: running first, then pending, then the trials with a value best first,
 * then the rest by id; only the first `limit` are listed, followed by a "Show more" node.
 */
import * as path from 'node:path';
import { bestTrial, countTrials, type SweepState, type TrialRecord } from '../../core/journal/reducer';
import type { RunnerStatus } from '../../core/sweep/open';
import type { TrialStatus } from '../../protocol/messages';
import { bestText, formatMetric, formatParam, keyParamsText, progressText, searchedParamNames, sweepPhase, sweepStateText, type SweepPhase } from '../sweeps/describe';

export const DEFAULT_PAGE_SIZE = 100;

export interface IconModel {
  /** codicon id (ThemeIcon) */
  id: string;
  /** theme color id (ThemeColor) */
  color?: string;
}

interface NodeBase {
  /** Stable id for the tree (survives refreshes). */
  key: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: IconModel;
  contextValue?: string;
  /** Screen-reader label; also what the e2e test finds items by. */
  ariaLabel: string;
}

export interface SweepNode extends NodeBase {
  kind: 'sweep';
  dir: string;
  phase: SweepPhase;
}
export interface TrialNode extends NodeBase {
  kind: 'trial';
  dir: string;
  trial: number;
  status: TrialStatus;
  isBest: boolean;
}
export interface MoreNode extends NodeBase {
  kind: 'more';
  dir: string;
  shown: number;
  total: number;
}
export type TreeNodeModel = SweepNode | TrialNode | MoreNode;

export interface SweepInput {
  dir: string;
  id: string;
  state: SweepState;
  runner: RunnerStatus;
}

const SWEEP_ICONS: Record<SweepPhase, IconModel> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  stopping: { id: 'loading~spin', color: 'charts.orange' },
  paused: { id: 'debug-pause', color: 'charts.orange' },
  lost: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  finished: { id: 'pass', color: 'testing.iconPassed' },
  stopped: { id: 'debug-stop' },
};

export const TRIAL_ICONS: Record<TrialStatus, IconModel> = {
  pending: { id: 'clock' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'debug-stop', color: 'charts.orange' },
  pruned: { id: 'circle-slash', color: 'disabledForeground' },
  interrupted: { id: 'debug-disconnect', color: 'problemsWarningIcon.foreground' },
};

export function sweepContextValue(phase: SweepPhase): string {
  return `knobsSweep.${phase}`;
}
export function trialContextValue(status: TrialStatus): string {
  return `knobsTrial.${status}`;
}

export function sweepNode(s: SweepInput): SweepNode {
  const { state, runner } = s;
  const phase = sweepPhase(state, runner);
  const stateText = sweepStateText(state, runner);
  const progress = progressText(state);
  const best = bestText(state, false);
  const c = countTrials(state);
  const file = state.created?.file;
  const parts = [stateText, progress + (state.created?.runCap ? '' : ' done'), best].filter(Boolean);
  const tooltip = [
    `Sweep ${s.id}`,
    file ? `file: ${file}` : undefined,
    state.created ? `method: ${state.created.method} · seed ${state.created.seed} · metric ${state.created.metric.name} (${state.created.metric.goal})` : undefined,
    `state: ${stateText}${runner.pid && runner.kind !== 'stopped' ? ` (runner pid ${runner.pid})` : ''}`,
    `trials: ${c.total} (${c.running} running, ${c.completed} completed, ${c.failed} failed, ${c.stopped + c.pruned} stopped/pruned, ${c.pending} pending)`,
    bestText(state),
    state.paused ? `paused: ${state.paused.reason} — resume to continue` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
  const label = file ? `${path.basename(path.dirname(file))}/${path.basename(file)}` : s.id;
  return {
    kind: 'sweep',
    key: `sweep:${s.dir}`,
    dir: s.dir,
    phase,
    label,
    description: `${parts.join(' · ')} · ${s.id}`,
    tooltip,
    icon: SWEEP_ICONS[phase],
    contextValue: sweepContextValue(phase),
    ariaLabel: `Sweep ${label} ${s.id}, ${stateText}, ${progress} trials${best ? `, ${best}` : ''}`,
  };
}

/** Running, pending, then valued trials best first, then the rest by id. */
export function orderTrials(state: SweepState): TrialRecord[] {
  const goal = state.created?.metric.goal ?? 'minimize';
  const sign = goal === 'maximize' ? -1 : 1;
  const rank = (t: TrialRecord) => {
    if (t.status === 'running') return 0;
    if (t.status === 'pending') return 1;
    if (t.value !== undefined && !Number.isNaN(t.value) && t.status !== 'failed') return 2;
    return 3;
  };
  const ranked = state.trials.map((t) => ({ t, r: rank(t) }));
  ranked.sort((a, b) => {
    if (a.r !== b.r) return a.r - b.r;
    if (a.r === 2 && a.t.value !== b.t.value) return sign * (a.t.value! - b.t.value!);
    return a.t.id - b.t.id;
  });
  return ranked.map((x) => x.t);
}

export function trialNode(s: SweepInput, t: TrialRecord, ctx: { keyParams: string[]; bestId?: number }): TrialNode {
  const metric = s.state.created?.metric.name ?? 'value';
  const isBest = ctx.bestId === t.id;
  const status = t.status as TrialStatus;
  const bits: string[] = [];
  if (t.value !== undefined) bits.push(`${metric} ${formatMetric(t.value)}`);
  if (t.best !== undefined && t.best !== t.value) bits.push(`best ${formatMetric(t.best)}`);
  if (t.reason && status !== 'completed' && status !== 'running') bits.push(t.reason);
  const params = keyParamsText(t, ctx.keyParams);
  if (params) bits.push(params);
  const label = `Trial ${t.id}`;
  const statusWord = status + (t.willRetry ? ' (will retry)' : '') + (t.stopRequested && status === 'running' ? ' (stopping)' : '');
  const tooltip = [
    `${label}${isBest ? ' ★ best' : ''} — ${statusWord}${t.attempt > 1 ? `, attempt ${t.attempt}` : ''}`,
    t.reason ? `reason: ${t.reason}` : undefined,
    `${metric}: last ${formatMetric(t.value)}, best ${formatMetric(t.best)}${t.reports ? ` (${t.reports} reports)` : ''}`,
    ...Object.entries(t.last)
      .filter(([k]) => k !== metric)
      .map(([k, v]) => `${k}: ${formatMetric(v)}`),
    'params:',
    ...Object.entries(t.params).map(([k, v]) => `  ${k} = ${formatParam(v)}`),
    t.startedAt ? `ran ${formatDuration((t.endedAt ?? s.state.lastT ?? t.startedAt) - t.startedAt)}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join('\n');
  const aria = [`Trial ${t.id}`, statusWord, t.value !== undefined ? `${metric} ${formatMetric(t.value)}` : undefined, isBest ? 'best' : undefined, t.reason && status !== 'completed' && status !== 'running' ? t.reason : undefined]
    .filter(Boolean)
    .join(', ');
  return {
    kind: 'trial',
    key: `trial:${s.dir}:${t.id}`,
    dir: s.dir,
    trial: t.id,
    status,
    isBest,
    label,
    description: bits.join(' · '),
    tooltip,
    icon: isBest && status !== 'running' ? { id: 'star-full', color: 'charts.yellow' } : TRIAL_ICONS[status],
    contextValue: trialContextValue(status),
    ariaLabel: aria,
  };
}

/** The children of a sweep node: up to `limit` trials, then "Show more" when there are more. */
export function trialNodes(s: SweepInput, limit = DEFAULT_PAGE_SIZE, pageSize = DEFAULT_PAGE_SIZE): (TrialNode | MoreNode)[] {
  const ordered = orderTrials(s.state);
  const best = bestTrial(s.state);
  const keyParams = orderedKeyParams(s.state);
  const shown = ordered.slice(0, Math.max(0, limit));
  const out: (TrialNode | MoreNode)[] = shown.map((t) => trialNode(s, t, { keyParams, bestId: best?.id }));
  if (ordered.length > shown.length) {
    const rest = ordered.length - shown.length;
    const next = Math.min(rest, pageSize);
    out.push({
      kind: 'more',
      key: `more:${s.dir}`,
      dir: s.dir,
      shown: shown.length,
      total: ordered.length,
      label: `Show more (${next} of ${rest} more)`,
      description: `${shown.length} of ${ordered.length} shown`,
      icon: { id: 'ellipsis' },
      contextValue: 'knobsMore',
      ariaLabel: `Show ${next} more trials, ${shown.length} of ${ordered.length} shown`,
    });
  }
  return out;
}

/** Searched parameter names in the order the trials carry them (file order). */
export function orderedKeyParams(state: SweepState): string[] {
  const searched = searchedParamNames(state);
  const first = state.trials[0];
  if (!first) return searched;
  const set = new Set(searched);
  const inOrder = Object.keys(first.params).filter((k) => set.has(k));
  for (const n of searched) if (!inOrder.includes(n)) inOrder.push(n);
  return inOrder;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
