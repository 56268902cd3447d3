/**
 * TPE does not suggest a config that a trial already tried (src/core/samplers/seen.ts): on a
 * discrete space a model that learnt "this config was good" would otherwise propose it again and
 * again (bench:stopping saw one config id launched 73 times in 450 trials). Each test below
 * fails on the sampler without that rule.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrialStatus } from '../../src/core/journal/trialStatus';
import { createRng } from '../../src/core/random/rng';
import type { TrialView } from '../../src/core/samplers/sampler';
import { configKey, FINITE_LIMIT, finiteConfigs, SeenConfigs } from '../../src/core/samplers/seen';
import { SobolSampler } from '../../src/core/samplers/sobol';
import { TpeSampler } from '../../src/core/samplers/tpe/tpeSampler';
import { searchDims } from '../../src/core/space/transform';
import type { FlatParams, Space } from '../../src/core/space/types';
import { assertValidConfig, categorical, constant, numeric } from '../contracts/sampler.contract';

const rngFor = (seed: number, i: number) => createRng(seed).child('sampler', i);

/** One categorical over ids 1..k, the space bench:stopping replays recorded curves through. */
const idSpace = (k: number): Space => ({
  params: [
    categorical(
      'config',
      Array.from({ length: k }, (_, i) => i + 1),
    ),
    constant('epochs', 20),
  ],
});
/** A few good ids, the rest poor, with a little structure-free noise. */
const idLoss = (p: FlatParams): number => {
  const id = p.config as number;
  return [7, 19, 23].includes(id) ? 0.1 + id / 1000 : 1 + ((id * 37) % 11) / 10;
};

/** Sequential optimisation until `n` trials or null; `state` of every trial. */
function run(
  tpe: TpeSampler,
  space: Space,
  f: (p: FlatParams) => number,
  seed: number,
  n: number,
  state: TrialStatus = 'completed',
): { history: TrialView[]; ended: number | undefined } {
  const history: TrialView[] = [];
  for (let i = 0; i < n; i++) {
    const flat = tpe.suggest({ space, index: i, history, rng: rngFor(seed, i) });
    if (flat === null) return { history, ended: i };
    assertValidConfig(space, flat);
    const value = f(flat);
    history.push({ id: i + 1, flat, state, value, steps: [{ step: 1, value }] });
  }
  return { history, ended: undefined };
}

const keysOf = (space: Space, h: readonly TrialView[]): string[] => h.map((t) => configKey(searchDims(space), t.flat));
const repeats = (keys: string[]): number => keys.length - new Set(keys).size;

describe('tpe: no config twice', () => {
  for (const seed of [1, 2, 3]) {
    test(`a categorical-only space: every config once, then null (seed ${seed})`, () => {
      const space = idSpace(30);
      const { history, ended } = run(new TpeSampler({ seed }), space, idLoss, seed, 40);
      assert.equal(repeats(keysOf(space, history)), 0, 'no config suggested twice');
      assert.equal(ended, 30, 'after all 30 configs the space is exhausted: null');
    });
  }

  test('a long run on a large categorical space repeats nothing (the bench:stopping case)', () => {
    const space = idSpace(300);
    const { history } = run(new TpeSampler({ seed: 4 }), space, idLoss, 4, 120);
    assert.equal(repeats(keysOf(space, history)), 0);
  });

  test('pruned trials count as tried, and so do running ones', () => {
    const space = idSpace(12);
    const pruned = run(new TpeSampler({ seed: 5 }), space, idLoss, 5, 20, 'pruned');
    assert.equal(repeats(keysOf(space, pruned.history)), 0);
    assert.equal(pruned.ended, 12);
    // 11 configs done, the 12th running: nothing new is left
    const tpe = new TpeSampler({ seed: 6 });
    const history: TrialView[] = Array.from({ length: 11 }, (_, i) => ({
      id: i + 1,
      flat: { config: i + 1, epochs: 20 },
      state: 'completed' as const,
      value: idLoss({ config: i + 1 }),
    }));
    assert.deepEqual(
      tpe.suggest({ space, index: 11, history, rng: rngFor(6, 11) }),
      { config: 12, epochs: 20 },
      'the one config not tried',
    );
    history.push({ id: 12, flat: { config: 12, epochs: 20 }, state: 'running' });
    assert.equal(tpe.suggest({ space, index: 12, history, rng: rngFor(6, 12) }), null, 'all tried or running');
  });

  test('failed trials do not count: their config can come again', () => {
    const space = idSpace(12);
    const tpe = new TpeSampler({ seed: 7 });
    const history: TrialView[] = Array.from({ length: 11 }, (_, i) => ({
      id: i + 1,
      flat: { config: i + 1, epochs: 20 },
      state: 'completed' as const,
      value: idLoss({ config: i + 1 }),
    }));
    history.push({ id: 12, flat: { config: 12, epochs: 20 }, state: 'failed' });
    assert.deepEqual(tpe.suggest({ space, index: 11, history, rng: rngFor(7, 11) }), { config: 12, epochs: 20 });
  });

  test('the startup phase skips a Sobol point that was tried, on a tiny space', () => {
    const space: Space = { params: [categorical('opt', ['adam', 'sgd']), categorical('act', ['relu', 'tanh'])] };
    const { history, ended } = run(new TpeSampler({ seed: 8 }), space, () => 1, 8, 10);
    assert.equal(ended, 4, 'four configs, then null');
    assert.equal(repeats(keysOf(space, history)), 0);
    // the first is the Sobol point, as before
    assert.deepEqual(history[0].flat, new SobolSampler({ seed: 8 }).suggest({ space, index: 0, history: [], rng: rngFor(8, 0) }));
  });

  test('integers and categoricals together: no repeats within the space size', () => {
    const space: Space = {
      params: [numeric('layers', { distribution: 'int_uniform', min: 1, max: 6 }), categorical('width', [32, 64, 128])],
    };
    const f = (p: FlatParams): number => Math.abs((p.layers as number) - 4) + ((p.width as number) === 64 ? 0 : 0.5);
    const { history, ended } = run(new TpeSampler({ seed: 9 }), space, f, 9, 25);
    assert.equal(ended, 18);
    assert.equal(repeats(keysOf(space, history)), 0);
  });

  test('a space too large to list (int_uniform 0..9999): repeats avoided by fresh draws', () => {
    const space: Space = { params: [numeric('n', { distribution: 'int_uniform', min: 0, max: 9999 })] };
    assert.equal(finiteConfigs(space), undefined);
    const f = (p: FlatParams): number => Math.abs((p.n as number) - 5000);
    const { history, ended } = run(new TpeSampler({ seed: 10 }), space, f, 10, 80);
    assert.equal(ended, undefined);
    assert.equal(repeats(keysOf(space, history)), 0);
    assert.ok(Math.min(...history.map((t) => f(t.flat))) < 100, 'still converges near 5000');
  });

  test('continuous spaces suggest what they did before (nothing is ever a repeat there)', () => {
    const space: Space = {
      params: [numeric('x', { distribution: 'uniform', min: 0, max: 1 }), numeric('y', { distribution: 'uniform', min: 0, max: 1 })],
    };
    const f = (p: FlatParams): number => ((p.x as number) - 0.3) ** 2 + ((p.y as number) - 0.7) ** 2;
    const a = run(new TpeSampler({ seed: 11 }), space, f, 11, 30).history;
    const b = run(new TpeSampler({ seed: 11, dedupRounds: 0 }), space, f, 11, 30).history;
    assert.deepEqual(
      a.map((t) => t.flat),
      b.map((t) => t.flat),
    );
  });
});

describe('seen.ts', () => {
  test('keys: value order of object values does not matter; a missing parameter never matches', () => {
    const space: Space = {
      params: [
        categorical('opt', [{ name: 'adam', beta: 0.9 }, { name: 'sgd' }]),
        numeric('lr', { distribution: 'uniform', min: 0, max: 1 }),
      ],
    };
    const seen = new SeenConfigs(space, [{ id: 1, flat: { opt: { beta: 0.9, name: 'adam' }, lr: 0.5 }, state: 'completed', value: 1 }]);
    assert.ok(seen.has({ opt: { name: 'adam', beta: 0.9 }, lr: 0.5 }));
    assert.ok(!seen.has({ opt: { name: 'adam', beta: 0.9 }, lr: 0.25 }));
    assert.ok(!seen.has({ opt: { name: 'adam', beta: 0.9 } }));
  });

  test('finiteConfigs lists the product (zero-probability values left out) and stops at the limit', () => {
    const space: Space = {
      params: [
        categorical('a', ['x', 'y', 'z'], [0.5, 0.5, 0]),
        numeric('n', { distribution: 'int_uniform', min: 2, max: 4 }),
        constant('c', 1),
      ],
    };
    const all = finiteConfigs(space)!;
    assert.equal(all.length, 6);
    assert.deepEqual(all[0], { a: 'x', n: 2, c: 1 });
    assert.equal(new Set(all.map((c) => JSON.stringify(c))).size, 6);
    assert.equal(finiteConfigs({ params: [numeric('x', { distribution: 'uniform', min: 0, max: 1 })] }), undefined);
    const big: Space = {
      params: [
        numeric('a', { distribution: 'int_uniform', min: 1, max: 100 }),
        numeric('b', { distribution: 'int_uniform', min: 1, max: 100 }),
      ],
    };
    assert.ok(100 * 100 > FINITE_LIMIT);
    assert.equal(finiteConfigs(big), undefined);
  });
});
