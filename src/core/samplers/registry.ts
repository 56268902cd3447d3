/**
 * Method name → sampler.
 * `bayes` (W&B's name) is not a sampler of its own: it maps to `gp` or `tpe` by a fixed rule
 * (`chooseBayes`), and the one-line notice says which and why. The rule, from the sampler
 * benchmark (bench/results/samplers.md): GP-BO wins on small, smooth, mostly numeric spaces with
 * a modest budget; TPE scales (linear-time suggestions), handles many categorical values and
 * long runs. So GP when all of these hold, TPE otherwise:
 * - the space has 1 to 12 numeric search dimensions,
 * - at most 2 categorical dimensions, none with more than 8 values,
 * - run_cap is set and at most 300 (GP suggestions cost grows with trials).
 */

import { searchDims } from '../space/transform';
import type { Method, Space } from '../space/types';
import { GpSampler } from './gp/gpSampler';
import { GridSampler } from './grid';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { SobolSampler } from './sobol';
import { TpeSampler } from './tpe/tpeSampler';

export interface CreatedSampler {
  sampler: Sampler;
  /** A one-line notice for the user (which sampler `bayes` chose, or a stand-in). */
  notice?: string;
}

export interface CreateSamplerOptions {
  seed: number;
  /** The search space: `bayes` needs it to choose (without it, bayes runs TPE). */
  space?: Space;
  /** The sweep's run_cap, if any: `bayes` needs it to choose. */
  runCap?: number;
}

export const BAYES_GP_MAX_NUMERIC_DIMS = 12;
export const BAYES_GP_MAX_CATEGORICAL_DIMS = 2;
export const BAYES_GP_MAX_CATEGORICAL_VALUES = 8;
export const BAYES_GP_MAX_RUN_CAP = 300;

export interface BayesChoice {
  method: 'gp' | 'tpe';
  /** Why, in a few words: "6 numeric dims, run_cap 100". */
  reason: string;
}

/** The fixed rule that maps `method: bayes` to GP or TPE (see the file comment). */
export function chooseBayes(opts: { space?: Space; runCap?: number }): BayesChoice {
  if (!opts.space) return { method: 'tpe', reason: 'space unknown' };
  const dims = searchDims(opts.space);
  const numeric = dims.filter((p) => p.kind === 'numeric').length;
  const cats = dims.filter((p) => p.kind === 'categorical');
  const maxValues = cats.reduce((m, p) => Math.max(m, p.kind === 'categorical' ? p.values.length : 0), 0);
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  const what = cats.length ? `${plural(numeric, 'numeric dim')} + ${plural(cats.length, 'categorical')}` : plural(numeric, 'numeric dim');
  const cap = opts.runCap === undefined ? 'no run_cap' : `run_cap ${opts.runCap}`;
  if (numeric === 0) return { method: 'tpe', reason: `no numeric dims, ${cap}` };
  if (numeric > BAYES_GP_MAX_NUMERIC_DIMS) return { method: 'tpe', reason: `${what} (over ${BAYES_GP_MAX_NUMERIC_DIMS} numeric), ${cap}` };
  if (cats.length > BAYES_GP_MAX_CATEGORICAL_DIMS) return { method: 'tpe', reason: `${what}: categorical-heavy, ${cap}` };
  if (maxValues > BAYES_GP_MAX_CATEGORICAL_VALUES)
    return { method: 'tpe', reason: `${what}, a categorical with ${maxValues} values > ${BAYES_GP_MAX_CATEGORICAL_VALUES}, ${cap}` };
  if (opts.runCap === undefined) return { method: 'tpe', reason: `${what}, no run_cap (GP needs run_cap ≤ ${BAYES_GP_MAX_RUN_CAP})` };
  if (opts.runCap > BAYES_GP_MAX_RUN_CAP) return { method: 'tpe', reason: `${what}, run_cap ${opts.runCap} > ${BAYES_GP_MAX_RUN_CAP}` };
  return { method: 'gp', reason: `${what}, ${cap}` };
}

export function createSampler(method: Method, opts: CreateSamplerOptions): CreatedSampler {
  switch (method) {
    case 'grid':
      return { sampler: new GridSampler() };
    case 'random':
      return { sampler: new RandomSampler() };
    case 'sobol':
      return { sampler: new SobolSampler({ seed: opts.seed }) };
    case 'tpe':
      return { sampler: new TpeSampler({ seed: opts.seed }) };
    case 'gp':
      return { sampler: new GpSampler({ seed: opts.seed }) };
    case 'bayes': {
      const choice = chooseBayes(opts);
      if (choice.method === 'tpe') return { sampler: new TpeSampler({ seed: opts.seed }), notice: `method bayes → tpe (${choice.reason})` };
      return { sampler: new GpSampler({ seed: opts.seed }), notice: `method bayes → gp (${choice.reason})` };
    }
  }
}
