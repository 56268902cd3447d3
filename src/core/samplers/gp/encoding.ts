/**
 * How the GP sees the search space: one coordinate per search dimension, in the unit cube of
 * transform.ts. Numeric dimensions (continuous, integer or q-stepped) are optimised in the
 * continuous relaxation and rounded by `fromUnit`; integer/q dimensions are snapped to the unit
 * coordinate of the value they round to, so the model sees exactly what was run. A categorical
 * dimension is a cell index: its coordinate is the centre of the chosen value's cell, the kernel
 * compares it by Hamming distance with its own lengthscale, and the acquisition optimiser tries
 * its values one by one instead of following a gradient.
 */
import { numericFromUnit, numericToUnit, searchDims, toUnit } from '../../space/transform';
import type { FlatParams, ParamSpec, Space } from '../../space/types';

export interface DimEncoding {
  name: string;
  kind: 'continuous' | 'discrete' | 'categorical';
  /** Categorical: the unit coordinate (cell centre) of each value that has weight. */
  centres?: number[];
  param: ParamSpec;
}

export function encodeSpace(space: Space): DimEncoding[] {
  return searchDims(space).map((p) => {
    if (p.kind === 'categorical') {
      const centres: number[] = [];
      p.values.forEach((v, i) => {
        if (p.probabilities && !(p.probabilities[i] > 0)) return;
        const u = toUnit({ params: [p] }, { [p.name]: v });
        centres.push(u[0]);
      });
      return { name: p.name, kind: 'categorical', centres, param: p };
    }
    const discrete =
      p.kind === 'numeric' && (p.integer || p.distribution === 'int_uniform' || p.q !== undefined || p.distribution.startsWith('q_'));
    return { name: p.name, kind: discrete ? 'discrete' : 'continuous', param: p };
  });
}

/** Snap a unit coordinate to the coordinate of the value it maps to (discrete and categorical). */
export function snapCoordinate(dim: DimEncoding, u: number): number {
  if (dim.kind === 'continuous') return u;
  if (dim.kind === 'categorical') {
    const c = dim.centres as number[];
    let best = 0;
    for (let i = 1; i < c.length; i++) if (Math.abs(c[i] - u) < Math.abs(c[best] - u)) best = i;
    return c[best];
  }
  const p = dim.param;
  if (p.kind !== 'numeric') return u;
  const v = numericToUnit(p, numericFromUnit(p, u));
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : u;
}

/** The unit coordinates of a trial's config (missing or unknown values: 0.5, then snapped). */
export function encodeConfig(space: Space, dims: readonly DimEncoding[], flat: FlatParams): number[] {
  const u = toUnit(space, flat, { strict: false });
  return u.map((v, j) => snapCoordinate(dims[j], Number.isFinite(v) ? v : 0.5));
}
