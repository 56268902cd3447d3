import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isKnobsError, type KnobsError } from '../../src/core/errors';
import { createRng } from '../../src/core/random/rng';
import { GridSampler, gridAxis, gridPoint, gridSize } from '../../src/core/samplers/grid';
import { RandomSampler } from '../../src/core/samplers/random';
import type { Sampler, SuggestContext } from '../../src/core/samplers/sampler';
import { valueKey } from '../../src/core/space/transform';
import type { FlatParams, Space } from '../../src/core/space/types';
import { categorical, constant, gridSpace, mixedSpace, numeric } from '../contracts/sampler.contract';

const ctx = (space: Space, seed: number, index: number): SuggestContext => ({
  space,
  index,
  history: [],
  rng: createRng(seed).child('suggest', index),
});
const run = (s: Sampler, space: Space, seed: number, n: number): (FlatParams | null)[] =>
  Array.from({ length: n }, (_, i) => s.suggest(ctx(space, seed, i)));

const smallSpace = (): Space => ({
  params: [
    categorical('opt', ['adam', 'sgd']),
    numeric('lr', { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 }),
    numeric('layers', { distribution: 'int_uniform', min: 1, max: 8 }),
    numeric('drop', { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 }),
  ],
});

describe('random sampler', () => {
  test('the config depends only on the rng it is given', () => {
    const space = mixedSpace();
    assert.deepEqual(run(new RandomSampler(), space, 5, 10), run(new RandomSampler(), space, 5, 10));
    assert.notDeepEqual(run(new RandomSampler(), space, 5, 10), run(new RandomSampler(), space, 6, 10));
    const s = new RandomSampler();
    const rngA = createRng(1).child('x');
    const rngB = createRng(1).child('x');
    assert.deepEqual(s.suggest({ space, index: 0, history: [], rng: rngA }), s.suggest({ space, index: 99, history: [], rng: rngB }));
  });

  test('snapshot: seeded output does not drift', () => {
    assert.deepEqual(run(new RandomSampler(), smallSpace(), 42, 3), [
      { opt: 'adam', lr: 0.03134711997873232, layers: 5, drop: 0.5 },
      { opt: 'sgd', lr: 0.00032806833673690154, layers: 5, drop: 0.25 },
      { opt: 'adam', lr: 0.051824089971369655, layers: 2, drop: 0.2 },
    ]);
  });
});

describe('grid sampler', () => {
  test('every combination exactly once, first parameter slowest, then null', () => {
    const space = gridSpace();
    const g = new GridSampler();
    // optimizer 3 × layers 3 × width 32,64,96 (128 excluded) × dropout 0,0.1,0.2 (0.3 excluded)
    assert.equal(g.size(space), 81);
    const all = run(g, space, 0, 81) as FlatParams[];
    const keys = new Set(all.map((c) => valueKey(c)));
    assert.equal(keys.size, 81);
    for (const opt of ['adam', 'sgd', 'adamw'])
      for (const layers of [1, 2, 3])
        for (const width of [32, 64, 96])
          for (const dropout of [0, 0.1, 0.2])
            assert.ok(keys.has(valueKey({ optimizer: opt, epochs: 2, layers, width, dropout })), `${opt} ${layers} ${width} ${dropout}`);
    assert.deepEqual(all[0], { optimizer: 'adam', epochs: 2, layers: 1, width: 32, dropout: 0 });
    assert.deepEqual(all[1], { optimizer: 'adam', epochs: 2, layers: 1, width: 32, dropout: 0.1 });
    assert.deepEqual(all[3], { optimizer: 'adam', epochs: 2, layers: 1, width: 64, dropout: 0 });
    assert.deepEqual(all[27], { optimizer: 'sgd', epochs: 2, layers: 1, width: 32, dropout: 0 });
    assert.deepEqual(all[80], { optimizer: 'adamw', epochs: 2, layers: 3, width: 96, dropout: 0.2 });
    assert.equal(g.suggest(ctx(space, 0, 81)), null);
    assert.equal(g.suggest(ctx(space, 0, 1000)), null);
    for (const c of all) assert.ok(Number.isInteger(c.width) && Number.isInteger(c.layers));
  });

  test('q_uniform is np.arange(min, max, q) bit for bit: max excluded, float noise kept', () => {
    const axis = (min: number, max: number, q: number, integer = false) => {
      const a = gridAxis(numeric('x', { distribution: 'q_uniform', min, max, q, integer }));
      return Array.from({ length: a.count }, (_, k) => a.at(k));
    };
    // the expected lists are numpy 1.24's np.arange(...).tolist()
    assert.deepEqual(axis(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(axis(0, 0.3, 0.1), [0, 0.1, 0.2]);
    // ceil((0.4 - 0.1) / 0.1) is 4: the noise of the division counts one more step, as in numpy
    assert.deepEqual(axis(0.1, 0.4, 0.1), [0.1, 0.2, 0.30000000000000004, 0.4]);
    assert.deepEqual(axis(0, 1, 0.3), [0, 0.3, 0.6, 0.8999999999999999]);
    assert.deepEqual(axis(2, 10, 4, true), [2, 6]);
    assert.deepEqual(axis(0.5, 3.5, 1, false), [0.5, 1.5, 2.5]);
    assert.deepEqual(axis(0.8, 0.99, 0.01).length, 19);
    assert.equal(axis(0.8, 0.99, 0.01)[2], 0.8200000000000001);
    assert.equal(axis(0.8, 0.99, 0.01)[18], 0.9800000000000002);
  });

  test('int_uniform includes max; duplicate values count once; constants alone make one config', () => {
    const a = gridAxis(numeric('n', { distribution: 'int_uniform', min: -1, max: 2 }));
    assert.deepEqual(
      Array.from({ length: a.count }, (_, k) => a.at(k)),
      [-1, 0, 1, 2],
    );
    const space: Space = { params: [categorical('c', ['a', 'b', 'a', { x: 1, y: 2 }, { y: 2, x: 1 }])] };
    assert.equal(gridSize(space), 3);
    assert.deepEqual(run(new GridSampler(), space, 0, 4), [{ c: 'a' }, { c: 'b' }, { c: { x: 1, y: 2 } }, null]);
    const constants: Space = { params: [constant('a', 1), constant('b', 'x')] };
    assert.equal(gridSize(constants), 1);
    assert.deepEqual(gridPoint(constants, 0), { a: 1, b: 'x' });
    assert.equal(gridPoint(constants, 1), null);
  });

  test('huge grids are indexed without materialising the product', () => {
    const params = Array.from({ length: 12 }, (_, i) => numeric(`p${i}`, { distribution: 'int_uniform', min: 0, max: 99 }));
    const space: Space = { params };
    assert.equal(gridSize(space), 1e24);
    const idx = 123456789012345;
    const c = gridPoint(space, idx) as FlatParams;
    // digits of idx in base 100, last parameter fastest
    assert.deepEqual(
      params.map((p) => c[p.name]),
      [0, 0, 0, 0, 1, 23, 45, 67, 89, 1, 23, 45],
    );
  });

  test('continuous distributions and probabilities are clear E_GRID errors', () => {
    const cases: [Space, RegExp, RegExp][] = [
      [
        { params: [numeric('lr', { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1, loc: { line: 7, col: 5 } } as never)] },
        /`lr`.*log_uniform_values/,
        /values: \[/,
      ],
      [{ params: [numeric('d', { distribution: 'uniform', min: 0, max: 1 })] }, /`d`.*`uniform`/, /q_uniform/],
      [{ params: [numeric('z', { distribution: 'normal', mu: 0, sigma: 1 })] }, /`z`.*normal/, /method: random/],
      [{ params: [categorical('act', ['relu', 'tanh'], [0.9, 0.1])] }, /probabilities/, /remove `probabilities`/],
      [{ params: [numeric('w', { distribution: 'q_uniform', min: 1, max: 1, q: 1 })] }, /no grid values/, /greater than 1/],
      [{ params: [numeric('w', { distribution: 'q_uniform', min: 0, max: 1, q: 0 })] }, /`q` of `w` is 0/, /positive/],
      [{ params: [numeric('n', { distribution: 'int_uniform', min: 5, max: 2 })] }, /max 2 below min 5/, /max ≥ 5/],
    ];
    for (const [space, msg, hint] of cases) {
      for (const call of [() => gridSize(space), () => new GridSampler().suggest(ctx(space, 0, 0))]) {
        assert.throws(call, (e: unknown) => {
          assert.ok(isKnobsError(e), String(e));
          const k = e as KnobsError;
          assert.equal(k.code, 'E_GRID');
          assert.match(k.message, msg);
          assert.match(k.hint ?? '', hint);
          return true;
        });
      }
    }
    assert.throws(
      () => gridSize(cases[0][0]),
      (e: unknown) => {
        assert.deepEqual((e as KnobsError).location, { line: 7, col: 5 }, 'the error points at the parameter');
        return true;
      },
    );
  });
});
