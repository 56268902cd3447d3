import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKnobsError } from '../../src/core/errors';
import { inverseRegularizedBeta, regularizedBeta } from '../../src/core/math/beta';
import { normalCdf, normalQuantile } from '../../src/core/math/normal';
import { roundHalfEven, stepMultiple } from '../../src/core/math/round';
import { createRng } from '../../src/core/random/rng';
import { fromUnit, numericFromUnit, numericRange, searchDims, toUnit, uniformIntQuantile } from '../../src/core/space/transform';
import type { NumericParam, Space } from '../../src/core/space/types';
import { categorical, constant, mixedSpace, numeric } from '../contracts/sampler.contract';

const close = (a: number, b: number, rel = 1e-12, msg?: string): void =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), msg ?? `${a} ≈ ${b}`);

/** The values W&B's HyperParameter.ppf gives (computed with scipy/numpy as params.py does). */
const WANDB: Record<string, Record<string, number>> = {
  '0.05': {
    layers: 1,
    dropout: 0.025,
    width: 32,
    momentum: 0.81,
    lr_exp: 0.00014266661688322596,
    lr: 1.584893192461113e-5,
    batch: 8,
    hidden_exp: 9,
    inv: 0.00822974704902003,
    inv_values: 0.014125375446227542,
    'opt.bias': -2.2897072539029457,
    'opt.shift': -16,
    scale: 0.4393641049274924,
    qscale: 3.0,
    frac: 0.06284989170835438,
    qfrac: 0.0,
  },
  '0.5': {
    layers: 3,
    dropout: 0.25,
    width: 128,
    momentum: 0.9,
    lr_exp: 0.003182780796509667,
    lr: 0.0010000000000000002,
    batch: 64,
    hidden_exp: 55,
    inv: 0.04978706836786394,
    inv_values: 0.3162277660168379,
    'opt.bias': 1.0,
    'opt.shift': 0,
    scale: 1.0,
    qscale: 7.5,
    frac: 0.26444998329566005,
    qfrac: 0.5,
  },
  '0.9': {
    layers: 6,
    dropout: 0.45,
    width: 224,
    momentum: 0.97,
    lr_exp: 0.050287436723591906,
    lr: 0.03981071705534976,
    batch: 336,
    hidden_exp: 270,
    inv: 0.24659696394160652,
    inv_values: 5.011872336272723,
    'opt.bias': 3.5631031310892007,
    'opt.shift': 12,
    scale: 1.8979527073347104,
    qscale: 14.0,
    frac: 0.5103163065514917,
    qfrac: 1.0,
  },
};

function _numericParams(space: Space): NumericParam[] {
  return space.params.filter((p): p is NumericParam => p.kind === 'numeric');
}

describe('special functions', () => {
  test('normal quantile and CDF match reference values and invert each other', () => {
    close(normalQuantile(0.9), 1.2815515655446004, 1e-15);
    close(normalQuantile(0.025), -1.959963984540054, 1e-15);
    close(normalQuantile(1e-10), -6.361340902404056, 1e-14);
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), -Infinity);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
    close(normalCdf(1.2815515655446004), 0.9, 1e-14);
    close(normalCdf(-5), 2.866515718791939e-7, 1e-12);
    for (const p of [1e-12, 0.001, 0.3, 0.77, 0.999999]) close(normalCdf(normalQuantile(p)), p, 1e-12);
  });

  test('incomplete beta and its inverse match scipy and invert each other', () => {
    close(regularizedBeta(0.2, 2, 5), 0.34464, 1e-12);
    close(regularizedBeta(0.5, 2, 5), 0.890625, 1e-12);
    close(inverseRegularizedBeta(0.5, 2, 5), 0.26444998329566005, 1e-12);
    for (const [a, b] of [
      [0.5, 0.5],
      [0.2, 3],
      [10, 0.3],
      [1, 1],
      [50, 70],
    ]) {
      for (const p of [1e-8, 0.01, 0.3, 0.5, 0.9, 0.999999]) {
        const x = inverseRegularizedBeta(p, a, b);
        assert.ok(x >= 0 && x <= 1);
        if (x === 1) {
          // the true quantile is closer to 1 than a double can be: the last double below 1 falls short
          assert.ok(regularizedBeta(1 - 2 ** -53, a, b) <= p, `I⁻¹(${p}; ${a}, ${b}) = 1`);
          continue;
        }
        close(regularizedBeta(x, a, b), p, 1e-10, `I(I⁻¹(${p}; ${a}, ${b})) = ${regularizedBeta(x, a, b)}`);
      }
    }
    close(inverseRegularizedBeta(0.3, 1, 1), 0.3, 1e-14);
  });

  test('rounding is half-to-even, like numpy, and step multiples lose their float noise', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -2.5, 2.4, 2.6, -3.5].map(roundHalfEven), [0, 2, 2, -2, 2, 3, -4]);
    assert.equal(stepMultiple(3, 0.1), 0.3);
    assert.equal(stepMultiple(7, 0.01, 0.8), 0.87);
    assert.equal(stepMultiple(2, 16, 16), 48);
  });
});

describe('transform', () => {
  test('searchDims keeps non-constant params in file order', () => {
    const space = mixedSpace();
    const dims = searchDims(space).map((p) => p.name);
    assert.equal(dims.length, space.params.length - 2);
    assert.equal(dims[0], 'optimizer');
    assert.ok(!dims.includes('epochs') && !dims.includes('tag'));
  });

  test('fromUnit computes every distribution exactly as W&B (params.py ppf)', () => {
    const space = mixedSpace();
    for (const [uText, expected] of Object.entries(WANDB)) {
      const u = Number(uText);
      const flat = fromUnit(
        space,
        searchDims(space).map(() => u),
      );
      for (const [name, want] of Object.entries(expected)) {
        const got = flat[name] as number;
        close(got, want, 1e-12, `${name} at u=${u}: ${got} vs W&B ${want}`);
      }
      assert.equal(flat.epochs, 3);
      assert.deepEqual(flat.tag, { note: 'fixed', list: [1, 2] });
    }
  });

  test('int_uniform and categorical use scipy randint cells (k/n, (k+1)/n], max included', () => {
    assert.equal(uniformIntQuantile(0, 1, 6), 1);
    assert.equal(uniformIntQuantile(0.5, 1, 6), 3);
    assert.equal(uniformIntQuantile(0.5000001, 1, 6), 4);
    assert.equal(uniformIntQuantile(1, 1, 6), 6);
    const p = numeric('k', { distribution: 'int_uniform', min: -2, max: 2 });
    const seen = new Map<number, number>();
    const rng = createRng(3);
    for (let i = 0; i < 50000; i++) {
      const v = numericFromUnit(p as NumericParam, rng.next());
      assert.ok(Number.isInteger(v));
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    assert.deepEqual(
      [...seen.keys()].sort((a, b) => a - b),
      [-2, -1, 0, 1, 2],
    );
    for (const c of seen.values()) assert.ok(Math.abs(c - 10000) < 500, `count ${c}`);
  });

  test('categorical with probabilities follows its weights', () => {
    const space: Space = { params: [categorical('act', ['relu', 'gelu', 'tanh'], [0.5, 0.3, 0.2])] };
    assert.equal(fromUnit(space, [0]).act, 'relu');
    assert.equal(fromUnit(space, [0.5]).act, 'gelu'); // W&B: argmin(0.5 >= [0.5, 0.8, 1])
    assert.equal(fromUnit(space, [0.79]).act, 'gelu');
    assert.equal(fromUnit(space, [1]).act, 'tanh');
    const counts: Record<string, number> = { relu: 0, gelu: 0, tanh: 0 };
    const rng = createRng(8);
    for (let i = 0; i < 40000; i++) counts[fromUnit(space, [rng.next()]).act as string]++;
    close(counts.relu / 40000, 0.5, 0.03);
    close(counts.gelu / 40000, 0.3, 0.03);
    close(counts.tanh / 40000, 0.2, 0.03);
  });

  test('sample quantiles of every continuous distribution match theory', () => {
    const n = 20000;
    const rng = createRng(17);
    const cases: { p: NumericParam; theory: (q: number) => number }[] = [
      { p: numeric('a', { distribution: 'uniform', min: -1, max: 3 }) as NumericParam, theory: (q) => -1 + 4 * q },
      { p: numeric('b', { distribution: 'log_uniform', min: -4, max: 1 }) as NumericParam, theory: (q) => Math.exp(-4 + 5 * q) },
      { p: numeric('c', { distribution: 'log_uniform_values', min: 1e-4, max: 1 }) as NumericParam, theory: (q) => 1e-4 * 1e4 ** q },
      { p: numeric('d', { distribution: 'inv_log_uniform', min: 0, max: 3 }) as NumericParam, theory: (q) => Math.exp(-3 * (1 - q)) },
      { p: numeric('e', { distribution: 'inv_log_uniform_values', min: 0.1, max: 10 }) as NumericParam, theory: (q) => 0.1 * 100 ** q },
      {
        p: numeric('f', { distribution: 'normal', mu: 5, sigma: 2 }) as NumericParam,
        theory: (q) => 5 + 2 * [-1.2815515655446004, 0, 1.2815515655446004][[0.1, 0.5, 0.9].indexOf(q)],
      },
      {
        p: numeric('g', { distribution: 'log_normal', mu: 1, sigma: 0.5 }) as NumericParam,
        theory: (q) => Math.exp(1 + 0.5 * [-1.2815515655446004, 0, 1.2815515655446004][[0.1, 0.5, 0.9].indexOf(q)]),
      },
      {
        p: numeric('h', { distribution: 'beta', a: 2, b: 5 }) as NumericParam,
        theory: (q) => [0.09259526, 0.26444998329566005, 0.5103163065514917][[0.1, 0.5, 0.9].indexOf(q)],
      },
    ];
    for (const { p, theory } of cases) {
      const xs = Array.from({ length: n }, () => numericFromUnit(p, rng.next())).sort((a, b) => a - b);
      const [lo, hi] = numericRange(p);
      assert.ok(xs[0] >= lo && xs[n - 1] <= hi, `${p.distribution} within [${lo}, ${hi}]`);
      for (const q of [0.1, 0.5, 0.9]) {
        const emp = xs[Math.floor(q * n)];
        const want = theory(q);
        // quantile standard error is about sqrt(q(1-q)/n) / density; 3% of the scale is ample
        const scale = Math.abs(theory(0.9) - theory(0.1));
        assert.ok(Math.abs(emp - want) < 0.03 * scale, `${p.distribution} q${q}: sample ${emp} vs theory ${want}`);
      }
    }
  });

  test('q-distributions give multiples of q, integers when q is an integer', () => {
    const rng = createRng(21);
    const qu = numeric('q', { distribution: 'q_uniform', min: 0, max: 1, q: 0.1 }) as NumericParam;
    const qi = numeric('n', { distribution: 'q_log_uniform_values', min: 1, max: 1000, q: 5, integer: true }) as NumericParam;
    const qn = numeric('z', { distribution: 'q_normal', mu: 0, sigma: 3, q: 1, integer: true }) as NumericParam;
    const allowed = new Set([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    for (let i = 0; i < 2000; i++) {
      assert.ok(allowed.has(numericFromUnit(qu, rng.next())));
      const n = numericFromUnit(qi, rng.next());
      assert.ok(Number.isInteger(n) && n % 5 === 0 && n >= 0 && n <= 1000, `${n}`);
      assert.ok(Number.isInteger(numericFromUnit(qn, rng.next())));
    }
    // half-to-even, as np.round: 2.5 → 2, 3.5 → 4
    const half = numeric('h', { distribution: 'q_uniform', min: 0, max: 10, q: 1, integer: true }) as NumericParam;
    assert.equal(numericFromUnit(half, 0.25), 2);
    assert.equal(numericFromUnit(half, 0.35), 4);
  });

  test('normal and log_normal stay finite at the ends of the unit interval', () => {
    const p = numeric('z', { distribution: 'normal', mu: 0, sigma: 1 }) as NumericParam;
    const l = numeric('l', { distribution: 'log_normal', mu: 0, sigma: 1 }) as NumericParam;
    for (const u of [0, 1]) {
      assert.ok(Number.isFinite(numericFromUnit(p, u)));
      assert.ok(Number.isFinite(numericFromUnit(l, u)));
    }
    assert.equal(numericFromUnit(numeric('b', { distribution: 'beta', a: 2, b: 2 }) as NumericParam, 1), 1);
  });

  test('toUnit inverts fromUnit on continuous dims and hits the right cell on discrete ones', () => {
    const space = mixedSpace();
    const dims = searchDims(space);
    const continuous = new Set([
      'uniform',
      'log_uniform',
      'log_uniform_values',
      'inv_log_uniform',
      'inv_log_uniform_values',
      'normal',
      'log_normal',
      'beta',
    ]);
    const rng = createRng(5);
    for (let t = 0; t < 200; t++) {
      const u = dims.map(() => rng.next());
      const flat = fromUnit(space, u);
      const back = toUnit(space, flat);
      assert.equal(back.length, dims.length);
      dims.forEach((p, i) => {
        if (p.kind === 'numeric' && continuous.has(p.distribution)) {
          assert.ok(Math.abs(back[i] - u[i]) < 1e-9, `${p.name} (${p.distribution}): ${back[i]} vs ${u[i]}`);
        } else {
          assert.ok(back[i] >= 0 && back[i] <= 1);
        }
      });
      // discrete values (categorical, int_uniform) survive a second trip exactly
      const again = fromUnit(space, back);
      for (const p of dims) {
        if (p.kind === 'categorical' || (p.kind === 'numeric' && p.distribution === 'int_uniform'))
          assert.deepEqual(again[p.name], flat[p.name], p.name);
      }
    }
    const cat: Space = { params: [categorical('c', ['a', 'b', 'c', 'd'])] };
    assert.deepEqual(toUnit(cat, { c: 'c' }), [0.625]);
    const w: Space = { params: [categorical('c', ['a', 'b'], [0.2, 0.8])] };
    assert.deepEqual(toUnit(w, { c: 'b' }), [0.6]);
  });

  test('toUnit: missing or foreign values throw, or give NaN when not strict', () => {
    const space: Space = {
      params: [constant('k', 1), categorical('c', ['a', 'b']), numeric('x', { distribution: 'uniform', min: 0, max: 2 })],
    };
    assert.throws(
      () => toUnit(space, { c: 'z', x: 1 }),
      (e) => isKnobsError(e) && /`c`.*"z"/.test(e.message),
    );
    assert.throws(
      () => toUnit(space, { c: 'a' }),
      (e) => isKnobsError(e) && /`x` is missing/.test(e.message),
    );
    const loose = toUnit(space, { c: 'z', x: 'big' }, { strict: false });
    assert.ok(Number.isNaN(loose[0]) && Number.isNaN(loose[1]));
    assert.deepEqual(toUnit(space, { c: 'b', x: 1.5 }), [0.75, 0.75]);
  });

  test('fromUnit rejects points of the wrong length or outside [0, 1], and copies values', () => {
    const space: Space = { params: [constant('k', { deep: [1] }), categorical('c', [[1, 2], [3]])] };
    assert.throws(
      () => fromUnit(space, []),
      (e) => isKnobsError(e) && e.code === 'E_INTERNAL',
    );
    assert.throws(() => fromUnit(space, [1.5]), /must be in \[0, 1\]/);
    assert.throws(() => fromUnit(space, [NaN]), /must be in \[0, 1\]/);
    const a = fromUnit(space, [0.1]);
    (a.c as number[]).push(99);
    (a.k as { deep: number[] }).deep.push(7);
    assert.deepEqual(fromUnit(space, [0.1]), { k: { deep: [1] }, c: [1, 2] });
  });
});
