/**
 * GP-BO sampler (`method: gp`): a Matérn-5/2 ARD Gaussian process (gpModel.ts) on the unit-cube
 * encoding of the space (encoding.ts), maximising log-EI (acquisition.ts).
 * - Startup: while fewer than max(5, d + 1) trials have a value, scrambled Sobol (seeded from the
 *   sampler's seed) at the suggestion index.
 * - Observations: completed, stopped and pruned trials with a value (a pruned trial's last value
 *   tells the model that its region is poor); failed and interrupted trials are ignored;
 *   non-finite values count as the worst finite value.
 * - Pending (pending/running) trials: kriging believer — after fitting on the observations, each
 *   pending point is added with the posterior mean as its value (same hyperparameters), so its
 *   variance, and hence its EI, collapses and concurrent suggestions differ.
 * - History cap: above `maxHistory` (200) observations, the best quarter plus a deterministic
 *   random subset (from the suggestion's rng) of the rest are kept; the kernel hyperparameters
 *   are fitted on at most `fitHistory` (100) of those, chosen the same way.
 * - No config twice (seen.ts): a suggestion never repeats the config of a non-failed trial
 *   (running and interrupted included): the acquisition skips them; when its whole pool was
 *   tried, the best untried config of a finite space (at most 4,096 configs) by EI, or null when
 *   every config was tried (the sweep ends as `exhausted`). The startup phase skips a tried Sobol
 *   point for an untried config (uniform draws, then the list).
 * - Determinism: all randomness comes from ctx.rng and the seed; no state is kept between calls
 *   apart from a cache of the Sobol sequence, which depends on the seed and the dimension only.
 */
import { fromUnit, searchDims } from '../../space/transform';
import type { FlatParams, Space } from '../../space/types';
import type { Sampler, SamplerOptions, SuggestContext, TrialView } from '../sampler';
import { finiteConfigs, SeenConfigs } from '../seen';
import { SobolSequence } from '../sobol';
import { SOBOL_MAX_DIMS } from '../sobolDirections';
import { optimizeAcquisition } from './acquisition';
import { type DimEncoding, encodeConfig, encodeSpace } from './encoding';
import { fitHyperparameters, type GpData, GpModel } from './gpModel';
import { capHistory } from './historyCap';
import { type OutputWarp, transformOutputs } from './outputTransform';

export interface GpSamplerOptions extends SamplerOptions {
  /** Sobol suggestions before the model (default max(5, d + 1)). */
  startup?: number;
  /** Most observations the model is conditioned on (default 200). */
  maxHistory?: number;
  /** Most observations the hyperparameters are fitted on (default 100). */
  fitHistory?: number;
  /** Output warp before standardisation (default 'log'). */
  outputWarp?: OutputWarp;
  /** For the 'log' warp: the offset c as a fraction of median − min (default 1). */
  logOffset?: number;
  /** Sobol candidates scored by the acquisition (default 1024). */
  candidates?: number;
}

const OBSERVED = new Set(['completed', 'stopped', 'pruned']);
const PENDING = new Set(['pending', 'running']);

export class GpSampler implements Sampler {
  readonly name = 'gp';
  readonly seed: number;
  private readonly opts: GpSamplerOptions;
  private sobol: { dims: number; seq: SobolSequence } | undefined;

  constructor(opts: GpSamplerOptions) {
    this.seed = opts.seed;
    this.opts = opts;
  }

  /** Number of startup suggestions for a space with d search dimensions. */
  startupCount(d: number): number {
    return this.opts.startup ?? Math.max(5, d + 1);
  }

  private startupPoint(ctx: SuggestContext, d: number): FlatParams {
    if (d > SOBOL_MAX_DIMS)
      return fromUnit(
        ctx.space,
        Array.from({ length: d }, () => ctx.rng.next()),
      );
    if (!this.sobol || this.sobol.dims !== d) this.sobol = { dims: d, seq: new SobolSequence({ dims: d, seed: this.seed }) };
    return fromUnit(ctx.space, this.sobol.seq.point(ctx.index));
  }

  suggest(ctx: SuggestContext): FlatParams | null {
    const { space } = ctx;
    const d = searchDims(space).length;
    if (d === 0) return fromUnit(space, []);
    const seen = new SeenConfigs(space, ctx.history);
    const observed = ctx.history.filter((t) => OBSERVED.has(t.state) && typeof t.value === 'number' && !Number.isNaN(t.value));
    if (observed.length < this.startupCount(d)) {
      const point = this.startupPoint(ctx, d);
      if (!seen.has(point)) return point;
      const all = finiteConfigs(space);
      if (all) {
        const fresh = all.filter((c) => !seen.has(c));
        return fresh.length ? structuredClone(fresh[Math.min(fresh.length - 1, Math.floor(ctx.rng.next() * fresh.length))]) : null;
      }
      for (let k = 0; k < 64; k++) {
        const flat = fromUnit(
          space,
          Array.from({ length: d }, () => ctx.rng.next()),
        );
        if (!seen.has(flat)) return flat;
      }
      return point;
    }
    const pending = ctx.history.filter((t) => PENDING.has(t.state));
    const dims = encodeSpace(space);
    const toFlat = (x: ArrayLike<number>): FlatParams =>
      fromUnit(
        space,
        Array.from(x, (v) => Math.min(1, Math.max(0, v))),
      );
    const { x, repeat } = this.propose(space, dims, observed, pending, ctx, seen.size > 0 ? (u) => seen.has(toFlat(u)) : undefined);
    if (repeat && finiteConfigs(space) && finiteConfigs(space)!.every((c) => seen.has(c))) return null;
    return toFlat(x);
  }

  private propose(
    space: Space,
    dims: DimEncoding[],
    observedAll: TrialView[],
    pending: TrialView[],
    ctx: SuggestContext,
    exclude?: (x: Float64Array) => boolean,
  ): { x: Float64Array; repeat: boolean } {
    const d = dims.length;
    const rng = ctx.rng;
    const observed = capHistory(observedAll, this.opts.maxHistory ?? 200, rng.child('subsample'));
    const n = observed.length;
    const X = new Float64Array(n * d);
    observed.forEach((t, i) => {
      X.set(encodeConfig(space, dims, t.flat), i * d);
    });
    const { y, bestIndex } = transformOutputs(
      observed.map((t) => t.value as number),
      this.opts.outputWarp ?? 'log',
      this.opts.logOffset,
    );
    const isCat = Uint8Array.from(dims, (dim) => (dim.kind === 'categorical' ? 1 : 0));
    const data: GpData = { X, y, n, d, isCat };
    // hyperparameters from at most `fitHistory` of them (best quarter + seeded subset): the fit
    // costs O(n³) per likelihood evaluation, the final model O(n³) once
    const fitCap = this.opts.fitHistory ?? 100;
    let fitData = data;
    if (n > fitCap) {
      const row = new Map(observed.map((t, i) => [t, i]));
      const keep = capHistory(observed, fitCap, rng.child('fit-subset')).map((t) => row.get(t) as number);
      const Xf = new Float64Array(keep.length * d);
      keep.forEach((i, r) => {
        Xf.set(X.subarray(i * d, (i + 1) * d), r * d);
      });
      const yf = Float64Array.from(keep, (i) => y[i]);
      fitData = { X: Xf, y: yf, n: keep.length, d, isCat };
    }
    const restarts = fitData.n <= 50 ? 2 : fitData.n <= 100 ? 1 : 0;
    const params = fitHyperparameters(fitData, { rng: rng.child('fit'), restarts });
    let model = new GpModel(data, params);
    if (pending.length > 0) {
      const m = pending.length;
      const X2 = new Float64Array((n + m) * d);
      X2.set(X);
      const y2 = new Float64Array(n + m);
      y2.set(y);
      pending.forEach((t, k) => {
        const u = encodeConfig(space, dims, t.flat);
        X2.set(u, (n + k) * d);
        y2[n + k] = model.predict(u).mean;
      });
      model = new GpModel({ X: X2, y: y2, n: n + m, d, isCat }, params);
    }
    // anchors: the best few observed points
    const order = Array.from(y.keys()).sort((a, b) => y[a] - y[b] || a - b);
    const anchors = order.slice(0, 5).map((i) => X.subarray(i * d, (i + 1) * d));
    const result = optimizeAcquisition({
      model,
      dims,
      best: y[bestIndex],
      anchors,
      rng: rng.child('acquisition'),
      candidates: this.opts.candidates ?? (n > 150 ? 512 : 1024),
      exclude,
      fallback: () => (finiteConfigs(space) ?? []).map((c) => Float64Array.from(encodeConfig(space, dims, c))),
    });
    return { x: result.x, repeat: result.repeat };
  }
}
