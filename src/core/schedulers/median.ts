/**
 * `early_terminate: {type: median, min_steps}`: the median stopping rule (Golovin et al.,
 * "Google Vizier", 2017), in the form of Optuna's MedianPruner:
 *
 * - at a report at step t ≥ min_steps (Optuna's n_warmup_steps), once `startup_trials` other
 *   trials have finished (Optuna's n_startup_trials, default 5), the trial's BEST value so far
 *   (over all its reports, as Optuna's `_get_best_intermediate_result_over_steps`) is compared
 *   with the median of the values that finished trials reported at the same step t (exactly t;
 *   trials without a report at t are left out; none → no decision);
 * - it stops when its best so far is worse than that median (strictly).
 *
 * "Finished" is any trial the runner called onComplete for with a result (completed, stopped or
 * pruned), not only completed ones as in Optuna: pruned trials' early values are real
 * observations, and with few slots waiting for only completed ones would delay pruning for long.
 */
import type { Goal } from '../space/types';
import { median, nanStop, type SchedulerOptions, shown, TrialLogs } from './common';
import { CONTINUE, type Decision, type Scheduler } from './scheduler';

export interface MedianConfig {
  min_steps?: number;
  /** Finished trials needed before any pruning (default 5, as Optuna). */
  startup_trials?: number;
}

export class MedianScheduler implements Scheduler {
  readonly name = 'median';
  readonly minSteps: number;
  readonly startupTrials: number;
  private readonly goal: Goal;
  private readonly logs = new TrialLogs();
  /** step → trial → value */
  private readonly atStep = new Map<number, Map<number, number>>();
  private readonly best = new Map<number, number>();
  private readonly finished = new Set<number>();

  constructor(cfg: MedianConfig, opts: SchedulerOptions) {
    this.minSteps = cfg.min_steps ?? 0;
    this.startupTrials = cfg.startup_trials ?? 5;
    this.goal = opts.goal;
  }

  onReport(trial: number, step: number, value: number): Decision {
    const log = this.logs.get(trial);
    return log.report(step, value, (overwrite) => {
      let at = this.atStep.get(step);
      if (!at) this.atStep.set(step, (at = new Map()));
      if (Number.isNaN(value)) at.delete(trial);
      else at.set(trial, value);
      if (overwrite) {
        let b = Infinity;
        for (const v of log.values()) if (v < b) b = v;
        this.best.set(trial, b);
      } else if (!Number.isNaN(value) && value < (this.best.get(trial) ?? Infinity)) {
        this.best.set(trial, value);
      }
      return Number.isNaN(value) ? nanStop() : this.check(trial, step);
    });
  }

  onComplete(trial: number, value: number | undefined): void {
    if (value !== undefined) this.finished.add(trial);
  }

  private check(trial: number, step: number): Decision {
    if (step < this.minSteps) return CONTINUE;
    let done = 0;
    for (const t of this.finished) if (t !== trial) done++;
    if (done < this.startupTrials || done === 0) return CONTINUE;
    const ref: number[] = [];
    for (const [t, v] of this.atStep.get(step) ?? []) if (t !== trial && this.finished.has(t)) ref.push(v);
    const med = median(ref);
    if (med === undefined) return CONTINUE;
    const best = this.best.get(trial) ?? Infinity;
    if (!(best > med)) return CONTINUE;
    return {
      action: 'stop',
      reason: `pruned at step ${step}: best so far ${shown(best, this.goal)} worse than the median ${shown(med, this.goal)} of ${ref.length} finished trial${ref.length === 1 ? '' : 's'} at step ${step} (median)`,
    };
  }
}
