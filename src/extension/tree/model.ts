/**
 * The sweeps tree as plain data: sweep state → nodes (label, description, icon, contextValue,
 * accessibility label). Pure, so it is unit-tested without VS Code; tree/provider.ts turns the
 * nodes into vscode.TreeItems.
 *
 * Trials under a sweep: running first, then pending, then the trials with a value best first,
 * then the rest by id; only the first `limit` are listed, followed by a "Show more" node.
 */
import * as path from 'node:path';
import { formatDuration } from '../../core/format/duration';
import { formatNumber } from '../../core/format/number';
import { bestTrial, countTrials, type SweepState, type TrialRecord } from '../../core/journal/reducer';
import type { RunnerStatus } from '../../core/sweep/open';
import type { TrialStatus } from '../../protocol/messages';
import { DEFAULT_FIT_SETTINGS, diagnosisLines, type FitSettings, fitTag, sweepReference, trialDiagnosis } from '../insight/fit';
import {
  bestText,
  formatParam,
  keyParamsText,
  progressText,
  type SweepPhase,
  searchedParamNames,
  sweepPhase,
  sweepStateText,
} from '../sweeps/describe';

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
/** "GPUs" under a running sweep; its children are one GpuNode per GPU. */
export interface GpusNode extends NodeBase {
  kind: 'gpus';
  dir: string;
}
export interface GpuNode extends NodeBase {
  kind: 'gpu';
  dir: string;
  index: number;
}
export type TreeNodeModel = SweepNode | TrialNode | MoreNode | GpusNode | GpuNode;

type GpuSample = NonNullable<SweepState['gpus']>['gpus'][number];

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
    state.created
      ? `method: ${state.created.method} · seed ${state.created.seed} · metric ${state.created.metric.name} (${state.created.metric.goal})`
      : undefined,
    `state: ${stateText}${runner.pid && runner.kind !== 'stopped' ? ` (runner pid ${runner.pid})` : ''}`,
    `trials: ${c.total} (${c.running} running, ${c.completed} completed, ${c.failed} failed, ${c.stopped + c.pruned} stopped/pruned, ${c.pending} pending)`,
    bestText(state),
    state.paused ? `paused: ${state.paused.reason} — resume to continue` : undefined,
    phase === 'lost' ? 'the runner died without a clean stop: Resume continues the sweep from its journal' : undefined,
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

/** Options of the trial nodes: fit diagnosis settings (knobs.diagnosis.*). */
export interface TrialNodeOptions {
  fit?: FitSettings;
}

export function trialNode(
  s: SweepInput,
  t: TrialRecord,
  ctx: { keyParams: string[]; bestId?: number; fit?: FitSettings; reference?: number },
): TrialNode {
  const metric = s.state.created?.metric.name ?? 'value';
  const isBest = ctx.bestId === t.id;
  const status = t.status as TrialStatus;
  const diagnosis = status === 'pending' ? undefined : trialDiagnosis(t, ctx.fit ?? DEFAULT_FIT_SETTINGS, ctx.reference);
  const tag = fitTag(diagnosis);
  // a Slurm job still waiting in the queue says why (Resources, Priority, ...)
  const queued = t.queueReason && (status === 'running' || status === 'pending') ? t.queueReason : undefined;
  const bits: string[] = [];
  if (queued) bits.push(`queued: ${queued}`);
  if (t.value !== undefined) bits.push(`${metric} ${formatNumber(t.value)}`);
  if (t.best !== undefined && t.best !== t.value) bits.push(`best ${formatNumber(t.best)}`);
  if (tag) bits.push(tag);
  if (t.reason && status !== 'completed' && status !== 'running') bits.push(t.reason);
  const params = keyParamsText(t, ctx.keyParams);
  if (params) bits.push(params);
  const label = `Trial ${t.id}`;
  const statusWord =
    (queued ? 'queued' : status) + (t.willRetry ? ' (will retry)' : '') + (t.stopRequested && status === 'running' ? ' (stopping)' : '');
  const tooltip = [
    `${label}${isBest ? ' ★ best' : ''} — ${statusWord}${t.attempt > 1 ? `, attempt ${t.attempt}` : ''}`,
    t.reason ? `reason: ${t.reason}` : undefined,
    queued ? `queued in Slurm: ${queued} (the job has not started yet)` : undefined,
    `${metric}: last ${formatNumber(t.value)}, best ${formatNumber(t.best)}${t.reports ? ` (${t.reports} reports)` : ''}`,
    ...Object.entries(t.last)
      .filter(([k]) => k !== metric)
      .map(([k, v]) => `${k}: ${formatNumber(v)}`),
    'params:',
    ...Object.entries(t.params).map(([k, v]) => `  ${k} = ${formatParam(v)}`),
    t.startedAt ? `ran ${formatDuration((t.endedAt ?? s.state.lastT ?? t.startedAt) - t.startedAt)}` : undefined,
    // the best trial's tooltip carries the advice; others name the tag and why
    ...(isBest ? diagnosisLines(diagnosis) : diagnosisLines(diagnosis).slice(0, 1)),
  ]
    .filter((x) => x !== undefined)
    .join('\n');
  const aria = [
    `Trial ${t.id}`,
    statusWord,
    t.value !== undefined ? `${metric} ${formatNumber(t.value)}` : undefined,
    isBest ? 'best' : undefined,
    queued ? `queued: ${queued}` : undefined,
    tag,
    t.reason && status !== 'completed' && status !== 'running' ? t.reason : undefined,
  ]
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
    icon: isBest && status !== 'running' ? { id: 'star-full', color: 'charts.yellow' } : queued ? TRIAL_ICONS.pending : TRIAL_ICONS[status],
    contextValue: trialContextValue(status),
    ariaLabel: aria,
  };
}

/** The children of a sweep node: up to `limit` trials, then "Show more" when there are more. */
export function trialNodes(
  s: SweepInput,
  limit = DEFAULT_PAGE_SIZE,
  pageSize = DEFAULT_PAGE_SIZE,
  opts: TrialNodeOptions = {},
): (TrialNode | MoreNode)[] {
  const ordered = orderTrials(s.state);
  const best = bestTrial(s.state);
  const keyParams = orderedKeyParams(s.state);
  const shown = ordered.slice(0, Math.max(0, limit));
  const fit = opts.fit ?? DEFAULT_FIT_SETTINGS;
  const reference = fit.enabled ? sweepReference(s.state, fit) : undefined;
  const out: (TrialNode | MoreNode)[] = shown.map((t) => trialNode(s, t, { keyParams, bestId: best?.id, fit, reference }));
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

/** Phases whose GPU sample is current (the runner samples nvidia-smi every few seconds). */
export function showsGpus(s: SweepInput): boolean {
  const phase = sweepPhase(s.state, s.runner);
  return (phase === 'running' || phase === 'paused' || phase === 'stopping') && !!s.state.gpus?.gpus.length;
}

const gib = (mib: number) => (mib / 1024).toFixed(mib >= 10 * 1024 ? 0 : 1);

/** "2 trials (#3, #5) · 12.3/80 GiB · 87%" */
export function gpuText(g: GpuSample): { label: string; description: string; tooltip: string } {
  const trials = g.trials.length
    ? `${g.trials.length} trial${g.trials.length === 1 ? '' : 's'} (${g.trials.map((t) => `#${t}`).join(', ')})`
    : 'idle';
  const mem = `${gib(g.memoryUsedMiB)}/${gib(g.memoryTotalMiB)} GiB`;
  const util = `${Math.round(g.utilization)}%`;
  return {
    label: `GPU ${g.index}: ${g.name}`,
    description: `${trials} · ${mem} · ${util}`,
    tooltip: `GPU ${g.index} (${g.name})\ntrials: ${g.trials.length ? g.trials.join(', ') : 'none'}\nmemory: ${g.memoryUsedMiB} of ${g.memoryTotalMiB} MiB used\nutilisation: ${util}`,
  };
}

export function gpusNode(s: SweepInput): GpusNode {
  const gpus = s.state.gpus?.gpus ?? [];
  const busy = gpus.filter((g) => g.trials.length).length;
  const used = gpus.reduce((a, g) => a + g.memoryUsedMiB, 0);
  const total = gpus.reduce((a, g) => a + g.memoryTotalMiB, 0);
  const util = gpus.length ? Math.round(gpus.reduce((a, g) => a + g.utilization, 0) / gpus.length) : 0;
  const description = `${busy}/${gpus.length} busy · ${gib(used)}/${gib(total)} GiB · ${util}%`;
  return {
    kind: 'gpus',
    key: `gpus:${s.dir}`,
    dir: s.dir,
    label: 'GPUs',
    description,
    tooltip: gpus
      .map((g) => {
        const x = gpuText(g);
        return `${x.label} — ${x.description}`;
      })
      .join('\n'),
    icon: { id: 'circuit-board' },
    contextValue: 'knobsGpus',
    ariaLabel: `GPUs, ${description}`,
  };
}

export function gpuNodes(s: SweepInput): GpuNode[] {
  return (s.state.gpus?.gpus ?? []).map((g) => {
    const x = gpuText(g);
    return {
      kind: 'gpu',
      key: `gpu:${s.dir}:${g.index}`,
      dir: s.dir,
      index: g.index,
      ...x,
      icon: { id: g.trials.length ? 'pulse' : 'circle-outline' },
      contextValue: 'knobsGpu',
      ariaLabel: `${x.label}, ${x.description}`,
    };
  });
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
