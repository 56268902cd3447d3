/**
 * The coordinates TPE models a space in, one per search dimension (searchDims order):
 * - numeric: the unit-cube coordinate u (transform.ts). Integer and q-distributions are
 *   "discretised numeric": a coordinate is snapped to the u of the value it maps to, so
 *   observations and candidates of the same value coincide;
 * - categorical: the index of the value (0..k-1), modelled by a categorical kernel.
 * A trial that lacks a parameter (conditional / nested spaces) or holds a value the space no
 * longer has gets NaN there: the estimators treat that coordinate as unknown.
 * Encodings are cached per params object (the runner hands the same objects every time), so
 * building the model costs O(trials) cheap look-ups, not O(trials) transforms.
 */
import { numericArgs, numericFromUnit, numericToUnit, searchDims, valueKey } from '../../space/transform';
import type { CategoricalParam, FlatParams, NumericParam, Space } from '../../space/types';

export interface NumericDim {
  kind: 'numeric';
  name: string;
  /** Snap u to the coordinate of the value it maps to (integer / q dims), else identity. */
  snap(u: number): number;
  discrete: boolean;
  /** Width of one value's cell in u (int_uniform, q_uniform), else 0: the least useful bandwidth. */
  cell: number;
}

export interface CategoricalDim {
  kind: 'categorical';
  name: string;
  /** Number of values. */
  k: number;
  /** The unit coordinate of each value (the centre of its cell), for fromUnit. */
  centres: number[];
  /** valueKey → index (first occurrence). */
  index: Map<string, number>;
  /** The space's own weights (probabilities, or uniform): the prior kernel. */
  prior: number[];
}

export type TpeDim = NumericDim | CategoricalDim;

function numericDim(p: NumericParam): NumericDim {
  const discrete = p.integer || p.distribution === 'int_uniform' || p.distribution.startsWith('q_');
  const snap = discrete
    ? (u: number): number => {
        const s = numericToUnit(p, numericFromUnit(p, u));
        return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : u;
      }
    : (u: number): number => u;
  const { min, max, q } = numericArgs(p);
  const cell =
    p.distribution === 'int_uniform' ? 1 / (max - min + 1) : p.distribution === 'q_uniform' && max > min ? Math.min(1, q / (max - min)) : 0;
  return { kind: 'numeric', name: p.name, snap, discrete, cell };
}

function categoricalDim(p: CategoricalParam): CategoricalDim {
  const k = p.values.length;
  const centres: number[] = [];
  const prior: number[] = [];
  let cum = 0;
  for (let i = 0; i < k; i++) {
    const w = p.probabilities ? p.probabilities[i] : 1 / k;
    centres.push(Math.min(1, Math.max(0, cum + w / 2)));
    prior.push(w);
    cum += w;
  }
  const index = new Map<string, number>();
  p.values.forEach((v, i) => {
    const key = valueKey(v);
    if (!index.has(key)) index.set(key, i);
  });
  return { kind: 'categorical', name: p.name, k, centres, index, prior };
}

/** The model's view of one space, with an encoding cache. */
export class TpeDims {
  readonly dims: TpeDim[];
  private readonly cache = new WeakMap<FlatParams, Float64Array>();

  constructor(readonly space: Space) {
    this.dims = searchDims(space).map((p) => (p.kind === 'categorical' ? categoricalDim(p) : numericDim(p as NumericParam)));
  }

  get length(): number {
    return this.dims.length;
  }

  /** Model coordinates of a trial's params (NaN where missing or unknown). */
  encode(flat: FlatParams): Float64Array {
    const hit = this.cache.get(flat);
    if (hit) return hit;
    const x = new Float64Array(this.dims.length);
    const params = searchDims(this.space);
    for (let j = 0; j < this.dims.length; j++) {
      const dim = this.dims[j];
      const has = Object.hasOwn(flat, dim.name);
      const v = has ? flat[dim.name] : undefined;
      if (dim.kind === 'categorical') {
        const i = v === undefined ? undefined : dim.index.get(valueKey(v));
        x[j] = i === undefined ? NaN : i;
      } else if (typeof v === 'number' && Number.isFinite(v)) {
        const u = numericToUnit(params[j] as NumericParam, v);
        x[j] = Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : NaN;
      } else {
        x[j] = NaN;
      }
    }
    this.cache.set(flat, x);
    return x;
  }

  /** A unit-cube point (for fromUnit) from model coordinates. */
  toUnitPoint(x: Float64Array): number[] {
    const u: number[] = [];
    for (let j = 0; j < this.dims.length; j++) {
      const dim = this.dims[j];
      u.push(dim.kind === 'categorical' ? dim.centres[x[j]] : Math.min(1, Math.max(0, x[j])));
    }
    return u;
  }
}
