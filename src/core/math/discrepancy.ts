/**
 * The L2-star discrepancy of a point set in [0, 1]^d by Warnock's formula (lower is more even):
 * D² = 3^-d − (2^(1−d) / N) Σ_i Π_k (1 − x_ik²) + (1 / N²) Σ_i Σ_j Π_k (1 − max(x_ik, x_jk)).
 * O(N² d): meant for tests and benchmarks.
 */
export function l2StarDiscrepancy(points: readonly (readonly number[])[]): number {
  const n = points.length;
  if (n === 0) return NaN;
  const d = points[0].length;
  let s1 = 0;
  for (const x of points) {
    let p = 1;
    for (let k = 0; k < d; k++) p *= 1 - x[k] * x[k];
    s1 += p;
  }
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = points[i];
    // diagonal term once, off-diagonal terms twice
    let pd = 1;
    for (let k = 0; k < d; k++) pd *= 1 - xi[k];
    s2 += pd;
    for (let j = i + 1; j < n; j++) {
      const xj = points[j];
      let p = 1;
      for (let k = 0; k < d; k++) p *= 1 - Math.max(xi[k], xj[k]);
      s2 += 2 * p;
    }
  }
  const d2 = 3 ** -d - (2 ** (1 - d) / n) * s1 + s2 / (n * n);
  return Math.sqrt(Math.max(0, d2));
}
