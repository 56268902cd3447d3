/**
 * Builds the scheduler for a sweep's `early_terminate` (already validated and normalised by
 * src/core/space/earlyTerminate.ts). None, undefined or `type: none` → FIFO (never stops).
 * Values reach every scheduler minimised (see `normalise`); `goal` is only used to show values in
 * the user's direction in stop reasons.
 */
import { KnobsError } from '../errors';
import type { EarlyTerminateSpec } from '../space/types';
import { AshaScheduler } from './asha';
import type { SchedulerOptions } from './common';
import { HyperbandScheduler } from './hyperband';
import { MedianScheduler } from './median';
import { PatienceScheduler } from './patience';
import { FifoScheduler, type Scheduler } from './scheduler';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

export function createScheduler(spec: EarlyTerminateSpec | undefined, opts: SchedulerOptions): Scheduler {
  switch (spec?.type) {
    case undefined:
    case 'none':
      return new FifoScheduler();
    case 'hyperband':
      return new HyperbandScheduler(
        { min_iter: num(spec.min_iter), max_iter: num(spec.max_iter), s: num(spec.s), eta: num(spec.eta), strict: bool(spec.strict) },
        opts,
      );
    case 'asha':
      return new AshaScheduler(
        {
          max_t: num(spec.max_t),
          grace_period: num(spec.grace_period),
          reduction_factor: num(spec.reduction_factor),
          brackets: num(spec.brackets),
        },
        opts,
      );
    case 'median':
      return new MedianScheduler({ min_steps: num(spec.min_steps), startup_trials: num(spec.startup_trials) }, opts);
    case 'patience':
      return new PatienceScheduler({ patience: num(spec.patience), min_delta: num(spec.min_delta) }, opts);
    default:
      throw new KnobsError('E_SWEEP_PARSE', `unknown early_terminate type ${JSON.stringify((spec as { type: unknown }).type)}`);
  }
}
