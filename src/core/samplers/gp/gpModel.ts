/**
 * A zero-mean GP regression model on standardised outputs with the Matérn-5/2 ARD kernel
 * (kernel.ts). Hyperparameters θ = (log λ_1..d, log s, log(noise − minNoise)) are fitted by
 * maximising the log marginal likelihood plus log priors (the heuristics Optuna's GPSampler uses:
 * −(0.1/λ + 0.1 λ) per dimension, Gamma(2, 1) on s, Gamma(1.1, 30) on the noise) with L-BFGS on θ,
 * analytic gradients, and a few restarts. Everything in Float64 with Cholesky + adaptive jitter.
 */
import { cholesky, cholInverse, cholLogDet, cholSolve } from '../../math/cholesky';
import { minimizeLbfgs } from '../../math/lbfgs';
import type { Rng } from '../../random/rng';
import { covarianceMatrix, type KernelParams, matern52, matern52Grad, SQRT5 } from './kernel';

export const MIN_NOISE = 1e-6;
const LOG_2PI = Math.log(2 * Math.PI);

export interface GpData {
  /** n×d inputs, row-major. */
  X: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
  /** 1 where dimension j is categorical (Hamming distance). */
  isCat: Uint8Array;
}

export function paramsFromTheta(theta: ArrayLike<number>, d: number): KernelParams {
  const lambda = new Float64Array(d);
  for (let j = 0; j < d; j++) lambda[j] = Math.exp(theta[j]);
  return { invSqLengthscales: lambda, signalVar: Math.exp(theta[d]), noiseVar: MIN_NOISE + Math.exp(theta[d + 1]) };
}

export function thetaFromParams(p: KernelParams): Float64Array {
  const d = p.invSqLengthscales.length;
  const t = new Float64Array(d + 2);
  for (let j = 0; j < d; j++) t[j] = Math.log(p.invSqLengthscales[j]);
  t[d] = Math.log(p.signalVar);
  t[d + 1] = Math.log(Math.max(p.noiseVar - MIN_NOISE, 1e-300));
  return t;
}

/** Log prior of the hyperparameters at θ; adds d/dθ into grad when given. */
export function logPrior(theta: ArrayLike<number>, d: number, grad?: Float64Array): number {
  let lp = 0;
  for (let j = 0; j < d; j++) {
    const l = Math.exp(theta[j]);
    lp -= 0.1 / l + 0.1 * l;
    if (grad) grad[j] += 0.1 / l - 0.1 * l;
  }
  const s = Math.exp(theta[d]);
  lp += Math.log(s) - s; // Gamma(2, 1), up to a constant
  if (grad) grad[d] += 1 - s;
  const e = Math.exp(theta[d + 1]);
  const noise = MIN_NOISE + e;
  lp += 0.1 * Math.log(noise) - 30 * noise; // Gamma(1.1, 30)
  if (grad) grad[d + 1] += (0.1 / noise - 30) * e;
  return lp;
}

/**
 * Per-dimension distances δ_j of every training pair (i > k), computed once per fit:
 * pair p = i(i−1)/2 + k holds δ_j at D[p·d + j].
 */
export interface PairDistances {
  D: Float64Array;
  pairs: number;
}

export function pairDistances(data: GpData): PairDistances {
  const { X, n, d, isCat } = data;
  const pairs = (n * (n - 1)) / 2;
  const D = new Float64Array(pairs * d);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++, p++) {
      for (let j = 0; j < d; j++) {
        const a = X[i * d + j];
        const b = X[k * d + j];
        D[p * d + j] = isCat[j] ? (a === b ? 0 : 1) : (a - b) * (a - b);
      }
    }
  }
  return { D, pairs };
}

/**
 * log p(y | X, θ) (+ log prior when `prior`), and its gradient in θ written into `grad`:
 * ∂/∂θ_p = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_p), α = K⁻¹y. `cache` (pairDistances) saves recomputing
 * distances across evaluations on the same data.
 */
export function logMarginalLikelihood(
  data: GpData,
  theta: ArrayLike<number>,
  grad?: Float64Array,
  prior = true,
  cache?: PairDistances,
): number {
  const { y, n, d } = data;
  const { D } = cache ?? pairDistances(data);
  const params = paramsFromTheta(theta, d);
  const { invSqLengthscales: lambda, signalVar: s, noiseVar } = params;
  const K = new Float64Array(n * n);
  const pairs = (n * (n - 1)) / 2;
  const mVal = new Float64Array(pairs);
  const mGrad = grad ? new Float64Array(pairs) : undefined;
  let p = 0;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = s + noiseVar;
    for (let k = 0; k < i; k++, p++) {
      let r2 = 0;
      const o = p * d;
      for (let j = 0; j < d; j++) r2 += lambda[j] * D[o + j];
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r);
      const m = (1 + SQRT5 * r + (5 / 3) * r2) * e;
      mVal[p] = m;
      if (mGrad) mGrad[p] = -(5 / 6) * (1 + SQRT5 * r) * e;
      K[i * n + k] = s * m;
      K[k * n + i] = s * m;
    }
  }
  let chol: ReturnType<typeof cholesky>;
  try {
    chol = cholesky(K, n);
  } catch {
    return -Infinity;
  }
  const { L } = chol;
  const alpha = cholSolve(L, n, y);
  let quad = 0;
  for (let i = 0; i < n; i++) quad += y[i] * alpha[i];
  let lml = -0.5 * quad - 0.5 * cholLogDet(L, n) - 0.5 * n * LOG_2PI;
  if (grad && mGrad) {
    grad.fill(0);
    const Kinv = cholInverse(L, n);
    const e = noiseVar - MIN_NOISE;
    let gS = 0;
    let gNoise = 0;
    p = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      // diagonal: ∂K_ii/∂log s = s, ∂K_ii/∂θ_noise = e
      const wii = alpha[i] * alpha[i] - Kinv[ri + i];
      gS += 0.5 * wii * s;
      gNoise += 0.5 * wii * e;
      for (let k = 0; k < i; k++, p++) {
        const w = alpha[i] * alpha[k] - Kinv[ri + k]; // each off-diagonal pair appears twice: ½·2
        gS += w * s * mVal[p];
        const c = w * s * mGrad[p];
        const o = p * d;
        for (let j = 0; j < d; j++) grad[j] += c * D[o + j];
      }
    }
    for (let j = 0; j < d; j++) grad[j] *= lambda[j];
    grad[d] = gS;
    grad[d + 1] = gNoise;
  }
  if (prior) lml += logPrior(theta, d, grad);
  return lml;
}

/** A GP conditioned on data with fixed hyperparameters: posterior mean and variance (+ gradients). */
export class GpModel {
  readonly n: number;
  readonly d: number;
  readonly X: Float64Array;
  readonly isCat: Uint8Array;
  readonly params: KernelParams;
  readonly alpha: Float64Array;
  readonly Kinv: Float64Array;
  private readonly kbuf: Float64Array;
  private readonly vbuf: Float64Array;
  /** r² from x to each training point, kept from the mean pass for the gradient pass. */
  private readonly r2buf: Float64Array;

  constructor(data: GpData, params: KernelParams) {
    this.n = data.n;
    this.d = data.d;
    this.X = data.X;
    this.isCat = data.isCat;
    this.params = params;
    const K = covarianceMatrix(data.X, data.n, data.d, params, data.isCat);
    const { L } = cholesky(K, data.n, { maxJitter: 1 });
    this.alpha = cholSolve(L, data.n, data.y);
    this.Kinv = cholInverse(L, data.n);
    this.kbuf = new Float64Array(data.n);
    this.vbuf = new Float64Array(data.n);
    this.r2buf = new Float64Array(data.n);
  }

  /** Posterior mean and latent variance at x (length d). */
  predict(x: ArrayLike<number>): { mean: number; variance: number } {
    return this.predictWithGrad(x);
  }

  /**
   * Posterior mean and latent variance at x; when dMean/dVar are given, their gradients in x for
   * the numeric dimensions (categorical entries are 0).
   */
  predictWithGrad(x: ArrayLike<number>, dMean?: Float64Array, dVar?: Float64Array): { mean: number; variance: number } {
    const { n, d, X, isCat, Kinv, alpha } = this;
    const { invSqLengthscales: lambda, signalVar: s } = this.params;
    const kx = this.kbuf;
    const v = this.vbuf;
    const r2s = this.r2buf;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      const xi = i * d;
      for (let j = 0; j < d; j++) {
        const a = X[xi + j];
        const b = x[j];
        if (isCat[j]) {
          if (a !== b) r2 += lambda[j];
        } else {
          const t = a - b;
          r2 += lambda[j] * t * t;
        }
      }
      r2s[i] = r2;
      kx[i] = s * matern52(r2);
      mean += kx[i] * alpha[i];
    }
    let quad = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += Kinv[ri + k] * kx[k];
      v[i] = acc;
      quad += kx[i] * acc;
    }
    const variance = Math.max(s - quad, 1e-12 * s);
    if (dMean && dVar) {
      dMean.fill(0);
      dVar.fill(0);
      for (let i = 0; i < n; i++) {
        const xi = i * d;
        const g = s * matern52Grad(r2s[i]);
        for (let j = 0; j < d; j++) {
          if (isCat[j]) continue;
          // ∂k_i/∂x_j = g · 2 λ_j (x_j − X_ij)
          const dk = g * 2 * lambda[j] * (x[j] - X[xi + j]);
          dMean[j] += dk * alpha[i];
          dVar[j] -= 2 * v[i] * dk;
        }
      }
    }
    return { mean, variance };
  }
}

export interface FitOptions {
  rng: Rng;
  /** Extra random restarts besides the default start (default 2). */
  restarts?: number;
  maxIter?: number;
}

/** The default start: ℓ = 1 on each dimension, s = 1, noise = 1e-2 (outputs standardised). */
export function defaultTheta(d: number): Float64Array {
  const t = new Float64Array(d + 2);
  t[d] = 0;
  t[d + 1] = Math.log(1e-2);
  return t;
}

/** MAP hyperparameters: L-BFGS from the default start and `restarts` random ones; best wins. */
export function fitHyperparameters(data: GpData, opts: FitOptions): KernelParams {
  const d = data.d;
  const starts: Float64Array[] = [defaultTheta(d)];
  for (let r = 0; r < (opts.restarts ?? 2); r++) {
    const t = new Float64Array(d + 2);
    for (let j = 0; j < d; j++) t[j] = Math.log(10) * (2 * opts.rng.next() - 1.5); // λ in [10^-1.5, 10^0.5]
    t[d] = Math.log(0.5 + opts.rng.next());
    t[d + 1] = Math.log(1e-4) + opts.rng.next() * Math.log(1e3);
    starts.push(t);
  }
  let best: Float64Array = starts[0];
  let bestF = Infinity;
  const fg = (theta: Float64Array, g: Float64Array): number => {
    // keep θ in a sane box so exp() stays finite
    for (let i = 0; i < theta.length; i++) if (!(Math.abs(theta[i]) < 25)) return Infinity;
    evaluations++;
    const v = logMarginalLikelihood(data, theta, g, true, cache);
    for (let i = 0; i < g.length; i++) g[i] = -g[i];
    return -v;
  };
  const cache = pairDistances(data);
  let evaluations = 0;
  const lower = new Float64Array(d + 2).fill(-20);
  const upper = new Float64Array(d + 2).fill(20);
  for (const t0 of starts) {
    const r = minimizeLbfgs(fg, t0, { maxIter: opts.maxIter ?? 100, lower, upper, gtol: 1e-4, ftol: 1e-9 });
    if (r.f < bestF) {
      bestF = r.f;
      best = r.x;
    }
  }
  if (process.env.KNOBS_GP_DEBUG) console.error(`gp fit n=${data.n} d=${d} evals=${evaluations} -lml=${bestF}`);
  return paramsFromTheta(best, d);
}
