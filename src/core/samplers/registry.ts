/** Method name → sampler. Model-based methods run Sobol until TPE/GP land. */
import type { Method } from '../space/types';
import { GridSampler } from './grid';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { SobolSampler } from './sobol';

export interface CreatedSampler {
  sampler: Sampler;
  /** A one-line notice for the user (e.g. a method that runs as another for now). */
  notice?: string;
}

export function createSampler(method: Method, opts: { seed: number }): CreatedSampler {
  switch (method) {
    case 'grid':
      return { sampler: new GridSampler() };
    case 'random':
      return { sampler: new RandomSampler() };
    case 'sobol':
      return { sampler: new SobolSampler({ seed: opts.seed }) };
    case 'bayes':
    case 'tpe':
    case 'gp':
      return {
        sampler: new SobolSampler({ seed: opts.seed }),
        notice: `method \`${method}\` runs Sobol until model-based search (TPE/GP) lands`,
      };
  }
}
