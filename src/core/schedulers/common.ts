/**
 * Helpers shared by the schedulers: a per-trial report log that makes `onReport` idempotent per
 * (trial, step), the NaN rule, numpy-compatible percentiles, and the wording of stop reasons
 * (values shown in the user's direction).
 */
import type { Goal } from '../space/types';
import { CONTINUE, type Decision } from './scheduler';

export interface SchedulerOptions {
  goal: Goal;
}

export const NAN_REASON = 'reported NaN';

export function nanStop(): Decision {
  return { action: 'stop', reason: NAN_REASON };
}

/** A value for a message, in the user's direction (maximize goals are negated back). */
export function shown(value: number, goal: Goal): string {
  const v = goal === 'maximize' ? -value : value;
  return fmt(v);
}

/** Four significant digits, no trailing zeros: 0.41, 1.235e-5, 1234. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(4)));
  return v.toExponential(3).replace(/\.?0+e/, 'e');
}

/** "1/3", "1/2.5" */
export function fraction(rf: number): string {
  return `1/${fmt(rf)}`;
}

/** An entry of a trial's log: the value and the decision made when it was first seen. */
export interface LoggedReport {
  value: number;
  decision: Decision;
}

/**
 * Reports of one trial, keyed by step, in first-seen order (a step seen again keeps its place).
 * Seeing the same (step, value) again is a replay: the stored decision is returned, nothing changes.
 */
export class TrialLog {
  readonly byStep = new Map<number, LoggedReport>();

  /** The stored entry when (step, value) was seen before with the same value. */
  replayed(step: number, value: number): LoggedReport | undefined {
    const e = this.byStep.get(step);
    return e && Object.is(e.value, value) ? e : undefined;
  }

  has(step: number): boolean {
    return this.byStep.has(step);
  }

  set(step: number, value: number, decision: Decision): void {
    this.byStep.set(step, { value, decision });
  }

  /**
   * onReport's common shape: a replay returns the stored decision and changes nothing; otherwise
   * the report is logged (as CONTINUE while `judge` runs, so the log already holds the new value),
   * `judge(overwrite)` gives the decision (`overwrite`: this step was seen before with another
   * value), and that decision is stored and returned.
   */
  report(step: number, value: number, judge: (overwrite: boolean) => Decision): Decision {
    const again = this.replayed(step, value);
    if (again) return again.decision;
    const overwrite = this.has(step);
    this.set(step, value, CONTINUE);
    const decision = judge(overwrite);
    this.set(step, value, decision);
    return decision;
  }

  /** Values in first-seen order. */
  values(): number[] {
    return [...this.byStep.values()].map((e) => e.value);
  }
}

export class TrialLogs {
  private readonly logs = new Map<number, TrialLog>();
  get(trial: number): TrialLog {
    let l = this.logs.get(trial);
    if (!l) {
      l = new TrialLog();
      this.logs.set(trial, l);
    }
    return l;
  }
  peek(trial: number): TrialLog | undefined {
    return this.logs.get(trial);
  }
  trials(): IterableIterator<[number, TrialLog]> {
    return this.logs.entries();
  }
}

/**
 * numpy.percentile(values, q) with the default 'linear' method (including numpy's lerp, which
 * computes from the upper end when the fraction is ≥ 0.5). NaNs are dropped (nanpercentile).
 * Undefined for an empty input.
 */
export function percentile(values: readonly number[], q: number): number | undefined {
  const a = values.filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  const n = a.length;
  if (n === 0) return undefined;
  const virtual = (n - 1) * (q / 100);
  const lo = Math.max(0, Math.min(n - 1, Math.floor(virtual)));
  const hi = Math.min(n - 1, lo + 1);
  const t = virtual - lo;
  const x = a[lo];
  const y = a[hi];
  const diff = y - x;
  return t >= 0.5 ? y - diff * (1 - t) : x + diff * t;
}

/** The median (numpy.median: mean of the two middle values). */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

/** Inserts v into an ascending array. */
export function insertSorted(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, v);
}

/** Removes one occurrence of v from an ascending array (Object.is equality, so NaN-safe). */
export function removeSorted(a: number[], v: number): void {
  const i = a.findIndex((x) => Object.is(x, v));
  if (i >= 0) a.splice(i, 1);
}
