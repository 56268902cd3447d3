/**
 * `early_terminate: {type: asha, max_t, grace_period, reduction_factor, brackets}`: asynchronous
 * successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
 * https://openreview.net/forum?id=S1Y7OOlRZ), as Ray Tune's AsyncHyperBandScheduler implements it
 * (ray python/ray/tune/schedulers/async_hyperband.py, `_Bracket`). Our own code:
 *
 * - time is the report's `step` (Ray's `time_attr`, training_iteration by default);
 * - bracket s (0-based) has rungs at grace_period·rf^(k+s) for k = 0 … K−1 with
 *   K = ⌊log(max_t/grace_period)/log(rf) − s + 1⌋ (Ray's MAX_RUNGS); without max_t the rungs go
 *   on (up to 2^53);
 * - a report at time t ≥ max_t stops the trial ("reached max_t"); its value is still recorded at
 *   its highest unrecorded rung, as Ray's on_trial_complete does;
 * - otherwise the highest rung with milestone ≤ t where the trial is not yet recorded is the one
 *   that judges it: the cut-off is numpy.nanpercentile of the rewards already recorded there at
 *   (1 − 1/rf)·100 (reward = −value, so larger is better); the trial stops when its reward is below
 *   the cut-off (it is not in the top 1/rf); its value is recorded at that rung either way. An
 *   empty rung has no cut-off. Rungs where the trial is already recorded are skipped, exactly as
 *   Ray's loop does;
 * - brackets: Ray draws a trial's bracket at random with softmax(rung counts); we use the same
 *   probabilities but draw deterministically from the trial id (a golden-ratio Weyl sequence), so
 *   a replay assigns the same bracket.
 */
import { KnobsError } from '../errors';
import type { Goal } from '../space/types';
import { fmt, nanStop, percentile, type SchedulerOptions, shown, TrialLogs } from './common';
import { CONTINUE, type Decision, type Scheduler } from './scheduler';

export interface AshaConfig {
  max_t?: number;
  grace_period?: number;
  reduction_factor?: number;
  brackets?: number;
}

interface Rung {
  milestone: number;
  /** 1-based from the lowest rung of the bracket. */
  number: number;
  /** trial → reward (−value). */
  recorded: Map<number, number>;
}

/** Rung milestones of bracket s, ascending (Ray builds them descending). */
export function ashaMilestones(grace: number, maxT: number | undefined, rf: number, s: number): number[] {
  const count = maxT === undefined ? Infinity : Math.trunc(Math.log(maxT / grace) / Math.log(rf) - s + 1);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const m = grace * rf ** (k + s);
    if (m > Number.MAX_SAFE_INTEGER) break;
    out.push(m);
  }
  return out;
}

const GOLDEN = 0.6180339887498949;

export class AshaScheduler implements Scheduler {
  readonly name = 'asha';
  readonly maxT: number | undefined;
  readonly grace: number;
  readonly rf: number;
  /** Per bracket, rungs descending by milestone. */
  private readonly brackets: Rung[][];
  private readonly goal: Goal;
  private readonly logs = new TrialLogs();
  private readonly bracketOf = new Map<number, number>();
  /** "trial:step" → the rung where that report was recorded. */
  private readonly recordedAt = new Map<string, Rung>();

  constructor(cfg: AshaConfig, opts: SchedulerOptions) {
    this.maxT = cfg.max_t;
    this.grace = cfg.grace_period ?? 1;
    this.rf = cfg.reduction_factor ?? 4;
    if (!(this.rf > 1)) throw new KnobsError('E_SWEEP_PARSE', `asha: reduction_factor is ${this.rf} but must be > 1`);
    if (!(this.grace > 0)) throw new KnobsError('E_SWEEP_PARSE', `asha: grace_period is ${this.grace} but must be > 0`);
    const n = Math.max(1, cfg.brackets ?? 1);
    this.goal = opts.goal;
    this.brackets = Array.from({ length: n }, (_, s) =>
      ashaMilestones(this.grace, this.maxT, this.rf, s)
        .map((milestone, i) => ({ milestone, number: i + 1, recorded: new Map<number, number>() }))
        .reverse(),
    );
  }

  /** The bracket (0-based) a trial is assigned to: softmax over rung counts, drawn from its id. */
  bracketFor(trial: number): number {
    let b = this.bracketOf.get(trial);
    if (b !== undefined) return b;
    const sizes = this.brackets.map((r) => r.length);
    const max = Math.max(...sizes);
    const w = sizes.map((x) => Math.exp(x - max));
    const total = w.reduce((a, x) => a + x, 0);
    const u = (((trial * GOLDEN) % 1) + 1) % 1;
    let acc = 0;
    b = w.length - 1;
    for (let i = 0; i < w.length; i++) {
      acc += w[i] / total;
      if (u < acc) {
        b = i;
        break;
      }
    }
    this.bracketOf.set(trial, b);
    return b;
  }

  /** Rung milestones of each bracket, ascending. */
  rungs(): number[][] {
    return this.brackets.map((rs) => rs.map((r) => r.milestone).reverse());
  }

  onReport(trial: number, step: number, value: number): Decision {
    return this.logs.get(trial).report(step, value, () => {
      const key = `${trial}:${step}`;
      const previous = this.recordedAt.get(key);
      if (Number.isNaN(value)) {
        if (previous) previous.recorded.delete(trial);
        this.recordedAt.delete(key);
        return nanStop();
      }
      if (previous) {
        // the same step again with another value (a rerun attempt): judge it where it was judged
        previous.recorded.delete(trial);
        return this.judge(trial, step, value, previous);
      }
      if (this.maxT !== undefined && step >= this.maxT) {
        const rung = this.rungFor(trial, step);
        if (rung) this.record(trial, step, value, rung);
        return { action: 'stop', reason: `reached max_t ${fmt(this.maxT)} (step ${step})`, budget: true };
      }
      const rung = this.rungFor(trial, step);
      return rung ? this.judge(trial, step, value, rung) : CONTINUE;
    });
  }

  onComplete(_trial: number, _value: number | undefined): void {
    /* every report already went through onReport; Ray's on_trial_complete adds nothing more */
  }

  /** Ray's loop: the highest rung reached where the trial is not recorded yet. */
  private rungFor(trial: number, step: number): Rung | undefined {
    for (const rung of this.brackets[this.bracketFor(trial)]) {
      if (step < rung.milestone || rung.recorded.has(trial)) continue;
      return rung;
    }
    return undefined;
  }

  private record(trial: number, step: number, value: number, rung: Rung): void {
    rung.recorded.set(trial, -value);
    this.recordedAt.set(`${trial}:${step}`, rung);
  }

  private judge(trial: number, step: number, value: number, rung: Rung): Decision {
    const others = [...rung.recorded.values()];
    const q = (1 - 1 / this.rf) * 100;
    const cutoff = percentile(others, q);
    this.record(trial, step, value, rung);
    const reward = -value;
    if (cutoff === undefined || !(reward < cutoff)) return CONTINUE;
    const label =
      this.goal === 'maximize'
        ? `${this.rf % 1 === 0 ? `${this.rf - 1}/${this.rf}` : fmt(1 - 1 / this.rf)} quantile`
        : `1/${fmt(this.rf)} quantile`;
    const bracket = this.brackets.length > 1 ? `, bracket ${this.bracketFor(trial) + 1}` : '';
    return {
      action: 'stop',
      reason:
        `pruned at rung ${rung.number} (step ${step}): ${shown(value, this.goal)} worse than the ${label} ` +
        `${shown(-cutoff, this.goal)} of ${others.length} trial${others.length === 1 ? '' : 's'} at milestone ${fmt(rung.milestone)} (asha${bracket})`,
    };
  }
}
