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
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  // r = erfc(|x| / √2)
  return x >= 0 ? 1 - 0.5 * r : 0.5 * r;
}

const TABLE_STEP = 1 / 256;
const TABLE_MAX = 9;
let cdfTable: Float64Array | undefined;

/**
 * Φ(x) by linear interpolation in a table of fastNormalCdf (step 1/256 on [-9, 9], error below
 * 5e-7): the truncation constants of a large estimator cost no exp.
 */
export function tableNormalCdf(x: number): number {
  if (x <= -TABLE_MAX) return 0;
  if (x >= TABLE_MAX) return 1;
  if (!cdfTable) {
    const n = Math.round((2 * TABLE_MAX) / TABLE_STEP);
    cdfTable = new Float64Array(n + 2);
    for (let i = 0; i <= n + 1; i++) cdfTable[i] = fastNormalCdf(-TABLE_MAX + i * TABLE_STEP);
  }
  const f = (x + TABLE_MAX) / TABLE_STEP;
  const i = Math.floor(f);
  const w = f - i;
  return cdfTable[i] + w * (cdfTable[i + 1] - cdfTable[i]);
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
    // −log σ − log √(2π) per numeric dimension (observation kernels)
    const dimConst = sigmas.map((sg) => -Math.log(sg) - LOG_SQRT_2PI);
    let total = priorWeight;
    for (let i = 0; i < n; i++) total += opts.weights ? opts.weights[i] : 1;
    let cum = 0;
    for (let i = 0; i < m; i++) {
      const w = i < n ? (opts.weights ? opts.weights[i] : 1) : priorWeight;
      cum += w / total;
      this.cumWeights[i] = cum;
      let c = Math.log(w / total);
      const row = i * d;
      // Π of the truncation masses (each ≥ 0.3), logged every 32 factors
      let zProd = 1;
      for (let j = 0; j < d; j++) {
        const dim = dims[j];
        const x = i < n ? points[i][j] : dim.kind === 'categorical' ? NaN : 0.5;
        this.mu[row + j] = x;
        if (dim.kind !== 'numeric' || Number.isNaN(x)) continue;
        const s = i < n ? this.invSigma[j] : 1 / this.priorSigma;
        zProd *= tableNormalCdf((1 - x) * s) - tableNormalCdf(-x * s);
        c += i < n ? dimConst[j] : -Math.log(this.priorSigma) - LOG_SQRT_2PI;
        if ((j & 31) === 31) {
          c -= Math.log(zProd);
          zProd = 1;
        }
      }
      this.logConst[i] = c - Math.log(zProd);
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
    const { numIdx, catIdx, numMu, numInv } = this.layout();
    const dn = numIdx.length;
    const out = new Float64Array(xs.length);
    const comp = new Float64Array(m);
    const xn = new Float64Array(dn);
    for (let c = 0; c < xs.length; c++) {
      const x = xs[c];
      for (let t = 0; t < dn; t++) xn[t] = x[numIdx[t]];
      let max = -Infinity;
      for (let i = 0; i < m; i++) {
        let s = this.logConst[i];
        const row = i * dn;
        for (let t = 0; t < dn; t++) {
          const z = (xn[t] - numMu[row + t]) * numInv[row + t];
          s -= 0.5 * z * z;
        }
        for (let t = 0; t < catIdx.length; t++) {
          const j = catIdx[t];
          const mu = this.mu[i * d + j];
          const k = x[j];
          s += mu !== mu ? this.logPrior[j][k] : k === mu ? this.logHit[j][k] : this.logMiss[j][k];
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

  private packed: { numIdx: Int32Array; catIdx: Int32Array; numMu: Float64Array; numInv: Float64Array } | undefined;

  /**
   * Numeric means and inverse bandwidths packed per component (a coordinate the component lacks
   * gets inverse bandwidth 0, so it adds nothing): the hot loop has no branches.
   */
  private layout(): { numIdx: Int32Array; catIdx: Int32Array; numMu: Float64Array; numInv: Float64Array } {
    if (this.packed) return this.packed;
    const num: number[] = [];
    const cat: number[] = [];
    this.dims.forEach((dim, j) => {
      (dim.kind === 'categorical' ? cat : num).push(j);
    });
    const m = this.n + 1;
    const dn = num.length;
    const numMu = new Float64Array(m * dn);
    const numInv = new Float64Array(m * dn);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < dn; t++) {
        const mu = this.mu[i * this.d + num[t]];
        if (mu !== mu) continue;
        numMu[i * dn + t] = mu;
        numInv[i * dn + t] = i === this.n ? 1 / this.priorSigma : this.invSigma[num[t]];
      }
    }
    this.packed = { numIdx: Int32Array.from(num), catIdx: Int32Array.from(cat), numMu, numInv };
    return this.packed;
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
