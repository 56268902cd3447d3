/**
 * Log expected improvement, numerically robust (Ament et al. 2023, "Unexpected improvements to
 * expected improvement for Bayesian optimization", eq. 9): with z = (best − μ)/σ for minimisation,
 * EI = σ h(z) where h(z) = φ(z) + z Φ(z), and
 *   log h(z) = log(φ(z) + z Φ(z))                                   for z > −1,
 *            = −z²/2 − log√(2π) + log1mexp(log(erfcx(−z/√2)|z|) + log√(π/2))  for −1/√ε < z ≤ −1,
 *            = −z²/2 − log√(2π) − 2 log|z| + log(1 − 3/z² + 15/z⁴ − 105/z⁶)  for z < −1000,
 * which stays finite and smooth where EI itself underflows to 0. (Ament et al. switch to the
 * leading term at −1/√ε; the asymptotic series from −1000 on keeps full precision where the
 * log1mexp form loses digits to cancellation, ≈ ε z² relative.) d log h / dz = Φ(z)/h(z) is
 * computed in log space as well. erfcx and Φ come from math/erfc.ts (Cephes rational fits).
 */
import { erfcx, normalCdfFast as normalCdf } from './erfc';

export { erfcx };

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_SQRT_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
const Z_ASYMPTOTIC = -1000;

/** log(1 − e^x) for x < 0 (Mächler's split at −ln 2). */
export function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log Φ(z), accurate far into the lower tail. */
export function logNormalCdf(z: number): number {
  if (z < -1) {
    const t = -z / Math.SQRT2;
    return Math.log(erfcx(t) / 2) - t * t;
  }
  if (z > 5) return Math.log1p(-normalCdf(-z));
  return Math.log(normalCdf(z));
}

/** log h(z) with h(z) = φ(z) + z Φ(z) (EI of a standard normal with improvement z). */
export function logH(z: number): number {
  if (z > -1) {
    return Math.log(Math.exp(-0.5 * z * z - LOG_SQRT_2PI) + z * normalCdf(z));
  }
  if (z > Z_ASYMPTOTIC) {
    const az = -z;
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(erfcx(az / Math.SQRT2) * az) + LOG_SQRT_PI_OVER_2);
  }
  const w = 1 / (z * z);
  return -0.5 * z * z - LOG_SQRT_2PI + Math.log(w) + Math.log1p(w * (-3 + w * (15 - 105 * w)));
}

/**
 * log h(z) and its derivative Φ(z)/h(z). Below z = −1 the derivative is R/(1 − |z|R) with the Mills
 * ratio R = Φ(z)/φ(z) = √(π/2) erfcx(|z|/√2), formed like log h to avoid cancelling huge terms;
 * in the asymptotic branch the two series are divided.
 */
export function logHWithGrad(z: number): { value: number; grad: number } {
  const value = logH(z);
  if (z > -1) return { value, grad: normalCdf(z) / Math.exp(value) };
  if (z > Z_ASYMPTOTIC) {
    const az = -z;
    const mills = Math.exp(LOG_SQRT_PI_OVER_2) * erfcx(az / Math.SQRT2);
    return { value, grad: mills / Math.exp(log1mexp(Math.log(mills * az))) };
  }
  // Φ/φ = (1/|z|)(1 − w + 3w² − 15w³ + 105w⁴), h/φ = w (1 − 3w + 15w² − 105w³), w = 1/z²
  const w = 1 / (z * z);
  const mills = (1 + w * (-1 + w * (3 + w * (-15 + 105 * w)))) / -z;
  return { value, grad: mills / (w * (1 + w * (-3 + w * (15 - 105 * w)))) };
}

/** log EI for minimisation: best − value improvement of N(mean, sd²); sd must be > 0. */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  return logH((best - mean) / sd) + Math.log(sd);
}
