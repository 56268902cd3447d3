import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/core/random/rng';
import { chooseBayes, createSampler } from '../../src/core/samplers/registry';
import type { Sampler } from '../../src/core/samplers/sampler';
import { SobolSampler } from '../../src/core/samplers/sobol';
import { TpeSampler } from '../../src/core/samplers/tpe/tpeSampler';
import type { FlatParams, Space } from '../../src/core/space/types';
import { categorical, numeric } from '../contracts/sampler.contract';

const box = (d: number): Space => ({
  params: Array.from({ length: d }, (_, i) => numeric(`x${i}`, { distribution: 'uniform', min: 0, max: 1 })),
});
const run = (s: Sampler, space: Space, seed: number, n: number): (FlatParams | null)[] =>
  Array.from({ length: n }, (_, i) => s.suggest({ space, index: i, history: [], rng: createRng(seed).child('sampler', i) }));

describe('registry', () => {
  test('grid, random, sobol and tpe by name, without a notice', () => {
    for (const [m, name] of [
      ['grid', 'grid'],
      ['random', 'random'],
      ['sobol', 'sobol'],
      ['tpe', 'tpe'],
    ] as const) {
      const c = createSampler(m, { seed: 1 });
      assert.equal(c.sampler.name, name, m);
      assert.equal(c.notice, undefined, m);
    }
  });

  test('the seed reaches the samplers', () => {
    const space = box(3);
    assert.deepEqual(run(createSampler('sobol', { seed: 9 }).sampler, space, 0, 4), run(new SobolSampler({ seed: 9 }), space, 0, 4));
    assert.deepEqual(run(createSampler('tpe', { seed: 9 }).sampler, space, 0, 4), run(new TpeSampler({ seed: 9 }), space, 0, 4));
    assert.notDeepEqual(run(createSampler('tpe', { seed: 9 }).sampler, space, 0, 4), run(new TpeSampler({ seed: 10 }), space, 0, 4));
  });

  test('gp by name; bayes prints one line saying which and why', () => {
    const gp = createSampler('gp', { seed: 1 });
    assert.equal(gp.sampler.name, 'gp');
    assert.equal(gp.notice, undefined);
    const b = createSampler('bayes', { seed: 1, space: box(6), runCap: 100 });
    assert.equal(b.sampler.name, 'gp');
    assert.equal(b.notice, 'method bayes → gp (6 numeric dims, run_cap 100)');
    assert.ok(!b.notice?.includes('\n'));
    const t = createSampler('bayes', { seed: 1, space: box(16), runCap: 100 });
    assert.equal(t.sampler.name, 'tpe');
    assert.equal(t.notice, 'method bayes → tpe (16 numeric dims (over 12 numeric), run_cap 100)');
    assert.equal(createSampler('bayes', { seed: 1 }).notice, 'method bayes → tpe (space unknown)');
  });

  test('the bayes rule: GP for small numeric spaces with a modest run_cap, TPE otherwise', () => {
    assert.deepEqual(chooseBayes({ space: box(6), runCap: 100 }), { method: 'gp', reason: '6 numeric dims, run_cap 100' });
    assert.deepEqual(chooseBayes({ space: box(1), runCap: 300 }), { method: 'gp', reason: '1 numeric dim, run_cap 300' });
    assert.equal(chooseBayes({ space: box(12), runCap: 50 }).method, 'gp');
    assert.equal(chooseBayes({ space: box(13), runCap: 50 }).method, 'tpe');
    assert.deepEqual(chooseBayes({ space: box(6), runCap: 301 }), { method: 'tpe', reason: '6 numeric dims, run_cap 301 > 300' });
    assert.deepEqual(chooseBayes({ space: box(6) }), { method: 'tpe', reason: '6 numeric dims, no run_cap (GP needs run_cap ≤ 300)' });
    const mixed: Space = { params: [...box(3).params, categorical('opt', ['adam', 'sgd', 'rmsprop'])] };
    assert.deepEqual(chooseBayes({ space: mixed, runCap: 100 }), { method: 'gp', reason: '3 numeric dims + 1 categorical, run_cap 100' });
    const manyCats: Space = { params: [...box(3).params, categorical('a', [1, 2]), categorical('b', [1, 2]), categorical('c', [1, 2])] };
    assert.equal(chooseBayes({ space: manyCats, runCap: 100 }).method, 'tpe');
    const wideCat: Space = {
      params: [
        ...box(3).params,
        categorical(
          'a',
          Array.from({ length: 9 }, (_, i) => i),
        ),
      ],
    };
    assert.equal(chooseBayes({ space: wideCat, runCap: 100 }).method, 'tpe');
    const onlyCats: Space = { params: [categorical('a', [1, 2])] };
    assert.equal(chooseBayes({ space: onlyCats, runCap: 10 }).method, 'tpe');
  });
});
