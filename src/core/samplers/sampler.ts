/**
 * The Sampler interface. A sampler proposes the leaf values of the next trial.
 * Rules every sampler keeps (checked by test/contracts/sampler.contract.ts):
 * - deterministic: the same seed, index and history give the same suggestion;
 * - failed trials are ignored; running trials (state "running"/"pending") may be used to avoid
 *   proposing the same point twice;
 * - no hidden state that the journal cannot rebuild: everything comes from the context.
 */
import type { TrialStatus } from '../journal/trialStatus';
import type { Rng } from '../random/rng';
import type { FlatParams, Space } from '../space/types';

/** What a sampler sees of a trial. `value` is normalised so that lower is better. */
export interface TrialView {
  id: number;
  /** Leaf values by dotted name. */
  flat: FlatParams;
  state: TrialStatus;
  /** The trial's result (last reported metric), minimised; undefined if none yet. */
  value?: number;
  /** Intermediate values (minimised), by step, for samplers that rank pruned trials. */
  steps?: readonly { step: number; value: number }[];
}

export interface SuggestContext {
  space: Space;
  /** 0-based index of this suggestion among the sampler's own suggestions (points_to_evaluate excluded). */
  index: number;
  /** All trials so far, in id order. */
  history: readonly TrialView[];
  /** A stream derived from (seed, index): use it and nothing else. */
  rng: Rng;
}

export interface Sampler {
  readonly name: string;
  /** Leaf values of the next config, or null when the space is exhausted (grid). */
  suggest(ctx: SuggestContext): FlatParams | null;
  /** Total number of configs when finite (grid), else undefined. */
  size?(space: Space): number | undefined;
}

export interface SamplerOptions {
  seed: number;
}
