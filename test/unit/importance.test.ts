/**
 * Importance on synthetic functions whose truth is known (seeded trials, deterministic).
 */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { computeImportance, type ImportanceTrial, importanceReport, pearson, ranks } from '../../src/core/analysis/importance';
import { computeImportanceInWorker } from '../../src/core/analysis/importanceClient';
import { createRng } from '../../src/core/random/rng';
import type { FlatParams, ParamSpec, Space } from '../../src/core/space/types';

function uniform(name: string, min = 0, max = 1): ParamSpec {
  return { kind: 'numeric', name, path: [name], distribution: 'uniform', min, max, integer: false };
}
function logUniform(name: string, min: number, max: number): ParamSpec {
  return { kind: 'numeric', name, path: [name], distribution: 'log_uniform_values', min, max, integer: false };
}
function categorical(name: string, values: string[]): ParamSpec {
  return { kind: 'categorical', name, path: [name], values };
}

function makeTrials(space: Space, n: number, seed: number, f: (p: FlatParams, noise: number) => number): ImportanceTrial[] {
  const rng = createRng(seed);
  const out: ImportanceTrial[] = [];
  for (let i = 0; i < n; i++) {
    const p: FlatParams = {};
    for (const s of space.params) {
      if (s.kind === 'categorical') p[s.name] = s.values[rng.int(s.values.length)];
      else if (s.kind === 'numeric') {
        const u = rng.next();
        p[s.name] =
          s.distribution === 'log_uniform_values'
            ? Math.exp(Math.log(s.min!) + u * (Math.log(s.max!) - Math.log(s.min!)))
            : s.min! + u * (s.max! - s.min!);
      }
    }
    out.push({ params: p, value: f(p, rng.normal()), status: 'completed' });
  }
  return out;
}

const names = (r: { name: string }[]) => r.map((x) => x.name);

describe('computeImportance (fanova)', () => {
  const space: Space = { params: [uniform('x2'), uniform('x3'), uniform('x1')] };
  const f = (p: FlatParams, e: number) => 10 * (p.x1 as number) + 0.1 * (p.x2 as number) + 0.01 * e;

  for (const seed of [1, 2, 3]) {
    it(`f = 10·x1 + 0.1·x2 + noise: x1 first, x2 second, the irrelevant x3 last (seed ${seed})`, () => {
      const r = computeImportance(makeTrials(space, 500, seed, f), space, 'minimize');
      assert.deepEqual(names(r), ['x1', 'x2', 'x3']);
      assert.ok(r[0].importance > 0.99, `x1 explains almost everything: ${r[0].importance}`);
      assert.ok(r[1].importance > 0 && r[1].importance < 0.001, `x2 has a share of ~1e-4: ${r[1].importance}`);
      assert.ok(r[2].importance < r[1].importance / 2);
      assert.ok(r[0].correlation! > 0.99);
      assert.ok(Math.abs(r[2].correlation!) < 0.2);
    });
  }

  it('finds a categorical that matters, and ranks an unimportant categorical below it', () => {
    const sp: Space = { params: [categorical('noise_cat', ['a', 'b', 'c']), uniform('x'), categorical('opt', ['sgd', 'adam', 'rmsprop'])] };
    const effect: Record<string, number> = { sgd: 3, adam: 0, rmsprop: 1 };
    const trials = makeTrials(sp, 400, 7, (p, e) => effect[p.opt as string] + (p.x as number) + 0.1 * e);
    const r = computeImportance(trials, sp, 'minimize');
    assert.deepEqual(names(r), ['opt', 'x', 'noise_cat']);
    assert.equal(r[0].kind, 'categorical');
    assert.equal(r[0].correlation, null);
    assert.ok(r[2].importance < 0.01);
  });

  it('uses log parameters on their log scale and ranks a diverged-run outlier robustly (rank transform)', () => {
    const sp: Space = { params: [logUniform('lr', 1e-5, 1e-1), uniform('dropout', 0, 0.5)] };
    const trials = makeTrials(sp, 300, 11, (p, e) => (Math.log10(p.lr as number) + 3) ** 2 + 0.1 * (p.dropout as number) + 0.01 * e);
    trials.push({ params: { lr: 0.09, dropout: 0.01 }, value: 1e9, status: 'completed' });
    const rep = importanceReport(trials, sp, 'minimize');
    assert.equal(rep.transform, 'rank');
    assert.deepEqual(names(rep.params), ['lr', 'dropout']);
    assert.equal(rep.n, 301);
  });

  it('skips failed, running and NaN trials and reports too few trials', () => {
    const trials: ImportanceTrial[] = [
      { params: { x1: 0.1, x2: 0.2, x3: 0.3 }, value: 1, status: 'completed' },
      { params: { x1: 0.5, x2: 0.2, x3: 0.3 }, value: NaN, status: 'completed' },
      { params: { x1: 0.7, x2: 0.2, x3: 0.3 }, value: 3, status: 'failed' },
      { params: { x1: 0.9, x2: 0.2, x3: 0.3 }, value: 4, status: 'running' },
    ];
    const rep = importanceReport(trials, space, 'minimize');
    assert.equal(rep.n, 1);
    assert.match(rep.note!, /at least 3/);
    assert.ok(rep.params.every((p) => p.importance === 0));
  });

  it('a pure interaction shows as low explained variance', () => {
    const sp: Space = { params: [uniform('a', -1, 1), uniform('b', -1, 1)] };
    const rep = importanceReport(
      makeTrials(sp, 400, 5, (p) => (p.a as number) * (p.b as number)),
      sp,
      'minimize',
    );
    assert.ok(rep.explained! < 0.2, `explained ${rep.explained}`);
    assert.match(rep.note!, /interactions/);
  });
});

describe('computeImportance (ped-anova)', () => {
  it('ranks the dominant parameter first and sums to 1', () => {
    const space: Space = { params: [uniform('x2'), uniform('x1'), categorical('c', ['a', 'b'])] };
    const trials = makeTrials(space, 1000, 3, (p, e) => 10 * (p.x1 as number) + 0.1 * (p.x2 as number) + 0.01 * e);
    const r = computeImportance(trials, space, 'minimize', { method: 'ped-anova' });
    assert.equal(r[0].name, 'x1');
    assert.ok(r[0].importance > 0.8);
    assert.ok(Math.abs(r.reduce((s, x) => s + x.importance, 0) - 1) < 1e-9);
    const rMax = computeImportance(trials, space, 'maximize', { method: 'ped-anova' });
    assert.equal(rMax[0].name, 'x1');
  });
});

describe('correlation helpers', () => {
  it('pearson and ranks', () => {
    assert.equal(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1);
    assert.equal(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1);
    assert.equal(pearson([1, 1, 1], [1, 2, 3]), null);
    assert.deepEqual(Array.from(ranks([10, 30, 20, 20])), [1, 4, 2.5, 2.5]);
  });
});

describe('computeImportanceInWorker', () => {
  it('gives the same answer as the in-thread computation', async () => {
    const space: Space = { params: [uniform('x2'), uniform('x3'), uniform('x1')] };
    const trials = makeTrials(space, 300, 9, (p, e) => 10 * (p.x1 as number) + 0.1 * (p.x2 as number) + 0.01 * e);
    const workerPath = path.join(__dirname, '../../src/core/analysis/importanceWorker.js');
    const rep = await computeImportanceInWorker(trials, space, 'minimize', { workerPath });
    assert.deepEqual(rep, importanceReport(trials, space, 'minimize'));
  });

  it('rejects with a clear error when the worker script is missing', async () => {
    await assert.rejects(
      computeImportanceInWorker([], { params: [] }, 'minimize', { workerPath: '/nonexistent/importanceWorker.js' }),
      /importance worker script is missing/,
    );
  });
});
