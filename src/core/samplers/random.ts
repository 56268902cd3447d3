/**
 * Random search: each coordinate of the unit cube is one draw of the per-suggestion rng, mapped
 * through the inverse CDFs (transform.ts). The engine derives that rng from (seed, index), so a
 * config depends on nothing else.
 */
import { fromUnit, searchDims } from '../space/transform';
import type { FlatParams } from '../space/types';
import type { Sampler, SuggestContext } from './sampler';

export class RandomSampler implements Sampler {
  readonly name = 'random';

  suggest(ctx: SuggestContext): FlatParams {
    const u = searchDims(ctx.space).map(() => ctx.rng.next());
    return fromUnit(ctx.space, u);
  }
}
