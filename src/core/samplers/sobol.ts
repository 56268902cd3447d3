/**
 * Scrambled, seeded Sobol sampler. Points follow Joe–Kuo direction numbers (sobolDirections.ts)
 * in gray-code order (as scipy and torch), computed directly from the index, so a config depends
 * only on (seed, index). The scramble is Matoušek's linear matrix scramble (a random lower
 * triangular binary matrix with unit diagonal per dimension) plus a random digital shift, both
 * drawn from the seed given at construction; it keeps the (t, m, s)-net property.
 */
import { KnobsError } from '../errors';
import { createRng } from '../random/rng';
import { fromUnit, searchDims } from '../space/transform';
import type { FlatParams } from '../space/types';
import type { Sampler, SamplerOptions, SuggestContext } from './sampler';
import { SOBOL_DIRECTIONS_TEXT, SOBOL_MAX_DIMS } from './sobolDirections';

const BITS = 32;
const TWO32 = 2 ** 32;

interface DirectionEntry {
  poly: number;
  degree: number;
  m: number[];
}

let parsed: DirectionEntry[] | undefined;

/** The embedded Joe–Kuo table, parsed. */
export function sobolDirectionTable(): readonly DirectionEntry[] {
  if (!parsed) {
    parsed = SOBOL_DIRECTIONS_TEXT.trim()
      .split(/\s+/)
      .map((entry) => {
        const [p, ms] = entry.split(':');
        const poly = Number(p);
        return { poly, degree: Math.floor(Math.log2(poly)), m: ms.split(',').map(Number) };
      });
  }
  return parsed;
}

/** The 32 direction numbers (as uint32, MSB = 1/2) of dimension `dim`, unscrambled. */
export function directionNumbers(dim: number): Uint32Array {
  const table = sobolDirectionTable();
  if (dim < 0 || dim >= table.length) throw new RangeError(`Sobol dimension ${dim} is outside 0..${table.length - 1}`);
  const v = new Uint32Array(BITS);
  const { poly, degree: s, m } = table[dim];
  if (s === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  for (let k = 0; k < s && k < BITS; k++) v[k] = m[k] * 2 ** (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let j = 1; j < s; j++) {
      // coefficient of x^(s-j) in poly: bit (s - j)
      if ((poly >>> (s - j)) & 1) x ^= v[k - j];
    }
    v[k] = x >>> 0;
  }
  return v;
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

export interface SobolSequenceOptions {
  dims: number;
  /** Scramble seed; omit for the plain (unscrambled) sequence. */
  seed?: number;
}

/** A (scrambled) Sobol point set in `dims` dimensions, indexed directly. */
export class SobolSequence {
  readonly dims: number;
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;
  private readonly scrambled: boolean;

  constructor(opts: SobolSequenceOptions) {
    if (!Number.isInteger(opts.dims) || opts.dims < 0 || opts.dims > SOBOL_MAX_DIMS) {
      throw new KnobsError(
        'E_SWEEP_PARSE',
        `the Sobol sampler supports up to ${SOBOL_MAX_DIMS} search parameters, but this space has ${opts.dims}`,
        {
          hint: 'use `method: random` for larger spaces',
        },
      );
    }
    this.dims = opts.dims;
    this.scrambled = opts.seed !== undefined;
    this.v = [];
    this.shift = new Uint32Array(opts.dims);
    const base = opts.seed === undefined ? undefined : createRng(opts.seed);
    for (let d = 0; d < opts.dims; d++) {
      const raw = directionNumbers(d);
      if (!base) {
        this.v.push(raw);
        continue;
      }
      const rng = base.child('sobol-scramble', d);
      // Row r of the lower-triangular matrix produces output digit r+1 (bit 31-r): the diagonal
      // bit plus random bits at the more significant positions.
      const rows = new Uint32Array(BITS);
      for (let r = 0; r < BITS; r++) {
        const bit = 2 ** (BITS - 1 - r);
        const above = r === 0 ? 0 : (0xffffffff - (2 * bit - 1)) >>> 0; // positions > bit
        rows[r] = ((rng.uint32() & above) | bit) >>> 0;
      }
      const scrambled = new Uint32Array(BITS);
      for (let k = 0; k < BITS; k++) {
        let y = 0;
        for (let r = 0; r < BITS; r++) if (parity(rows[r] & raw[k])) y += 2 ** (BITS - 1 - r);
        scrambled[k] = y;
      }
      this.v.push(scrambled);
      this.shift[d] = rng.uint32();
    }
  }

  /** Point `index` as uint32 digits per dimension (gray-code order). */
  pointBits(index: number): Uint32Array {
    if (!Number.isInteger(index) || index < 0 || index >= TWO32) throw new RangeError(`Sobol index ${index} is outside 0..2^32-1`);
    const gray = (index ^ Math.floor(index / 2)) >>> 0;
    const out = new Uint32Array(this.dims);
    for (let d = 0; d < this.dims; d++) {
      const v = this.v[d];
      let x = this.shift[d];
      for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k];
      out[d] = x >>> 0;
    }
    return out;
  }

  /** Point `index` in [0, 1)^dims: the centre of its 2^-32 cell when scrambled, x / 2^32 when not. */
  point(index: number): number[] {
    const bits = this.pointBits(index);
    const half = this.scrambled ? 0.5 : 0;
    return Array.from(bits, (x) => (x + half) / TWO32);
  }
}

export class SobolSampler implements Sampler {
  readonly name = 'sobol';
  readonly seed: number;
  private cache: { dims: number; seq: SobolSequence } | undefined;

  constructor(opts: SamplerOptions) {
    this.seed = opts.seed;
  }

  private sequence(dims: number): SobolSequence {
    if (!this.cache || this.cache.dims !== dims) this.cache = { dims, seq: new SobolSequence({ dims, seed: this.seed }) };
    return this.cache.seq;
  }

  suggest(ctx: SuggestContext): FlatParams {
    const dims = searchDims(ctx.space).length;
    return fromUnit(ctx.space, this.sequence(dims).point(ctx.index));
  }
}
