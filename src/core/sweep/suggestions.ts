/**
 * Where new trials' configs come from: the sweep file's points_to_evaluate first, then the
 * sampler. Each suggestion is seeded by (seed, sampler index), so a resumed sweep proposes the
 * same configs as an uninterrupted one. It owns the sampler, its position, and whether it is
 * exhausted (a finished grid). It never journals and never decides how many trials run: the loop
 * (runner.ts) asks when a slot is free and journals the trial_asked op it returns.
 */

import { nonFiniteParams } from '../journal/nonFiniteParams';
import type { OpInput } from '../journal/ops';
import type { SweepState } from '../journal/reducer';
import { createRng } from '../random/rng';
import type { Sampler, TrialView } from '../samplers/sampler';
import { normalise } from '../schedulers/scheduler';
import type { SweepSpec } from '../space/types';

export type TrialAsked = Extract<OpInput, { op: 'trial_asked' }>;

export interface SuggestionsOptions {
  spec: SweepSpec;
  /** The run's state: its trials are the sampler's history. */
  state: SweepState;
  /** The sweep's seed (from sweep_created). */
  seed: number;
}

export class Suggestions {
  private nextIndex = 0;
  private done = false;

  constructor(
    private readonly sampler: Sampler,
    private readonly o: SuggestionsOptions,
  ) {}

  /** The sampler has nothing more to suggest (a finished grid). */
  get exhausted(): boolean {
    return this.done;
  }

  /** Continues after the sampler's suggestions already in the journal. */
  resume(): void {
    for (const t of this.o.state.trials) {
      if (t.source !== 'points_to_evaluate' && t.index !== undefined) this.nextIndex = Math.max(this.nextIndex, t.index + 1);
    }
  }

  /** The next trial's trial_asked op, or undefined once the sampler is exhausted. Throws the sampler's KnobsError. */
  next(): TrialAsked | undefined {
    const { spec, state } = this.o;
    const id = state.trials.length + 1;
    const fromPoints = spec.pointsToEvaluate.length ? state.trials.filter((t) => t.source === 'points_to_evaluate').length : 0;
    if (fromPoints < spec.pointsToEvaluate.length) {
      const params = this.fillConstants(spec.pointsToEvaluate[fromPoints]);
      return { op: 'trial_asked', trial: id, params, nonFinite: nonFiniteParams(params), source: 'points_to_evaluate', index: undefined };
    }
    const index = this.nextIndex;
    const rng = createRng(this.o.seed).child('sampler', index);
    // the history is built only when the sampler reads it (grid/random/Sobol never do): O(1) per trial for them
    const history = () => this.history();
    const suggestion = this.sampler.suggest({
      space: spec.space,
      index,
      rng,
      get history() {
        return history();
      },
    });
    if (suggestion === null) {
      this.done = true;
      return undefined;
    }
    this.nextIndex = index + 1;
    return { op: 'trial_asked', trial: id, params: suggestion, nonFinite: nonFiniteParams(suggestion), source: this.sampler.name, index };
  }

  private fillConstants(point: Record<string, unknown>): Record<string, never> {
    const out: Record<string, unknown> = {};
    for (const p of this.o.spec.space.params) {
      if (p.name in point) out[p.name] = point[p.name];
      else if (p.kind === 'constant') out[p.name] = p.value;
    }
    for (const [k, v] of Object.entries(point)) if (!(k in out)) out[k] = v;
    return out as Record<string, never>;
  }

  private history(): TrialView[] {
    const { metric } = this.o.spec;
    return this.o.state.trials.map((t) => ({
      id: t.id,
      flat: t.params,
      state: t.status,
      value: t.value === undefined ? undefined : normalise(t.value, metric.goal),
      steps: (t.series[metric.name] ?? []).map((p) => ({ step: p.step, value: normalise(p.value, metric.goal) })),
    }));
  }
}
