/**
 * `early_terminate: {type: hyperband}` exactly as W&B implements it — which is NOT Li et al.'s
 * bracketed Hyperband but one list of milestones ("bands") and a top-1/eta cut at each.
 *
 * Followed: wandb/sweeps src/sweeps/hyperband_stopping.py (`hyperband_stop_runs`) and its tests
 * (tests/test_hyperband_stopping.py: test_eta_3 "bands are at 1 and 3, thresholds are 7 and 4",
 * test_5runs_band1_stop_2, test_init_from_max_iter → bands [2, 6]), plus the schema
 * (src/sweeps/config/schema.json: eta default 3, strict default true). Our own code:
 *
 * - bands: with `max_iter` and `s`: max_iter/eta^k for k = 1..s, floored, stopping early once
 *   the quotient drops below 1, sorted ascending; with `min_iter`: ⌊min_iter·eta^k⌋ for
 *   k = 0, 1, … (W&B makes 100; we stop once a band passes 2^53).
 * - a trial's history is the list of its valid (finite) logged values of the metric, in order;
 *   the "iteration" is its length. `step` is not used (the same (trial, step) seen again
 *   overwrites its value in place: a replay or a rerun attempt).
 * - threshold of band b: the values at index b (the (b+1)-th value) of every trial that has more
 *   than b values — running or finished, the trial itself included — sorted ascending, and the one
 *   at index ⌊(1/eta)·n⌋ (n of them); +∞ when none.
 * - a running trial is checked against its closest band: the largest b with b < len(history)
 *   (so band b applies once more than b values are logged). It stops when its condition value is
 *   greater than the threshold: `strict: false` uses its best so far (min of its history, W&B's
 *   "conservative" rule); `strict: true` (the default) uses its value at the band, history[b]
 *   (W&B's "more aggressive" rule).
 * - W&B runs the check on every running run each time the controller ticks; we run it for a trial
 *   at each of its reports, against every trial's values recorded so far.
 *
 * Note on indexing: the newest hyperband_stopping.py in the index reads h[band - 1] with
 * len(h) >= band, which contradicts the repository's own tests (test_eta_3's thresholds 7 and 4
 * need h[band] with len(h) > band). We follow the tested rule, as stated above.
 */
import { KnobsError } from '../errors';
import type { Goal } from '../space/types';
import { CONTINUE, type Decision, type Scheduler } from './scheduler';
import { fmt, fraction, insertSorted, nanStop, removeSorted, shown, TrialLogs, type SchedulerOptions } from './common';

export interface HyperbandConfig {
  min_iter?: number;
  max_iter?: number;
  s?: number;
  eta?: number;
  strict?: boolean;
}

/** W&B's band list (see the file comment). */
export function hyperbandBands(cfg: HyperbandConfig): number[] {
  const eta = cfg.eta ?? 3;
  const bands: number[] = [];
  if (cfg.max_iter !== undefined) {
    if (cfg.s === undefined) throw new KnobsError('E_SWEEP_PARSE', 'hyperband: max_iter needs s');
    let band = cfg.max_iter;
    for (let i = 0; i < cfg.s; i++) {
      band /= eta;
      if (band < 1) break;
      bands.push(Math.trunc(band));
    }
    bands.sort((a, b) => a - b);
  } else if (cfg.min_iter !== undefined) {
    let band = cfg.min_iter;
    for (let i = 0; i < 100 && band <= Number.MAX_SAFE_INTEGER; i++) {
      bands.push(Math.trunc(band));
      band *= eta;
    }
  } else {
    throw new KnobsError('E_SWEEP_PARSE', 'hyperband needs min_iter, or max_iter and s');
  }
  if (bands.length < 1) throw new KnobsError('E_SWEEP_PARSE', 'hyperband: no bands; increase s, decrease eta, or increase min_iter');
  return bands;
}

/** The cut-off of one band from the values at that band (ascending), as W&B computes it. */
export function bandThreshold(sortedValues: readonly number[], eta: number): number {
  if (sortedValues.length === 0) return Infinity;
  return sortedValues[Math.trunc((1.0 / eta) * sortedValues.length)];
}

interface TrialState {
  /** Valid values in first-seen order. */
  history: number[];
  best: number;
}

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly bands: readonly number[];
  readonly eta: number;
  readonly strict: boolean;
  private readonly goal: Goal;
  private readonly logs = new TrialLogs();
  private readonly trials = new Map<number, TrialState>();
  /** Band → every trial's value at index band, ascending. */
  private readonly atBand = new Map<number, number[]>();

  constructor(cfg: HyperbandConfig, opts: SchedulerOptions) {
    this.eta = cfg.eta ?? 3;
    this.strict = cfg.strict ?? true;
    this.bands = hyperbandBands(cfg);
    this.goal = opts.goal;
    for (const b of this.bands) this.atBand.set(b, []);
  }

  onReport(trial: number, step: number, value: number): Decision {
    return this.logs.get(trial).report(step, value, (overwrite) => {
      if (overwrite) this.rebuild(trial);
      else if (Number.isFinite(value)) this.append(trial, value);
      return Number.isNaN(value) ? nanStop() : this.check(trial);
    });
  }

  onComplete(_trial: number, _value: number | undefined): void {
    /* finished trials keep their values in the bands; nothing else changes */
  }

  /**
   * The decision for a trial against everything recorded now, without a new report (W&B's
   * controller pass over all running runs). Changes nothing.
   */
  evaluate(trial: number): Decision {
    return this.trials.has(trial) ? this.check(trial) : CONTINUE;
  }

  /** The current threshold of each band (for display). */
  thresholds(): { band: number; threshold: number; n: number }[] {
    return this.bands.map((band) => {
      const v = this.atBand.get(band)!;
      return { band, threshold: bandThreshold(v, this.eta), n: v.length };
    });
  }

  private state(trial: number): TrialState {
    let s = this.trials.get(trial);
    if (!s) {
      s = { history: [], best: Infinity };
      this.trials.set(trial, s);
    }
    return s;
  }

  private append(trial: number, value: number): void {
    const s = this.state(trial);
    const index = s.history.length;
    s.history.push(value);
    if (value < s.best) s.best = value;
    const list = this.atBand.get(index);
    if (list) insertSorted(list, value);
  }

  /** A step's value changed: recompute the trial's history and its band entries. */
  private rebuild(trial: number): void {
    const s = this.state(trial);
    for (const [index, v] of s.history.entries()) {
      const list = this.atBand.get(index);
      if (list) removeSorted(list, v);
    }
    s.history = [];
    s.best = Infinity;
    for (const v of this.logs.get(trial).values()) if (Number.isFinite(v)) this.append(trial, v);
  }

  private check(trial: number): Decision {
    const s = this.state(trial);
    const n = s.history.length;
    let band = -1;
    for (const b of this.bands) {
      if (b < n) band = b;
      else break;
    }
    if (band === -1) return CONTINUE;
    const values = this.atBand.get(band)!;
    const threshold = bandThreshold(values, this.eta);
    const condition = this.strict ? s.history[band] : s.best;
    if (!(condition > threshold)) return CONTINUE;
    const what = this.strict ? `its value at milestone ${band}` : 'its best so far';
    return {
      action: 'stop',
      reason:
        `pruned at milestone ${band} (report ${n}): ${what} ${shown(condition, this.goal)} is worse than the ` +
        `top-${fraction(this.eta)} cut-off ${shown(threshold, this.goal)} of ${values.length} trial${values.length === 1 ? '' : 's'} (hyperband, eta ${fmt(this.eta)})`,
    };
  }
}
