/**
 * Matérn-5/2 ARD kernel on the unit cube:
 *   k(x, y) = s · m(r²),  m(r²) = (1 + √5 r + 5r²/3) e^{−√5 r},  r² = Σ_j λ_j δ_j(x, y),
 * with λ_j = 1/ℓ_j² the inverse squared lengthscale of dimension j and δ_j = (x_j − y_j)² for a
 * numeric dimension, or [x_j ≠ y_j] (Hamming) for a categorical one, whose coordinate is the
 * centre of the category's cell. dm/d(r²) = −(5/6)(1 + √5 r) e^{−√5 r} is smooth at r = 0, so
 * gradients in x and in log λ need no special case.
 */

export const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  /** λ_j = 1/ℓ_j², one per dimension. */
  invSqLengthscales: Float64Array;
  /** Signal variance s. */
  signalVar: number;
  /** Observation noise variance (added to the diagonal of the training covariance). */
  noiseVar: number;
}

/** m(r²). */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** dm/d(r²). */
export function matern52Grad(r2: number): number {
  const r = Math.sqrt(r2);
  return -(5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** δ_j between row i of A and row k of B (row-major, d columns). */
export function dimDistance(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const t = a - b;
  return t * t;
}

/** r² between row i of A and row k of B. */
export function sqDistance(
  A: Float64Array,
  i: number,
  B: Float64Array,
  k: number,
  d: number,
  lambda: Float64Array,
  isCat: Uint8Array,
): number {
  let s = 0;
  const ai = i * d;
  const bk = k * d;
  for (let j = 0; j < d; j++) {
    const a = A[ai + j];
    const b = B[bk + j];
    if (isCat[j]) {
      if (a !== b) s += lambda[j];
    } else {
      const t = a - b;
      s += lambda[j] * t * t;
    }
  }
  return s;
}

/** The n×n training covariance K + noise·I (row-major). */
export function covarianceMatrix(X: Float64Array, n: number, d: number, params: KernelParams, isCat: Uint8Array): Float64Array {
  const K = new Float64Array(n * n);
  const { invSqLengthscales: lambda, signalVar: s, noiseVar } = params;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = s + noiseVar;
    for (let k = 0; k < i; k++) {
      const v = s * matern52(sqDistance(X, i, X, k, d, lambda, isCat));
      K[i * n + k] = v;
      K[k * n + i] = v;
    }
  }
  return K;
}
