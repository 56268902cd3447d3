import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKnobsError } from '../../src/core/errors';
import { l2StarDiscrepancy } from '../../src/core/math/discrepancy';
import { createRng } from '../../src/core/random/rng';
import { directionNumbers, SobolSampler, SobolSequence, sobolDirectionTable } from '../../src/core/samplers/sobol';
import { SOBOL_MAX_DIMS } from '../../src/core/samplers/sobolDirections';
import type { Space } from '../../src/core/space/types';
import { categorical, numeric } from '../contracts/sampler.contract';

/** Multiplicative order of x modulo the GF(2) polynomial `poly` of degree s. */
function orderOfX(poly: number, s: number): number {
  let r = 1;
  for (let k = 1; k <= 2 ** s; k++) {
    r <<= 1;
    if (r & (1 << s)) r ^= poly;
    if (r === 1) return k;
  }
  return -1;
}

/** FNV-1a over the little-endian bytes of each 30-bit coordinate. */
function fnv(values: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) {
    for (const sh of [0, 8, 16, 24]) {
      h ^= (values[i] >>> sh) & 255;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h;
}

describe('Sobol direction numbers', () => {
  test(`the table has ${SOBOL_MAX_DIMS} valid dimensions: primitive polynomials and odd m_k < 2^k`, () => {
    const table = sobolDirectionTable();
    assert.equal(table.length, SOBOL_MAX_DIMS);
    assert.ok(SOBOL_MAX_DIMS >= 64);
    assert.deepEqual(table[0], { poly: 1, degree: 0, m: [1] });
    const polys = new Set<number>();
    for (let d = 1; d < table.length; d++) {
      const { poly, degree: s, m } = table[d];
      assert.ok(!polys.has(poly), `dimension ${d}: polynomial ${poly} is used once`);
      polys.add(poly);
      assert.equal(poly & 1, 1, `dimension ${d}: constant term`);
      assert.equal(orderOfX(poly, s), 2 ** s - 1, `dimension ${d}: polynomial ${poly} is primitive of degree ${s}`);
      assert.equal(m.length, s, `dimension ${d}: ${s} initial numbers`);
      m.forEach((mk, k) => assert.ok(mk % 2 === 1 && mk < 2 ** (k + 1), `dimension ${d}: m_${k + 1} = ${mk}`));
    }
    // degrees never decrease (Joe–Kuo order)
    for (let d = 2; d < table.length; d++) assert.ok(table[d].degree >= table[d - 1].degree);
  });

  test('the unscrambled sequence equals scipy.stats.qmc.Sobol(scramble=False) (30-bit values)', () => {
    const seq = new SobolSequence({ dims: SOBOL_MAX_DIMS });
    const bits30 = (i: number): number[] => Array.from(seq.pointBits(i), (x) => x >>> 2);
    const first = [
      [0, 0, 0, 0, 0, 0],
      [536870912, 536870912, 536870912, 536870912, 536870912, 536870912],
      [805306368, 268435456, 268435456, 268435456, 805306368, 805306368],
      [268435456, 805306368, 805306368, 805306368, 268435456, 268435456],
      [402653184, 402653184, 671088640, 939524096, 402653184, 134217728],
      [939524096, 939524096, 134217728, 402653184, 939524096, 671088640],
      [671088640, 134217728, 939524096, 671088640, 671088640, 939524096],
      [134217728, 671088640, 402653184, 134217728, 134217728, 402653184],
    ];
    first.forEach((row, i) => assert.deepEqual(bits30(i).slice(0, 6), row, `point ${i}`));
    assert.deepEqual(
      [63, 64, 127, 255].map((d) => bits30(100)[d]),
      [696254464, 209715200, 494927872, 612368384],
    );
    assert.deepEqual(
      [63, 64, 127, 255].map((d) => bits30(12345)[d]),
      [499974144, 1016397824, 689897472, 631439360],
    );
    // all 256 coordinates of these points, hashed (values from scipy 1.10)
    const scipyHashes: Record<number, number> = {
      1: 3227610565,
      2: 1409244837,
      3: 3976000549,
      5: 3456479845,
      8: 3340603389,
      100: 1205388276,
      1000: 3354622124,
      12345: 1443372431,
      16383: 1681080721,
    };
    for (const [i, h] of Object.entries(scipyHashes)) assert.equal(fnv(bits30(Number(i))), h, `point ${i}`);
  });

  test('direction numbers of dimension 0 are the van der Corput ones', () => {
    const v = directionNumbers(0);
    assert.equal(v[0], 2 ** 31);
    assert.equal(v[31], 1);
    assert.throws(() => directionNumbers(SOBOL_MAX_DIMS), RangeError);
  });
});

describe('scrambled Sobol', () => {
  test('the seed decides the scramble: same seed same points, other seed other points', () => {
    const a = new SobolSequence({ dims: 5, seed: 3 });
    const b = new SobolSequence({ dims: 5, seed: 3 });
    const c = new SobolSequence({ dims: 5, seed: 4 });
    for (const i of [0, 1, 7, 1000, 2 ** 31 + 5]) {
      assert.deepEqual(a.point(i), b.point(i));
      assert.notDeepEqual(a.point(i), c.point(i));
    }
    // point i is computed directly: asking for 1000 first changes nothing
    const d = new SobolSequence({ dims: 5, seed: 3 });
    const late = d.point(1000);
    d.point(0);
    assert.deepEqual(d.point(1000), late);
    assert.throws(() => a.point(2 ** 32), RangeError);
    assert.throws(() => a.point(-1), RangeError);
  });

  test('scrambling keeps the net property: 256 points stratify every dimension and 2-D elementary boxes of (0,1)', () => {
    for (const seed of [1, 2, 3]) {
      const seq = new SobolSequence({ dims: 8, seed });
      const pts = Array.from({ length: 256 }, (_, i) => seq.point(i));
      for (let d = 0; d < 8; d++) {
        const cells = new Set(pts.map((p) => Math.floor(p[d] * 256)));
        assert.equal(cells.size, 256, `seed ${seed}, dimension ${d}: one point per 1/256 cell`);
      }
      // dims 0 and 1 form a (0, 8, 2)-net: every 2^a × 2^b box with a + b = 8 holds one point
      for (let a = 0; a <= 8; a++) {
        const b = 8 - a;
        const boxes = new Set(pts.map((p) => `${Math.floor(p[0] * 2 ** a)},${Math.floor(p[1] * 2 ** b)}`));
        assert.equal(boxes.size, 256, `seed ${seed}, ${2 ** a}×${2 ** b} boxes`);
      }
      for (const p of pts) for (const x of p) assert.ok(x > 0 && x < 1);
    }
  });

  for (const dims of [2, 5]) {
    for (const n of [64, 256]) {
      test(`covers [0,1]^${dims} more evenly than random at n=${n} (L2-star discrepancy, 10 seeds)`, () => {
        let sobol = 0;
        let random = 0;
        for (let seed = 1; seed <= 10; seed++) {
          const seq = new SobolSequence({ dims, seed });
          sobol += l2StarDiscrepancy(Array.from({ length: n }, (_, i) => seq.point(i)));
          const rng = createRng(seed);
          random += l2StarDiscrepancy(Array.from({ length: n }, () => Array.from({ length: dims }, () => rng.next())));
        }
        const ratio = sobol / random;
        // measured: 2-D ≈ 0.2 (n=64) and 0.1 (n=256); 5-D ≈ 0.7 (n=64) and 0.4 (n=256)
        const bound = dims === 2 ? 0.4 : n === 64 ? 0.85 : 0.6;
        assert.ok(ratio < bound, `Sobol/random discrepancy ratio ${ratio.toFixed(3)} should be < ${bound}`);
      });
    }
  }

  test('the discrepancy function agrees with a hand-computed value', () => {
    // one point at the origin in 1-D: D² = 1/3 − 1 + 1 = 1/3
    assert.ok(Math.abs(l2StarDiscrepancy([[0]]) - Math.sqrt(1 / 3)) < 1e-15);
    // one point at 1/2 in 1-D: D² = 1/3 − (3/4) + 1/2 = 1/12
    assert.ok(Math.abs(l2StarDiscrepancy([[0.5]]) - Math.sqrt(1 / 12)) < 1e-15);
  });
});

describe('Sobol sampler', () => {
  const space: Space = {
    params: [
      categorical('opt', ['adam', 'sgd']),
      numeric('lr', { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 }),
      numeric('layers', { distribution: 'int_uniform', min: 1, max: 8 }),
      numeric('drop', { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 }),
    ],
  };
  const suggest = (seed: number, index: number, rngSeed = 0) =>
    new SobolSampler({ seed }).suggest({ space, index, history: [], rng: createRng(rngSeed).child(index) });

  test('depends on the construction seed and index only, not on the per-index rng', () => {
    assert.deepEqual(suggest(42, 5, 1), suggest(42, 5, 2));
    assert.notDeepEqual(suggest(42, 5), suggest(43, 5));
  });

  test('snapshot: seeded output does not drift', () => {
    assert.deepEqual(
      [0, 1, 2].map((i) => suggest(42, i)),
      [
        { opt: 'adam', lr: 0.0040797008455337, layers: 3, drop: 0.1 },
        { opt: 'sgd', lr: 0.0002012367779735239, layers: 7, drop: 0.4 },
        { opt: 'sgd', lr: 0.0428147204143592, layers: 1, drop: 0.15 },
      ],
    );
  });

  test('a categorical with 2 values alternates evenly over the first 64 points', () => {
    const counts = { adam: 0, sgd: 0 };
    for (let i = 0; i < 64; i++) counts[suggest(7, i).opt as 'adam' | 'sgd']++;
    assert.deepEqual(counts, { adam: 32, sgd: 32 });
  });

  test(`more than ${SOBOL_MAX_DIMS} search parameters is a clear error`, () => {
    const big: Space = {
      params: Array.from({ length: SOBOL_MAX_DIMS + 1 }, (_, i) => numeric(`p${i}`, { distribution: 'uniform', min: 0, max: 1 })),
    };
    assert.throws(
      () => new SobolSampler({ seed: 1 }).suggest({ space: big, index: 0, history: [], rng: createRng(0) }),
      (e: unknown) => isKnobsError(e) && /up to 256/.test(e.message) && /method: random/.test(e.hint ?? ''),
    );
  });
});
