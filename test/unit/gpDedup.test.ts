/**
 * GP-BO does not suggest a config that a trial already tried (src/core/samplers/seen.ts), in its
 * startup phase too, and ends (null) when a finite space has been tried through. The first two
 * fail on the sampler that only skipped points in its own data; the third guards trials the
 * model does not hold (interrupted ones).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/core/random/rng';
import { GpSampler } from '../../src/core/samplers/gp/gpSampler';
import type { TrialView } from '../../src/core/samplers/sampler';
import { configKey } from '../../src/core/samplers/seen';
import { searchDims } from '../../src/core/space/transform';
import type { FlatParams, Space } from '../../src/core/space/types';
import { assertValidConfig, categorical, numeric } from '../contracts/sampler.contract';

const rngFor = (seed: number, i: number) => createRng(seed).child('sampler', i);

function run(
  gp: GpSampler,
  space: Space,
  f: (p: FlatParams) => number,
  seed: number,
  n: number,
): { history: TrialView[]; ended: number | undefined } {
  const history: TrialView[] = [];
  for (let i = 0; i < n; i++) {
    const flat = gp.suggest({ space, index: i, history, rng: rngFor(seed, i) });
    if (flat === null) return { history, ended: i };
    assertValidConfig(space, flat);
    history.push({ id: i + 1, flat, state: 'completed', value: f(flat) });
  }
  return { history, ended: undefined };
}

const space: Space = { params: [numeric('layers', { distribution: 'int_uniform', min: 1, max: 6 }), categorical('width', [32, 64, 128])] };
const f = (p: FlatParams): number => Math.abs((p.layers as number) - 4) + ((p.width as number) === 64 ? 0 : 0.5);

describe('gp: no config twice', () => {
  test('a discrete space of 18 configs: each once, then null', () => {
    const { history, ended } = run(new GpSampler({ seed: 3 }), space, f, 3, 25);
    const keys = history.map((t) => configKey(searchDims(space), t.flat));
    assert.equal(new Set(keys).size, keys.length, 'no repeats');
    assert.equal(ended, 18);
  });

  test('the startup phase skips a tried Sobol point', () => {
    const tiny: Space = { params: [categorical('a', ['x', 'y']), numeric('n', { distribution: 'int_uniform', min: 0, max: 1 })] };
    const { history, ended } = run(new GpSampler({ seed: 4, startup: 10 }), tiny, () => 1, 4, 8);
    assert.equal(ended, 4);
    assert.equal(new Set(history.map((t) => JSON.stringify(t.flat))).size, 4);
  });

  test('a tried config outside the model (an interrupted trial) is not suggested again', () => {
    const gp = new GpSampler({ seed: 5 });
    const history: TrialView[] = [];
    const all: FlatParams[] = [];
    for (let l = 1; l <= 6; l++) for (const w of [32, 64, 128]) all.push({ layers: l, width: w });
    all.forEach((c, i) => {
      // the optimum (4, 64) was interrupted: the GP does not model it, but it was tried
      if (c.layers === 4 && c.width === 64) history.push({ id: i + 1, flat: c, state: 'interrupted' });
      else if (i % 2 === 0) history.push({ id: i + 1, flat: c, state: 'completed', value: f(c) });
    });
    const next = gp.suggest({ space, index: history.length, history, rng: rngFor(5, history.length) });
    assert.notDeepEqual(next, { layers: 4, width: 64 });
    assert.ok(next && !history.some((t) => t.flat.layers === next.layers && t.flat.width === next.width), JSON.stringify(next));
  });
});
