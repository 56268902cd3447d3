/**
 * Words for a sweep's state, shared by the tree, the status bar and the dashboard header.
 * Pure: SweepState + RunnerStatus in, strings out.
 */

import { formatNumber } from '../../core/format/number';
import { bestTrial, countTrials, type SweepState, type TrialRecord } from '../../core/journal/reducer';
import { formatValue } from '../../core/space/config';
import type { ParamSpec, Value } from '../../core/space/types';
import type { RunnerStatus } from '../../core/sweep/open';

export type SweepPhase = 'running' | 'stopping' | 'paused' | 'lost' | 'finished' | 'stopped';

export function sweepPhase(state: SweepState, runner: RunnerStatus): SweepPhase {
  if (runner.kind === 'running') {
    if (state.stopRequested) return 'stopping';
    if (state.paused) return 'paused';
    return 'running';
  }
  if (runner.kind === 'lost') return 'lost';
  return state.finished ? 'finished' : 'stopped';
}

/** "12 s", "3 min", "2 h", "4 d": how long ago, for humans. */
export function formatAge(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "runner lost (pid 4242, last seen 12 s ago)": a runner that died without a clean stop. */
export function runnerLostText(runner: RunnerStatus): string {
  const bits: string[] = [];
  if (runner.pid !== undefined) bits.push(`pid ${runner.pid}`);
  const age = formatAge(runner.lastSeenMs);
  if (age !== undefined) bits.push(`last seen ${age} ago`);
  return bits.length ? `runner lost (${bits.join(', ')})` : 'runner lost';
}

/** "running", "paused (3 crashes in a row)", "finished (run_cap)", "runner lost (pid N, last seen 12 s ago)", "stopped". */
export function sweepStateText(state: SweepState, runner: RunnerStatus): string {
  const phase = sweepPhase(state, runner);
  switch (phase) {
    case 'paused':
      return `paused (${state.paused!.reason})`;
    case 'finished':
      return `finished (${state.finished!.reason})`;
    case 'lost':
      return runnerLostText(runner);
    default:
      return phase;
  }
}

/** "5/16" (finished / run_cap), or "5" when there is no cap. */
export function progressText(state: SweepState): string {
  const c = countTrials(state);
  const cap = state.created?.runCap;
  return cap ? `${c.finished}/${cap}` : `${c.finished}`;
}

/** A parameter value for humans (numbers short, strings as is). */
export function formatParam(v: Value): string {
  return typeof v === 'number' ? formatNumber(v) : formatValue(v);
}

/** "best val_loss 0.083 (trial 7)" or undefined when no trial has a value yet. */
export function bestText(state: SweepState, withTrial = true): string | undefined {
  const best = bestTrial(state);
  if (!best || !state.created) return undefined;
  return `best ${state.created.metric.name} ${formatNumber(best.value)}${withTrial ? ` (trial ${best.id})` : ''}`;
}

/** The search-space parameters recorded at creation (constants included), without source positions. */
export function spaceParams(state: SweepState): ParamSpec[] {
  const key = state.created?.spaceKey;
  if (!key) return [];
  try {
    const parsed = JSON.parse(key) as { params?: ParamSpec[] } | ParamSpec[];
    const params = Array.isArray(parsed) ? parsed : parsed.params;
    return Array.isArray(params) ? params.filter((p) => p && typeof p.name === 'string') : [];
  } catch {
    return [];
  }
}

/** Names of the parameters that are searched (not constants), in space order. */
export function searchedParamNames(state: SweepState): string[] {
  const params = spaceParams(state);
  if (params.length) return params.filter((p) => p.kind !== 'constant').map((p) => p.name);
  const first = state.trials[0];
  return first ? Object.keys(first.params) : [];
}

/** "lr=3.2e-4 dropout=0.21" of the given names, cut at maxLen. */
export function keyParamsText(t: TrialRecord, names: readonly string[], maxLen = 60): string {
  const parts: string[] = [];
  for (const n of names) if (n in t.params) parts.push(`${n}=${formatParam(t.params[n])}`);
  const s = parts.join(' ');
  return s.length > maxLen ? `${s.slice(0, maxLen - 1)}…` : s;
}
