/**
 * The regularized incomplete beta function I_x(a, b) (Lentz continued fraction) and its inverse
 * in x (Halley steps kept inside a shrinking bracket, with bisection as the fallback).
 */
import { logGamma } from './gamma';
import { normalQuantile } from './normal';

const EPS = 1e-16;
const TINY = 1e-300;

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** I_x(a, b) for a, b > 0 and x in [0, 1]. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The x in [0, 1] with I_x(a, b) = p (the beta distribution's quantile). */
export function inverseRegularizedBeta(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Initial guess (Abramowitz & Stegun 26.5.22 for a, b ≥ 1; a power-law tail guess otherwise).
  let x: number;
  if (a >= 1 && b >= 1) {
    const y = -normalQuantile(p);
    const lambda = (y * y - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (y * Math.sqrt(h + lambda)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b));
    const lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a;
    const u = Math.exp(b * lnb) / b;
    const w = t + u;
    x = p < t / w ? (a * w * p) ** (1 / a) : 1 - (b * w * (1 - p)) ** (1 / b);
  }
  if (!(x > 0 && x < 1)) x = 0.5;
  let lo = 0;
  let hi = 1;
  const lbeta = logBeta(a, b);
  for (let iter = 0; iter < 200; iter++) {
    const f = regularizedBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const logPdf = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta;
    const pdf = Math.exp(logPdf);
    let next: number;
    if (pdf > 0 && Number.isFinite(pdf)) {
      const step = f / pdf;
      // Halley correction: f'' / f' = (a-1)/x - (b-1)/(1-x)
      const curv = (a - 1) / x - (b - 1) / (1 - x);
      const denom = 1 - 0.5 * Math.min(1, Math.max(-1, step * curv));
      next = x - step / denom;
    } else {
      next = NaN;
    }
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === x || Math.abs(next - x) <= 4e-16 * Math.min(next, 1 - next) || hi - lo <= 4e-16 * Math.min(lo, 1 - hi)) return next;
    x = next;
  }
  return x;
}
