/**
 * The sampler benchmark's problems (bench/samplers/problems.ts) and statistics (stats.ts):
 * known optima, the Python twin of every objective (problems.py), and Mann–Whitney U against
 * values computed with scipy.stats.mannwhitneyu(..., method='asymptotic').
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { latencySpace, measureLatency, runOurs } from '../../bench/samplers/ours';
import {
  MIXED_OPTIMIZERS,
  mixedLoss,
  PROBLEMS,
  probePoints,
  problemByName,
  problemDomain,
  spaceDomain,
} from '../../bench/samplers/problems';
import { checkpoints, parseSeeds } from '../../bench/samplers/run';
import { averageRanks, mannWhitneyU, median, quantile, runningMin } from '../../bench/samplers/stats';
import { createRng } from '../../src/core/random/rng';
import { RandomSampler } from '../../src/core/samplers/random';
import { numericRange } from '../../src/core/space/transform';
import type { FlatParams } from '../../src/core/space/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';
const close = (a: number, b: number, rel = 1e-12): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('benchmark problems', () => {
  test('the suite is the seven problems of issue 4', () => {
    assert.deepEqual(
      PROBLEMS.map((p) => p.name),
      ['branin', 'hartmann3', 'hartmann6', 'rosenbrock4', 'ackley10', 'styblinski10', 'mixed'],
    );
    assert.deepEqual(
      PROBLEMS.map((p) => p.space.params.length),
      [2, 3, 6, 4, 10, 10, 3],
    );
  });

  for (const p of PROBLEMS) {
    test(`${p.name}: f(x*) = f*, x* lies in the space, and no sampled point goes below f*`, () => {
      assert.ok(close(p.objective(p.argmin), p.optimum), `f(x*) = ${p.objective(p.argmin)} vs f* = ${p.optimum}`);
      for (const spec of p.space.params) {
        const v = p.argmin[spec.name];
        if (spec.kind === 'numeric') {
          const [lo, hi] = numericRange(spec);
          assert.ok(typeof v === 'number' && v >= lo && v <= hi, `${spec.name}=${String(v)} in [${lo}, ${hi}]`);
        } else if (spec.kind === 'categorical') assert.ok(spec.values.includes(v));
      }
      const sampler = new RandomSampler();
      for (let i = 0; i < 3000; i++) {
        const flat = sampler.suggest({ space: p.space, index: i, history: [], rng: createRng(7).child('probe', i) });
        assert.ok(p.objective(flat) >= p.optimum - 1e-12, `f(${JSON.stringify(flat)}) = ${p.objective(flat)} < f*`);
      }
    });

    if (p.name !== 'mixed') {
      test(`${p.name}: x* is a local minimum (every ±1e-4 coordinate step goes up)`, () => {
        for (const spec of p.space.params) {
          for (const h of [-1e-4, 1e-4]) {
            const moved: FlatParams = { ...p.argmin, [spec.name]: (p.argmin[spec.name] as number) + h };
            assert.ok(p.objective(moved) > p.optimum, `${spec.name} ${h > 0 ? '+' : '-'}`);
          }
        }
      });
    }
  }

  test('published optima: Branin 0.397887 at all three minimisers, Hartmann3 -3.86278, Hartmann6 -3.32237, Styblinski-Tang -39.16617 d', () => {
    const b = problemByName('branin');
    for (const [x1, x2] of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [9.42478, 2.475],
    ])
      assert.ok(Math.abs(b.objective({ x1, x2 }) - 0.397887) < 1e-5, `branin(${x1}, ${x2})`);
    assert.equal(problemByName('hartmann3').optimum.toFixed(5), '-3.86278');
    assert.equal(problemByName('hartmann6').optimum.toFixed(5), '-3.32237');
    assert.equal((problemByName('styblinski10').optimum / 10).toFixed(5), '-39.16617');
    assert.equal(problemByName('rosenbrock4').objective({ x1: 0, x2: 0, x3: 0, x4: 0 }), 3);
    assert.ok(
      close(
        problemByName('ackley10').objective(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i + 1}`, 1]))),
        3.6253849384403627,
      ),
    );
  });

  test('mixed: the optimum is adam, 5 layers, lr 1e-3; every other (optimizer, layers) cell is worse', () => {
    assert.equal(mixedLoss({ optimizer: 'adam', layers: 5, lr: 1e-3 }), 0.03);
    for (const [name, o] of Object.entries(MIXED_OPTIMIZERS)) {
      for (let layers = 1; layers <= 8; layers++) {
        // the best lr of this cell sits at the valley centre
        const best = mixedLoss({ optimizer: name, layers, lr: 10 ** (o.c - 0.15 * (layers - o.L0)) });
        assert.ok(close(best, o.b + 0.01 * (layers - o.L0) ** 2), `${name} ${layers}`);
        if (!(name === 'adam' && layers === 5)) assert.ok(best > 0.03 + 1e-3, `${name} ${layers}: ${best}`);
      }
    }
    assert.throws(() => mixedLoss({ optimizer: 'lbfgs', layers: 3, lr: 0.1 }), /unknown optimizer/);
  });

  test('the shared domain JSON matches the Knobs spaces', () => {
    assert.deepEqual(problemDomain(problemByName('branin')), {
      problem: 'branin',
      optimum: 0.39788735772973816,
      dims: [
        { name: 'x1', type: 'float', low: -5, high: 10, log: false },
        { name: 'x2', type: 'float', low: 0, high: 15, log: false },
      ],
    });
    assert.deepEqual(spaceDomain(problemByName('mixed').space), [
      { name: 'optimizer', type: 'categorical', choices: ['sgd', 'momentum', 'adam', 'rmsprop'] },
      { name: 'layers', type: 'int', low: 1, high: 8 },
      { name: 'lr', type: 'float', low: 1e-5, high: 1, log: true },
    ]);
    assert.throws(
      () => spaceDomain({ params: [{ kind: 'numeric', name: 'n', path: ['n'], distribution: 'normal', integer: false }] }),
      /no exact Optuna peer/,
    );
  });

  test('problems.py computes the same objective values as problems.ts', () => {
    const points = PROBLEMS.flatMap((p) => probePoints(p, 8).map((params) => ({ problem: p.name, params })));
    const r = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'samplers', 'problems.py'), 'check'], {
      input: JSON.stringify({ points }),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const values = (JSON.parse(r.stdout) as { values: number[] }).values;
    assert.equal(values.length, points.length);
    points.forEach((q, i) => {
      const ts = problemByName(q.problem).objective(q.params);
      assert.ok(close(ts, values[i]), `${q.problem} ${JSON.stringify(q.params)}: ts ${ts} py ${values[i]}`);
    });
  });
});

describe('benchmark statistics', () => {
  test('quantiles interpolate linearly as numpy does', () => {
    const xs = [5, 1, 3, 2, 8, 13];
    assert.equal(quantile(xs, 0.25), 2.25);
    assert.equal(median(xs), 4);
    assert.ok(close(quantile(xs, 0.99), 12.75));
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
    assert.deepEqual(runningMin([3, 4, 1, 2, 0.5]), [3, 3, 1, 1, 0.5]);
  });

  test('average ranks and tie groups', () => {
    assert.deepEqual(averageRanks([10, 20, 10, 30]), { ranks: [1.5, 3, 1.5, 4], ties: [2, 1, 1] });
  });

  test('Mann–Whitney U matches scipy (asymptotic, two-sided, tie + continuity corrections)', () => {
    const cases: [number[], number[], number, number][] = [
      [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 0, 0.012185780355344813],
      [[0.1, 0.5, 0.5, 0.9, 1.2, 3.0], [0.5, 0.7, 0.7, 2.0, 4.0, 4.0, 5.5], 11, 0.17116553587796612],
      [[1, 1, 1], [1, 1, 1], 4.5, 1],
      [[3.2, 1.1, 4.8, 0.2, 0.9, 2.2, 5.1, 0.0], [0.3, 0.0, 0.0, 1.7, 2.9, 0.4], 34, 0.21799708932993545],
    ];
    for (const [x, y, u, p] of cases) {
      const r = mannWhitneyU(x, y);
      assert.equal(r.u, u);
      assert.ok(close(r.p, p, 1e-9), `p ${r.p} vs scipy ${p}`);
      // symmetric in the order of the samples
      assert.ok(close(mannWhitneyU(y, x).p, p, 1e-9));
    }
  });
});

describe('benchmark harness', () => {
  test('runOurs drives a sampler as the runner does: one suggestion per trial, deterministic per seed', () => {
    const p = problemByName('mixed');
    const a = runOurs({ method: 'sobol', space: p.space, objective: p.objective, seed: 3, budget: 12 });
    const b = runOurs({ method: 'sobol', space: p.space, objective: p.objective, seed: 3, budget: 12 });
    const c = runOurs({ method: 'sobol', space: p.space, objective: p.objective, seed: 4, budget: 12 });
    assert.equal(a.values.length, 12);
    assert.equal(a.suggestMs.length, 12);
    assert.deepEqual(a.values, b.values);
    assert.notDeepEqual(a.values, c.values);
    assert.ok(a.values.every((v) => v >= p.optimum));
    // random search: trial i is fromUnit of the rng createRng(seed).child('sampler', i)
    const r = runOurs({ method: 'random', space: p.space, objective: p.objective, seed: 9, budget: 3 });
    const expected = [0, 1, 2].map((i) =>
      p.objective(new RandomSampler().suggest({ space: p.space, index: i, history: [], rng: createRng(9).child('sampler', i) })),
    );
    assert.deepEqual(r.values, expected);
  });

  test('latency cells time one suggest per rep on a d-parameter unit space', () => {
    assert.deepEqual(
      latencySpace(3).params.map((q) => q.name),
      ['x1', 'x2', 'x3'],
    );
    const { ms, cpuMs } = measureLatency({ method: 'random', trials: 20, params: 4, reps: 3, seed: 1 });
    assert.equal(ms.length, 3);
    assert.equal(cpuMs.length, 3);
    assert.ok(ms.every((x) => x >= 0 && Number.isFinite(x)));
  });
});

describe('benchmark flags', () => {
  test('seeds and regret checkpoints', () => {
    // a count means 1..N (Optuna 3.1's QMCSampler treats seed 0 as no seed)
    assert.deepEqual(parseSeeds('3'), [1, 2, 3]);
    assert.deepEqual(parseSeeds('4-6'), [4, 5, 6]);
    assert.deepEqual(parseSeeds('7,2'), [7, 2]);
    assert.deepEqual(checkpoints(100), [25, 50, 100]);
    assert.deepEqual(checkpoints(60), [25, 50, 60]);
    assert.deepEqual(checkpoints(200), [25, 50, 100, 200]);
  });
});
