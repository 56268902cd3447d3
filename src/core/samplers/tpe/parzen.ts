/**
 * A multivariate Parzen estimator over TPE's model coordinates (tpeDims.ts): a weighted mixture
 * with one joint kernel per observation plus one prior component.
 * - numeric coordinates: Gaussians truncated to [0, 1]; every component of a dimension shares one
 *   bandwidth (see `numericBandwidths`), floored by the "magic clip";
 * - categorical coordinates: p(k) = (1 - λ)·[k = c] + λ·prior(k), an Aitchison–Aitken style
 *   kernel that keeps the space's own probabilities as its smoothing;
 * - a coordinate an observation lacks (conditional parameters) is uniform for that component;
 * - the prior component is N(0.5, 1) truncated to [0, 1] per numeric coordinate and the prior
 *   weights per categorical one.
 * Building costs O(n·d), `logPdf` O(candidates·n·d), `sample` O(candidates·d).
 */
import type { Rng } from '../../random/rng';
import type { TpeDim } from './tpeDims';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Φ(x), from Numerical Recipes' erfcc (Chebyshev fit, fractional error below 1.2e-7): enough for
 * truncation constants, which here are never below 0.3, and much cheaper than the exact CDF.
 */
export function fastNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  // r = erfc(|x| / √2)
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

export interface ParzenOptions {
  dims: readonly TpeDim[];
  /** Observations in model coordinates (NaN = unknown). */
  points: readonly Float64Array[];
  /** One weight per observation (default: all 1). */
  weights?: readonly number[];
  /** Weight of the prior component, relative to an observation of weight 1. */
  priorWeight: number;
  /** Bandwidth per numeric dimension (unit-cube scale); ignored for categorical ones. */
  sigmas: readonly number[];
  /** λ per categorical dimension; ignored for numeric ones. */
  lambdas: readonly number[];
}

export class ParzenEstimator {
  readonly n: number;
  private readonly d: number;
  private readonly dims: readonly TpeDim[];
  /** (n + 1) × d means (model coordinates, NaN = uniform); the last row is the prior. */
  private readonly mu: Float64Array;
  /** Per component: log weight + Σ log normalisers of its numeric kernels. */
  private readonly logConst: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly invSigma: Float64Array;
  private readonly sigmas: readonly number[];
  private readonly lambdas: readonly number[];
  /** Per categorical dimension: log prior(k), log(λ prior(k)) and log((1-λ) + λ prior(k)). */
  private readonly logPrior: Float64Array[];
  private readonly logMiss: Float64Array[];
  private readonly logHit: Float64Array[];
  /** Prior component's numeric log normaliser per dimension (σ = 1, μ = 0.5). */
  private readonly priorSigma = 1;

  constructor(opts: ParzenOptions) {
    const { dims, points, priorWeight, sigmas, lambdas } = opts;
    const n = points.length;
    const d = dims.length;
    const m = n + 1;
    this.n = n;
    this.d = d;
    this.dims = dims;
    this.sigmas = sigmas;
    this.lambdas = lambdas;
    this.mu = new Float64Array(m * d);
    this.logConst = new Float64Array(m);
    this.cumWeights = new Float64Array(m);
    this.invSigma = new Float64Array(d);
    this.logPrior = [];
    this.logMiss = [];
    this.logHit = [];
    for (let j = 0; j < d; j++) {
      const dim = dims[j];
      this.invSigma[j] = 1 / sigmas[j];
      if (dim.kind === 'categorical') {
        const lam = lambdas[j];
        this.logPrior[j] = Float64Array.from(dim.prior, (p) => Math.log(p));
        this.logMiss[j] = Float64Array.from(dim.prior, (p) => Math.log(lam * p));
        this.logHit[j] = Float64Array.from(dim.prior, (p) => Math.log(1 - lam + lam * p));
      }
    }
    let total = priorWeight;
    for (let i = 0; i < n; i++) total += opts.weights ? opts.weights[i] : 1;
    let cum = 0;
    for (let i = 0; i < m; i++) {
      const w = i < n ? (opts.weights ? opts.weights[i] : 1) : priorWeight;
      cum += w / total;
      this.cumWeights[i] = cum;
      let c = Math.log(w / total);
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const dim = dims[j];
        const x = i < n ? points[i][j] : dim.kind === 'categorical' ? NaN : 0.5;
        this.mu[row + j] = x;
        if (dim.kind !== 'numeric' || Number.isNaN(x)) continue;
        const s = i < n ? sigmas[j] : this.priorSigma;
        const z = fastNormalCdf((1 - x) / s) - fastNormalCdf(-x / s);
        c -= Math.log(s) + LOG_SQRT_2PI + Math.log(z);
      }
      this.logConst[i] = c;
    }
  }

  /** Draws `count` points in model coordinates. */
  sample(rng: Rng, count: number): Float64Array[] {
    const out: Float64Array[] = [];
    const m = this.n + 1;
    for (let c = 0; c < count; c++) {
      const r = rng.next();
      let i = 0;
      while (i < m - 1 && r >= this.cumWeights[i]) i++;
      const x = new Float64Array(this.d);
      for (let j = 0; j < this.d; j++) {
        const dim = this.dims[j];
        const mu = this.mu[i * this.d + j];
        if (dim.kind === 'categorical') {
          x[j] = Number.isNaN(mu) ? drawIndex(rng, dim.prior, -1, 0) : drawIndex(rng, dim.prior, mu, this.lambdas[j]);
        } else if (Number.isNaN(mu)) {
          x[j] = dim.snap(rng.next());
        } else {
          const s = i < this.n ? this.sigmas[j] : this.priorSigma;
          x[j] = dim.snap(truncatedNormal(rng, mu, s));
        }
      }
      out.push(x);
    }
    return out;
  }

  /** log density of each point (model coordinates, no NaN). */
  logPdf(xs: readonly Float64Array[]): Float64Array {
    const m = this.n + 1;
    const d = this.d;
    const out = new Float64Array(xs.length);
    const comp = new Float64Array(m);
    const prior = this.n; // the prior row
    for (let c = 0; c < xs.length; c++) {
      const x = xs[c];
      let max = -Infinity;
      for (let i = 0; i < m; i++) {
        let s = this.logConst[i];
        const row = i * d;
        for (let j = 0; j < d; j++) {
          const mu = this.mu[row + j];
          const dim = this.dims[j];
          if (dim.kind === 'categorical') {
            const k = x[j];
            s += Number.isNaN(mu) ? this.logPrior[j][k] : k === mu ? this.logHit[j][k] : this.logMiss[j][k];
          } else if (mu === mu) {
            const z = (x[j] - mu) * (i === prior ? 1 / this.priorSigma : this.invSigma[j]);
            s -= 0.5 * z * z;
          }
        }
        comp[i] = s;
        if (s > max) max = s;
      }
      if (max === -Infinity) {
        out[c] = -Infinity;
        continue;
      }
      let sum = 0;
      for (let i = 0; i < m; i++) sum += Math.exp(comp[i] - max);
      out[c] = max + Math.log(sum);
    }
    return out;
  }
}

/** A categorical draw from (1 - λ)·[k = c] + λ·prior(k) (c < 0: the prior). */
function drawIndex(rng: Rng, prior: readonly number[], c: number, lambda: number): number {
  const r = rng.next();
  const hit = c >= 0 ? 1 - lambda : 0;
  let cum = 0;
  for (let k = 0; k < prior.length; k++) {
    cum += (k === c ? hit : 0) + (c >= 0 ? lambda : 1) * prior[k];
    if (r < cum) return k;
  }
  // rounding: the last value with weight
  for (let k = prior.length - 1; k >= 0; k--) if (prior[k] > 0 || k === c) return k;
  return prior.length - 1;
}

/** N(mu, sigma) truncated to [0, 1], by rejection (acceptance ≥ 0.3 since mu ∈ [0, 1]). */
function truncatedNormal(rng: Rng, mu: number, sigma: number): number {
  for (let t = 0; t < 64; t++) {
    const x = mu + sigma * rng.normal();
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}
