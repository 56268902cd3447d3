/**
 * TensorBoard's scalar smoothing: an exponential moving average with weight w (0 = none, up to
 * 0.99), debiased so the first points are not pulled toward zero (last / (1 − w^k) after k finite
 * points). Non-finite values pass through and do not enter the average.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = weight > 0 ? Math.min(weight, 0.999) : 0;
  let last = 0,
    k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    k++;
    out[i] = w === 0 ? v : last / (1 - w ** k);
  }
  return out;
}
