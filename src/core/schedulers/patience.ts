/**
 * `early_terminate: {type: patience, patience, min_delta}`: classic early stopping (as Keras'
 * EarlyStopping): a report improves when its value is better than the best so far by MORE than
 * min_delta (value < best − min_delta; the first report always does). Each other report counts
 * as non-improving; the trial stops on exactly the `patience`-th non-improving report in a row.
 * Independent of other trials. Reports are taken in first-seen order; `step` only keys them, so
 * the same (trial, step) again replays or overwrites.
 */
import { KnobsError } from '../errors';
import type { Goal } from '../space/types';
import { fmt, nanStop, type SchedulerOptions, shown, TrialLogs } from './common';
import { CONTINUE, type Decision, type Scheduler } from './scheduler';

export interface PatienceConfig {
  patience?: number;
  min_delta?: number;
}

interface State {
  seen: boolean;
  best: number;
  bestStep: number;
  wait: number;
}

export class PatienceScheduler implements Scheduler {
  readonly name = 'patience';
  readonly patience: number;
  readonly minDelta: number;
  private readonly goal: Goal;
  private readonly logs = new TrialLogs();
  private readonly states = new Map<number, State>();

  constructor(cfg: PatienceConfig, opts: SchedulerOptions) {
    this.patience = cfg.patience ?? 5;
    this.minDelta = cfg.min_delta ?? 0;
    if (!(this.patience >= 1)) throw new KnobsError('E_SWEEP_PARSE', `patience: patience is ${this.patience} but must be ≥ 1`);
    if (!(this.minDelta >= 0)) throw new KnobsError('E_SWEEP_PARSE', `patience: min_delta is ${this.minDelta} but must be ≥ 0`);
    this.goal = opts.goal;
  }

  onReport(trial: number, step: number, value: number): Decision {
    const log = this.logs.get(trial);
    return log.report(step, value, (overwrite) => {
      let s: State;
      if (overwrite) {
        s = { seen: false, best: Infinity, bestStep: step, wait: 0 };
        for (const [k, e] of log.byStep) if (!Number.isNaN(e.value)) this.observe(s, k, e.value);
        this.states.set(trial, s);
      } else {
        s = this.states.get(trial) ?? { seen: false, best: Infinity, bestStep: step, wait: 0 };
        this.states.set(trial, s);
        if (!Number.isNaN(value)) this.observe(s, step, value);
      }
      if (Number.isNaN(value)) return nanStop();
      if (s.wait < this.patience) return CONTINUE;
      const by = this.minDelta > 0 ? ` of more than ${fmt(this.minDelta)}` : '';
      return {
        action: 'stop',
        reason: `no improvement${by} in ${s.wait} report${s.wait === 1 ? '' : 's'} (best ${shown(s.best, this.goal)} at step ${s.bestStep}; patience ${this.patience})`,
      };
    });
  }

  onComplete(_trial: number, _value: number | undefined): void {}

  private observe(s: State, step: number, value: number): void {
    if (!s.seen || value < s.best - this.minDelta) {
      s.seen = true;
      s.best = value;
      s.bestStep = step;
      s.wait = 0;
    } else {
      s.wait++;
    }
  }
}
