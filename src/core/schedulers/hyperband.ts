/**
 * `early_terminate: {type: hyperband}` exactly as W&B implements it — which is NOT Li et al.'s
 * bracketed Hyperband but one list of milestones ("bands") and a top-1/eta cut at each.
 *
 * Followed: wandb/sweeps at b1dfc5f, src/sweeps/hyperband_stopping.py (`hyperband_stop_runs`),
 * src/sweeps/run.py (`metric_history(filter_invalid=True)`, `is_number`) and the schema's defaults
 * (src/sweeps/config/schema.json: eta 3, strict true), checked against every case of
 * tests/test_hyperband_stopping.py (test/contracts/wandb/hyperband.test.ts). Our own code:
 *
 * - bands: with `max_iter` and `s`: max_iter/eta^k for k = 1..s, floored, stopping early once
 *   the quotient drops below 1, sorted ascending; with `min_iter`: ⌊min_iter·eta^k⌋ for
 *   k = 0, 1, … (W&B makes 100; we stop once a band passes 2^53).
 * - a run is one attempt of a trial (in W&B a rerun is a separate run). Its history is the list
 *   of its finite values of the metric, in order (W&B drops non-finite ones: NaN and ±inf, so a
 *   NaN report never stops a trial here); its length is the run's "iteration". `step` is not used
 *   (the same (trial, attempt, step) seen again overwrites its value in place: a replay).
 * - threshold of band b: the values at index b − 1 (the b-th value) of every run that has at
 *   least b values — running or ended in any state, the run itself included — sorted ascending,
 *   and the one at index ⌊(1/eta)·n⌋ (n of them); +∞ when none.
 * - a running run is judged at its closest band: the largest b with b ≤ len(history) (band b
 *   applies once b values are logged). It stops when its condition value is greater than the
 *   threshold: `strict: false` uses its best so far (min of its history, W&B's "conservative"
 *   rule); `strict: true` (the default) uses its value at the band, history[b − 1] (W&B's "more
 *   aggressive" rule).
 * - W&B's controller judges every running run on each pass: `evaluate` judges one without a new
 *   report, and the runner calls it for every running trial whenever a report arrives or a trial
 *   ends.
 */
import { KnobsError } from '../errors';
import type { Goal } from '../space/types';
import { fmt, fraction, insertSorted, removeSorted, type SchedulerOptions, shown, TrialLog } from './common';
import { CONTINUE, type Decision, type Scheduler } from './scheduler';

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

/** One attempt of a trial: W&B's run. */
interface Run {
  /** Its reports by step (a replay returns the stored decision). */
  log: TrialLog;
  /** Finite values in first-seen order. */
  history: number[];
  best: number;
}

export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly bands: readonly number[];
  readonly eta: number;
  readonly strict: boolean;
  private readonly goal: Goal;
  /** By `trial/attempt`. */
  private readonly runs = new Map<string, Run>();
  /** Band b → every run's b-th value (index b − 1), ascending. */
  private readonly atBand = new Map<number, number[]>();

  constructor(cfg: HyperbandConfig, opts: SchedulerOptions) {
    this.eta = cfg.eta ?? 3;
    this.strict = cfg.strict ?? true;
    this.bands = hyperbandBands(cfg);
    this.goal = opts.goal;
    for (const b of this.bands) this.atBand.set(b, []);
  }

  onReport(trial: number, step: number, value: number, attempt = 1): Decision {
    const run = this.run(trial, attempt);
    return run.log.report(step, value, (overwrite) => {
      if (overwrite) this.rebuild(run);
      else if (Number.isFinite(value)) this.append(run, value);
      return this.check(run);
    });
  }

  onComplete(_trial: number, _value: number | undefined): void {
    /* ended runs keep their values in the bands; nothing else changes */
  }

  /**
   * The decision for a running trial's attempt against everything recorded now, without a new
   * report (W&B's controller pass over all running runs). Changes nothing.
   */
  evaluate(trial: number, attempt = 1): Decision {
    const run = this.runs.get(`${trial}/${attempt}`);
    return run ? this.check(run) : CONTINUE;
  }

  /** The current threshold of each band (for display). */
  thresholds(): { band: number; threshold: number; n: number }[] {
    return this.bands.map((band) => {
      const v = this.atBand.get(band)!;
      return { band, threshold: bandThreshold(v, this.eta), n: v.length };
    });
  }

  private run(trial: number, attempt: number): Run {
    const key = `${trial}/${attempt}`;
    let r = this.runs.get(key);
    if (!r) {
      r = { log: new TrialLog(), history: [], best: Infinity };
      this.runs.set(key, r);
    }
    return r;
  }

  private append(run: Run, value: number): void {
    run.history.push(value);
    if (value < run.best) run.best = value;
    const list = this.atBand.get(run.history.length);
    if (list) insertSorted(list, value);
  }

  /** A step's value changed: recompute the run's history and its band entries. */
  private rebuild(run: Run): void {
    for (const [index, v] of run.history.entries()) {
      const list = this.atBand.get(index + 1);
      if (list) removeSorted(list, v);
    }
    run.history = [];
    run.best = Infinity;
    for (const v of run.log.values()) if (Number.isFinite(v)) this.append(run, v);
  }

  private check(run: Run): Decision {
    const n = run.history.length;
    let band = 0;
    for (const b of this.bands) {
      if (b <= n) band = b;
      else break;
    }
    if (band === 0) return CONTINUE;
    const values = this.atBand.get(band)!;
    const threshold = bandThreshold(values, this.eta);
    const condition = this.strict ? run.history[band - 1] : run.best;
    if (!(condition > threshold)) return CONTINUE;
    const what = this.strict ? `its value at milestone ${band}` : 'its best so far';
    return {
      action: 'stop',
      reason:
        `pruned at milestone ${band} (report ${n}): ${what} ${shown(condition, this.goal)} is worse than the ` +
        `top-${fraction(this.eta)} cut-off ${shown(threshold, this.goal)} of ${values.length} run${values.length === 1 ? '' : 's'} (hyperband, eta ${fmt(this.eta)})`,
    };
  }
}
