/**
 * Early termination during a run: the sweep's `early_terminate` scheduler as the runner drives it.
 * It owns everything the scheduler hears and every stop it decides:
 *   - on start, the journal's reports and trial ends are replayed in journal order, so a resumed
 *     sweep makes the same decisions (its rungs are rebuilt from the journal; the replayed
 *     decisions themselves are ignored);
 *   - each live report of the sweep metric, and each final trial end, is fed to it;
 *   - a scheduler that can judge a trial without a new report (`evaluate`: hyperband, as W&B's
 *     controller pass does) judges every running trial after each change;
 *   - a "stop" becomes a stop of that trial: pruned, or stopped at its budget (max_t).
 * It never writes the journal and never launches: the trial lifecycle journals how a stopped
 * trial ended, when its process exits.
 */
import { decodeNumber, type Op } from '../journal/ops';
import { applyOp, createState, type TrialRecord } from '../journal/reducer';
import type { TrialHandle } from '../runner/executor';
import { type Decision, normalise, type Scheduler } from '../schedulers/scheduler';
import type { Goal } from '../space/types';

/** Why the runner is stopping a trial, and as what its end is journaled. */
export interface StopAs {
  status: 'stopped' | 'pruned' | 'interrupted';
  reason: string;
  by: string;
}

/** A running trial as seen here: who it is, how to stop it, and whether it is being stopped. */
export interface StoppableTrial {
  trial: TrialRecord;
  handle: TrialHandle;
  stopAs?: StopAs;
}

export interface EarlyTerminationOptions {
  /** The sweep metric's name and goal (values reach the scheduler minimised). */
  metric: string;
  goal: Goal;
  /** SIGTERM→SIGKILL grace for the stops it decides (ms). */
  graceMs?: number;
}

export class EarlyTermination {
  constructor(
    readonly scheduler: Scheduler,
    private readonly o: EarlyTerminationOptions,
  ) {}

  /**
   * The scheduler sees every recorded report and trial end again, in journal order, so a resumed
   * sweep makes the same decisions (its rungs are rebuilt from the journal). Decisions are ignored.
   */
  replay(ops: readonly Op[]): void {
    const replayed = createState();
    for (const op of ops) {
      applyOp(replayed, op);
      if (op.op === 'metric') {
        const raw = op.values[this.o.metric];
        if (raw !== undefined) this.scheduler.onReport(op.trial, op.step, normalise(decodeNumber(raw), this.o.goal), op.attempt);
      } else if (op.op === 'trial_completed' || op.op === 'trial_stopped' || (op.op === 'trial_failed' && !op.willRetry)) {
        this.scheduler.onComplete(op.trial, this.normalised(replayed.byId.get(op.trial)?.value));
      }
    }
  }

  /** A live report of the sweep metric by a trial not being stopped: decide on it, then judge the others. */
  report(run: StoppableTrial, step: number, value: number, running: Iterable<StoppableTrial>): void {
    this.decide(run, this.scheduler.onReport(run.trial.id, step, normalise(value, this.o.goal), run.trial.attempt));
    this.judge(running);
  }

  /** A trial ended for good (completed, stopped, or failed without a retry). */
  ended(trial: TrialRecord): void {
    this.scheduler.onComplete(trial.id, this.normalised(trial.value));
  }

  /** A scheduler with `evaluate` judges every running trial on each change (W&B's controller pass). */
  judge(running: Iterable<StoppableTrial>): void {
    if (!this.scheduler.evaluate) return;
    for (const run of running) {
      if (!run.stopAs) this.decide(run, this.scheduler.evaluate(run.trial.id, run.trial.attempt));
    }
  }

  private decide(run: StoppableTrial, decision: Decision): void {
    if (decision.action !== 'stop') return;
    run.stopAs = decision.budget
      ? { status: 'stopped', reason: decision.reason, by: 'budget' }
      : { status: 'pruned', reason: decision.reason, by: 'pruned' };
    run.handle.stop(decision.reason, { graceMs: this.o.graceMs });
  }

  private normalised(v: number | undefined): number | undefined {
    return v === undefined ? undefined : normalise(v, this.o.goal);
  }
}
