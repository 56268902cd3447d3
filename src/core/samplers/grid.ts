/**
 * Grid search: the Cartesian product of every search parameter's values, as W&B's grid does
 * (wandb/sweeps grid_search.py):
 * - `values`: each distinct value once, where distinct is W&B's: it compares values by
 *   `yaml.dump` (so dict key order does not matter, NaN equals NaN, and NaN, Infinity and null
 *   differ). A repeated value keeps the place of its first occurrence and, as W&B's lookup by hash
 *   does, the last occurrence's literal (`[1, 1.0]` gives one value, the float 1.0).
 * - int_uniform: min to max, both included.
 * - q_uniform: numpy's `arange(min, max, q)`, bit for bit: ceil((max - min) / q) values, the first
 *   min, the second min + q, then min + i·((min + q) - min), float noise included (0.1-steps from
 *   0.1 give 0.30000000000000004, which reaches the script); integers when min, max and q are all
 *   integer literals (the parser then sets `integer`).
 * Constants stay fixed. Config number `index` is decoded in mixed radix with the first parameter
 * varying slowest (itertools.product order), so nothing is materialised. Note: W&B orders
 * parameters by name; Knobs keeps file order.
 */
import { KnobsError } from '../errors';
import { cloneValue as clone, searchDims, valueKey } from '../space/transform';
import type { CategoricalParam, FlatParams, ParamSpec, Space, Value } from '../space/types';
import type { Sampler, SuggestContext } from './sampler';

/** One axis of the grid. */
export interface GridAxis {
  name: string;
  count: number;
  at(k: number): Value;
}

const ENUMERABLE_HINT =
  'list the values to try (`values: [0.001, 0.01, 0.1]`), use `int_uniform` (integers min..max) or `q_uniform` with a step `q`, or use `method: random` or `method: sobol`';

function gridError(p: ParamSpec, message: string, hint: string): KnobsError {
  return new KnobsError('E_GRID', message, {
    hint,
    location: p.loc ? { line: p.loc.line, col: p.loc.col } : undefined,
  });
}

/** Value `k` of numpy's `arange(min, max, step)` in float64 (its fill rule). */
export function arangeAt(min: number, step: number, k: number): number {
  if (k === 0) return min;
  const second = min + step;
  return k === 1 ? second : min + k * (second - min);
}

/** A categorical's values, each once (W&B's rule: see the file comment). */
function distinctValues(p: CategoricalParam): Value[] {
  const slot = new Map<string, number>();
  const values: Value[] = [];
  for (const v of p.values) {
    const k = valueKey(v);
    const i = slot.get(k);
    if (i === undefined) {
      slot.set(k, values.length);
      values.push(v);
    } else values[i] = v;
  }
  return values;
}

/** The axis of one search parameter; throws E_GRID for what a grid cannot enumerate. */
export function gridAxis(p: ParamSpec): GridAxis {
  if (p.kind === 'constant') {
    return { name: p.name, count: 1, at: () => clone(p.value) };
  }
  if (p.kind === 'categorical') {
    if (p.probabilities) {
      throw gridError(
        p,
        `grid search tries every value of \`${p.name}\` once, so its \`probabilities\` have no meaning`,
        'remove `probabilities`, or use `method: random` to sample by them',
      );
    }
    const values = distinctValues(p);
    if (values.length === 0) throw gridError(p, `\`${p.name}\` has no values`, 'give at least one value');
    return { name: p.name, count: values.length, at: (k) => clone(values[k]) };
  }
  const { min, max, q } = p;
  if (p.distribution === 'int_uniform') {
    if (min === undefined || max === undefined || !Number.isInteger(min) || !Number.isInteger(max)) {
      throw gridError(
        p,
        `grid search needs integer \`min\` and \`max\` for int_uniform \`${p.name}\` (min is ${min}, max is ${max})`,
        'write integer bounds, e.g. `min: 1` and `max: 8`',
      );
    }
    if (max < min) throw gridError(p, `\`${p.name}\` has max ${max} below min ${min}`, `make max ≥ ${min}`);
    return { name: p.name, count: max - min + 1, at: (k) => min + k };
  }
  if (p.distribution === 'q_uniform') {
    const step = q ?? 1;
    if (min === undefined || max === undefined) {
      throw gridError(p, `grid search needs \`min\` and \`max\` for q_uniform \`${p.name}\``, 'give `min`, `max` and `q`');
    }
    if (!(step > 0)) throw gridError(p, `\`q\` of \`${p.name}\` is ${step} but must be > 0`, 'give a positive step, e.g. `q: 0.1`');
    const count = Math.ceil((max - min) / step);
    if (!(count > 0)) {
      throw gridError(
        p,
        `q_uniform \`${p.name}\` gives no grid values: min ${min} must be below max ${max} (max itself is excluded)`,
        `make max greater than ${min}`,
      );
    }
    return { name: p.name, count, at: (k) => arangeAt(min, step, k) };
  }
  throw gridError(p, `grid search cannot enumerate \`${p.name}\`: its distribution \`${p.distribution}\` is continuous`, ENUMERABLE_HINT);
}

const axesCache = new WeakMap<Space, GridAxis[]>();

/** The axes of a space's grid, in file order (constants excluded). */
export function gridAxes(space: Space): GridAxis[] {
  let axes = axesCache.get(space);
  if (!axes) {
    axes = searchDims(space).map(gridAxis);
    axesCache.set(space, axes);
  }
  return axes;
}

/** Number of configs in the grid (1 when every parameter is constant). */
export function gridSize(space: Space): number {
  return gridAxes(space).reduce((n, a) => n * a.count, 1);
}

/** Config number `index` of the grid, or null past its end. */
export function gridPoint(space: Space, index: number): FlatParams | null {
  const axes = gridAxes(space);
  if (!Number.isInteger(index) || index < 0 || index >= gridSize(space)) return null;
  const digits = new Array<number>(axes.length);
  let rest = index;
  for (let i = axes.length - 1; i >= 0; i--) {
    const c = axes[i].count;
    digits[i] = rest % c;
    rest = Math.floor(rest / c);
  }
  const out: FlatParams = {};
  let i = 0;
  for (const p of space.params) {
    if (p.kind === 'constant') out[p.name] = clone(p.value);
    else {
      out[p.name] = axes[i].at(digits[i]);
      i++;
    }
  }
  return out;
}

export class GridSampler implements Sampler {
  readonly name = 'grid';

  suggest(ctx: SuggestContext): FlatParams | null {
    return gridPoint(ctx.space, ctx.index);
  }

  size(space: Space): number {
    return gridSize(space);
  }
}
