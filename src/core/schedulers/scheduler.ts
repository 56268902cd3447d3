/**
 * The Scheduler interface: early-stopping decisions on intermediate reports.
 * Values are normalised once by the engine so that lower is better (see `normalise`).
 * Rules every scheduler keeps: decisions depend only on what the journal holds (reports and
 * trial ends), so a resumed sweep that replays the same reports makes the same decisions.
 */
import type { Goal } from '../space/types';

/** `budget`: the trial used its whole budget (e.g. ASHA's max_t): it is complete, not pruned. */
export type Decision = { action: 'continue' } | { action: 'stop'; reason: string; budget?: boolean };

export const CONTINUE: Decision = Object.freeze({ action: 'continue' });

export interface Scheduler {
  readonly name: string;
  /**
   * A trial reported `value` (minimised) at `step` (1-based report count or epoch), in its
   * `attempt` (1-based; a rerun's attempts are separate runs for schedulers that care, like W&B's
   * hyperband; the others ignore it and let a rerun overwrite its steps).
   */
  onReport(trial: number, step: number, value: number, attempt?: number): Decision;
  /** A trial ended (any final state); `value` is its result, minimised, if any. */
  onComplete(trial: number, value: number | undefined): void;
  /**
   * Optional: the decision for a running trial's attempt against everything recorded now,
   * without changing anything. A scheduler that has it is asked about every running trial
   * whenever a report arrives or a trial ends (W&B's controller judges every running run on each
   * pass), not only about the trial that reported.
   */
  evaluate?(trial: number, attempt?: number): Decision;
}

/** Lower is better after this. */
export function normalise(value: number, goal: Goal): number {
  return goal === 'maximize' ? -value : value;
}

/** FIFO: never stops a trial. */
export class FifoScheduler implements Scheduler {
  readonly name = 'fifo';
  onReport(): Decision {
    return CONTINUE;
  }
  onComplete(): void {}
}
