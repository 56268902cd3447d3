/**
 * Map a Space to and from the unit cube [0, 1)^d, one dimension per non-constant parameter in
 * file order. `fromUnit` is the inverse CDF of each W&B distribution, computed as W&B's
 * `HyperParameter.ppf` (wandb/sweeps params.py) computes it:
 * - int_uniform: uniform over the integers min..max (max included), scipy's randint ppf;
 * - uniform: min + u (max - min);
 * - q_*: round(x / q) * q with numpy's round-half-to-even, an integer when q is an integer
 *   literal (`integer`); the float noise of the product is removed (3 × 0.1 gives 0.3);
 * - log_uniform: exp(U(min, max)) (min/max are natural-log exponents);
 *   log_uniform_values: exp(U(ln min, ln max));
 * - inv_log_uniform: exp(-U(min, max)) taken at 1 - u, so it grows with u;
 *   inv_log_uniform_values: the same with min' = -ln max, max' = -ln min (a value in [min, max]);
 * - normal: mu + sigma Φ⁻¹(u); log_normal: exp(mu + sigma Φ⁻¹(u));
 * - beta: the beta(a, b) quantile, in [0, 1];
 * - categorical: value ⌈u n⌉ - 1 (scipy's randint ppf), or with probabilities the first value
 *   whose cumulative weight exceeds u (W&B's argmin(u >= cumsum)).
 * Unbounded quantiles (normal, log_normal) clamp u into (0, 1) so they stay finite.
 */
import { KnobsError } from '../errors';
import { inverseRegularizedBeta, regularizedBeta } from '../math/beta';
import { normalCdf, normalQuantile } from '../math/normal';
import { roundHalfEven, stepMultiple } from '../math/round';
import type { CategoricalParam, FlatParams, NumericParam, ParamSpec, Space, Value } from './types';
import { valueJson } from './valueJson';

/** The parameters that form the search space (non-constant), in file order. */
export function searchDims(space: Space): ParamSpec[] {
  return space.params.filter((p) => p.kind !== 'constant');
}

/** Defaults W&B fills in when a key is omitted. */
export function numericArgs(p: NumericParam): { min: number; max: number; q: number; mu: number; sigma: number; a: number; b: number } {
  return { min: p.min ?? 0, max: p.max ?? 1, q: p.q ?? 1, mu: p.mu ?? 0, sigma: p.sigma ?? 1, a: p.a ?? 1, b: p.b ?? 1 };
}

const U_MIN = 2 ** -53;
const U_MAX = 1 - 2 ** -53;

function clampOpen(u: number): number {
  return Math.min(U_MAX, Math.max(U_MIN, u));
}

function clamp01(u: number): number {
  return Math.min(1, Math.max(0, u));
}

/** A deep copy (structuredClone keeps NaN, Infinity and -0, which a JSON round trip loses). */
export function cloneValue(v: Value): Value {
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
}

/**
 * Canonical JSON (sorted keys) used to compare categorical values. NaN, Infinity and -Infinity
 * each have their own key (not null's), as in W&B's grid, which hashes `yaml.dump(value)`.
 */
export function valueKey(v: Value): string {
  return valueJson(v, true);
}

/** Cumulative weights of a categorical (uniform when no probabilities). */
function cumulative(p: CategoricalParam): number[] {
  const n = p.values.length;
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += p.probabilities ? p.probabilities[i] : 1 / n;
    out.push(s);
  }
  return out;
}

/**
 * scipy's `randint(low, low + n).ppf(u)`, which W&B uses for int_uniform and categorical: the
 * smallest k with cdf(k) ≥ u, i.e. cells (k/n, (k+1)/n] (u = 0 gives low).
 */
export function uniformIntQuantile(u: number, low: number, n: number): number {
  let v = Math.ceil(u * n + low) - 1;
  const v1 = Math.min(low + n - 1, Math.max(low, v - 1));
  if ((v1 - low + 1) / n >= u) v = v1;
  return Math.min(low + n - 1, Math.max(low, v));
}

function categoricalIndex(p: CategoricalParam, u: number): number {
  const n = p.values.length;
  if (!p.probabilities) return uniformIntQuantile(u, 0, n);
  const cdf = cumulative(p);
  for (let i = 0; i < n; i++) if (u < cdf[i]) return i;
  // u at or past the last cumulative weight (rounding): the last value with weight.
  for (let i = n - 1; i >= 0; i--) if (p.probabilities[i] > 0) return i;
  return n - 1;
}

function quantize(x: number, q: number, integer: boolean): number {
  const k = roundHalfEven(x / q);
  const v = stepMultiple(k, q);
  return integer ? Math.round(v) : v;
}

/** The inverse CDF of one numeric distribution at u in [0, 1]. */
export function numericFromUnit(p: NumericParam, u: number): number {
  const { min, max, q, mu, sigma, a, b } = numericArgs(p);
  u = clamp01(u);
  switch (p.distribution) {
    case 'int_uniform':
      return uniformIntQuantile(u, min, max - min + 1);
    case 'uniform':
      return min + u * (max - min);
    case 'q_uniform':
      return quantize(min + u * (max - min), q, p.integer);
    case 'log_uniform':
      return Math.exp(min + u * (max - min));
    case 'log_uniform_values':
      return logValues(min, max, u);
    case 'q_log_uniform':
      return quantize(Math.exp(min + u * (max - min)), q, p.integer);
    case 'q_log_uniform_values':
      return quantize(logValues(min, max, u), q, p.integer);
    case 'inv_log_uniform':
      return Math.exp(-(min + (1 - u) * (max - min)));
    case 'inv_log_uniform_values': {
      const lo = -Math.log(max);
      const hi = -Math.log(min);
      return Math.exp(-(lo + (1 - u) * (hi - lo)));
    }
    case 'normal':
      return mu + sigma * normalQuantile(clampOpen(u));
    case 'q_normal':
      return quantize(mu + sigma * normalQuantile(clampOpen(u)), q, p.integer);
    case 'log_normal':
      return Math.exp(mu + sigma * normalQuantile(clampOpen(u)));
    case 'q_log_normal':
      return quantize(Math.exp(mu + sigma * normalQuantile(clampOpen(u))), q, p.integer);
    case 'beta':
      return inverseRegularizedBeta(u, a, b);
    case 'q_beta':
      return quantize(inverseRegularizedBeta(u, a, b), q, p.integer);
  }
}

function logValues(min: number, max: number, u: number): number {
  const lo = Math.log(min);
  const hi = Math.log(max);
  return Math.exp(lo + u * (hi - lo));
}

/** The CDF of one numeric distribution at x (q-distributions: of the unquantised variable). */
export function numericToUnit(p: NumericParam, x: number): number {
  const { min, max, mu, sigma, a, b } = numericArgs(p);
  switch (p.distribution) {
    case 'int_uniform':
      // centre of the integer's cell
      return clamp01((Math.round(x) - min + 0.5) / (max - min + 1));
    case 'uniform':
    case 'q_uniform':
      return clamp01((x - min) / (max - min));
    case 'log_uniform':
    case 'q_log_uniform':
      return clamp01((Math.log(x) - min) / (max - min));
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return clamp01((Math.log(x) - Math.log(min)) / (Math.log(max) - Math.log(min)));
    case 'inv_log_uniform':
      return clamp01(1 - (-Math.log(x) - min) / (max - min));
    case 'normal':
    case 'q_normal':
      return normalCdf((x - mu) / sigma);
    case 'log_normal':
    case 'q_log_normal':
      return x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma);
    case 'beta':
    case 'q_beta':
      return regularizedBeta(clamp01(x), a, b);
  }
}

/**
 * The range a numeric parameter's values fall in ([lo, hi], ±Infinity when unbounded).
 * q-distributions may round past min/max by up to q/2, as W&B's do.
 */
export function numericRange(p: NumericParam): [number, number] {
  const { min, max, q } = numericArgs(p);
  const qr = (x: number): number => roundHalfEven(x / q) * q;
  switch (p.distribution) {
    case 'int_uniform':
    case 'uniform':
      return [min, max];
    case 'q_uniform':
      return [qr(min), qr(max)];
    case 'log_uniform':
      return [Math.exp(min), Math.exp(max)];
    case 'q_log_uniform':
      return [qr(Math.exp(min)), qr(Math.exp(max))];
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
      return [min, max];
    case 'q_log_uniform_values':
      return [qr(min), qr(max)];
    case 'inv_log_uniform':
      return [Math.exp(-max), Math.exp(-min)];
    case 'normal':
    case 'q_normal':
      return [-Infinity, Infinity];
    case 'log_normal':
    case 'q_log_normal':
      return [0, Infinity];
    case 'beta':
      return [0, 1];
    case 'q_beta':
      return [qr(0), qr(1)];
  }
}

/** Leaf values (constants included, in file order) for a point u of the unit cube. */
export function fromUnit(space: Space, u: readonly number[]): FlatParams {
  const dims = searchDims(space).length;
  if (u.length !== dims) {
    throw new KnobsError('E_INTERNAL', `fromUnit got a point with ${u.length} coordinates but the space has ${dims} search dimensions`);
  }
  const out: FlatParams = {};
  let i = 0;
  for (const p of space.params) {
    if (p.kind === 'constant') {
      out[p.name] = cloneValue(p.value);
      continue;
    }
    const ui = u[i++];
    if (!(ui >= 0 && ui <= 1)) {
      throw new KnobsError('E_INTERNAL', `fromUnit: coordinate ${i - 1} (\`${p.name}\`) is ${ui} but must be in [0, 1]`);
    }
    out[p.name] = p.kind === 'categorical' ? cloneValue(p.values[categoricalIndex(p, ui)]) : numericFromUnit(p, ui);
  }
  return out;
}

export interface ToUnitOptions {
  /** Throw on a missing or unknown value (default); when false such coordinates are NaN. */
  strict?: boolean;
}

/**
 * The point of the unit cube a config maps to (the inverse of `fromUnit` for continuous
 * dimensions; a categorical or integer value maps to the centre of its cell).
 */
export function toUnit(space: Space, flat: FlatParams, opts: ToUnitOptions = {}): number[] {
  const strict = opts.strict ?? true;
  const out: number[] = [];
  const fail = (p: ParamSpec, why: string): number => {
    if (strict) throw new KnobsError('E_INTERNAL', `toUnit: parameter \`${p.name}\` ${why}`);
    return NaN;
  };
  for (const p of searchDims(space)) {
    if (!(p.name in flat)) {
      out.push(fail(p, 'is missing from the config'));
      continue;
    }
    const v = flat[p.name];
    if (p.kind === 'categorical') {
      const key = valueKey(v);
      const i = p.values.findIndex((x) => valueKey(x) === key);
      if (i < 0) {
        out.push(fail(p, `has value ${key}, which is not one of ${valueKey(p.values)}`));
        continue;
      }
      const cdf = cumulative(p);
      out.push(((i === 0 ? 0 : cdf[i - 1]) + cdf[i]) / 2);
    } else if (p.kind === 'numeric') {
      if (typeof v !== 'number' || Number.isNaN(v)) {
        out.push(fail(p, `has value ${JSON.stringify(v)}, but a number is needed`));
        continue;
      }
      out.push(numericToUnit(p, v));
    }
  }
  return out;
}
