/**
 * Dense Cholesky factorisation A = L Lᵀ (Float64, row-major n×n) with adaptive jitter: when A is
 * not numerically positive definite, jitter·mean(diag) is added to the diagonal, starting at 1e-10
 * and growing ×10 up to `maxJitter`, and the jitter that worked is reported. Triangular solves and
 * the inverse from the factor live here too.
 */

export interface CholeskyResult {
  /** Lower-triangular factor, row-major n×n (upper part is zero). */
  L: Float64Array;
  n: number;
  /** The relative jitter that was added (0 when none was needed). */
  jitter: number;
}

export interface CholeskyOptions {
  /** Largest relative jitter tried before giving up (default 1e-2). */
  maxJitter?: number;
  /** First relative jitter tried after a failure (default 1e-10). */
  minJitter?: number;
}

/** Factor in place into `L`; false if a pivot is not positive. */
function factor(A: Float64Array, n: number, add: number, L: Float64Array): boolean {
  L.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j] + (i === j ? add : 0);
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return true;
}

/** Cholesky with adaptive jitter; throws a RangeError when even `maxJitter` does not help. */
export function cholesky(A: Float64Array, n: number, opts: CholeskyOptions = {}): CholeskyResult {
  const maxJitter = opts.maxJitter ?? 1e-2;
  const L = new Float64Array(n * n);
  if (factor(A, n, 0, L)) return { L, n, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(A[i * n + i]);
  meanDiag = n > 0 ? meanDiag / n : 1;
  if (!(meanDiag > 0)) meanDiag = 1;
  for (let jitter = opts.minJitter ?? 1e-10; jitter <= maxJitter * (1 + 1e-9); jitter *= 10) {
    if (factor(A, n, jitter * meanDiag, L)) return { L, n, jitter };
  }
  throw new RangeError(`cholesky: the matrix is not positive definite even with relative jitter ${maxJitter}`);
}

/** Solve L y = b (forward substitution); returns a new array. */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * y[k];
    y[i] = s / L[ri + i];
  }
  return y;
}

/** Solve Lᵀ x = y (back substitution); returns a new array. */
export function solveUpper(L: Float64Array, n: number, y: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** Solve A x = b given A's factor L. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpper(L, n, solveLower(L, n, b));
}

/** log det A = 2 Σ log L_ii. */
export function cholLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}

/** A⁻¹ (symmetric, row-major) from A's factor L: with M = L⁻¹, A⁻¹ = Mᵀ M (rows of Mᵀ are contiguous). */
export function cholInverse(L: Float64Array, n: number): Float64Array {
  // Mt[j, i] = (L⁻¹)[i, j], nonzero for i ≥ j: row j of Mt solves L m = e_j.
  const Mt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    Mt[rj + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= L[ri + k] * Mt[rj + k];
      Mt[rj + i] = s / L[ri + i];
    }
  }
  // A⁻¹[i, j] = Σ_{k ≥ max(i, j)} M[k, i] M[k, j] = Σ_k Mt[i, k] Mt[j, k]
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += Mt[ri + k] * Mt[rj + k];
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
