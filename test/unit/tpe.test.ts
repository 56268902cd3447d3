import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { branin } from '../../bench/samplers/problems';
import { normalCdf } from '../../src/core/math/normal';
import { createRng } from '../../src/core/random/rng';
import { RandomSampler } from '../../src/core/samplers/random';
import type { Sampler, TrialView } from '../../src/core/samplers/sampler';
import { SobolSampler } from '../../src/core/samplers/sobol';
import { rankHistory } from '../../src/core/samplers/tpe/observations';
import { fastNormalCdf, ParzenEstimator } from '../../src/core/samplers/tpe/parzen';
import { TpeDims } from '../../src/core/samplers/tpe/tpeDims';
import { TpeSampler } from '../../src/core/samplers/tpe/tpeSampler';
import type { FlatParams, Space } from '../../src/core/space/types';
import { assertValidConfig, categorical, numeric } from '../contracts/sampler.contract';

const rngFor = (seed: number, i: number) => createRng(seed).child('sampler', i);

const braninSpace: Space = {
  params: [numeric('x1', { distribution: 'uniform', min: -5, max: 10 }), numeric('x2', { distribution: 'uniform', min: 0, max: 15 })],
};
const BRANIN_MIN = 0.39788735772973816;

const smallSpace = (): Space => ({
  params: [
    categorical('opt', ['adam', 'sgd', 'rmsprop']),
    numeric('lr', { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 }),
    numeric('layers', { distribution: 'int_uniform', min: 1, max: 8 }),
    numeric('drop', { distribution: 'q_uniform', min: 0, max: 0.5, q: 0.05 }),
  ],
});
function smallLoss(p: FlatParams): number {
  const lr = Math.log10(p.lr as number);
  return (
    (p.opt === 'adam' ? 0 : p.opt === 'sgd' ? 0.3 : 0.5) +
    (lr + 3) ** 2 / 4 +
    ((p.layers as number) - 5) ** 2 / 10 +
    ((p.drop as number) - 0.2) ** 2
  );
}

/** Sequential optimisation: returns the history. */
function optimise(s: Sampler, space: Space, f: (p: FlatParams) => number, seed: number, n: number): TrialView[] {
  const history: TrialView[] = [];
  for (let i = 0; i < n; i++) {
    const flat = s.suggest({ space, index: i, history, rng: rngFor(seed, i) }) as FlatParams;
    history.push({ id: i + 1, flat, state: 'completed', value: f(flat) });
  }
  return history;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('tpe: startup and determinism', () => {
  test('the first nStartup suggestions are the scrambled Sobol points of the same seed', () => {
    const space = smallSpace();
    const tpe = new TpeSampler({ seed: 11, nStartup: 6 });
    const sobol = new SobolSampler({ seed: 11 });
    const history = optimise(tpe, space, smallLoss, 11, 6);
    for (let i = 0; i < 6; i++)
      assert.deepEqual(history[i].flat, sobol.suggest({ space, index: i, history: [], rng: rngFor(11, i) }), `index ${i}`);
    // the 7th comes from the model: not the 7th Sobol point
    const next = tpe.suggest({ space, index: 6, history, rng: rngFor(11, 6) });
    assert.notDeepEqual(next, sobol.suggest({ space, index: 6, history: [], rng: rngFor(11, 6) }));
  });

  test('running trials do not end the startup phase; pruned trials with values do', () => {
    const space = smallSpace();
    const sobol = new SobolSampler({ seed: 2 });
    const tpe = new TpeSampler({ seed: 2, nStartup: 3 });
    const base = optimise(tpe, space, smallLoss, 2, 2);
    const running: TrialView[] = [
      ...base,
      { id: 3, flat: base[0].flat, state: 'running' },
      { id: 4, flat: base[1].flat, state: 'pending' },
    ];
    assert.deepEqual(
      tpe.suggest({ space, index: 4, history: running, rng: rngFor(2, 4) }),
      sobol.suggest({ space, index: 4, history: [], rng: rngFor(2, 4) }),
    );
    const pruned: TrialView[] = [...base, { id: 3, flat: base[0].flat, state: 'pruned', value: 1, steps: [{ step: 1, value: 1 }] }];
    assert.notDeepEqual(
      tpe.suggest({ space, index: 3, history: pruned, rng: rngFor(2, 3) }),
      sobol.suggest({ space, index: 3, history: [], rng: rngFor(2, 3) }),
    );
  });

  test('snapshot: a seeded run does not drift (categorical profile)', () => {
    const history = optimise(new TpeSampler({ seed: 5 }), smallSpace(), smallLoss, 5, 16);
    assert.deepEqual(
      history.slice(-2).map((t) => t.flat),
      SNAPSHOT,
    );
  });

  test('snapshot: a seeded run does not drift (numeric profile)', () => {
    const history = optimise(new TpeSampler({ seed: 5 }), braninSpace, branin, 5, 16);
    assert.deepEqual(
      history.slice(-2).map((t) => t.flat),
      NUMERIC_SNAPSHOT,
    );
  });

  test('a fresh instance (a resumed sweep) suggests what a long-lived one does', () => {
    const space = smallSpace();
    const live = new TpeSampler({ seed: 8 });
    const history = optimise(live, space, smallLoss, 8, 20);
    live.suggest({ space: braninSpace, index: 0, history: [], rng: rngFor(8, 0) }); // unrelated call in between
    const a = live.suggest({ space, index: 20, history, rng: rngFor(8, 20) });
    const b = new TpeSampler({ seed: 8 }).suggest({
      space,
      index: 20,
      history: history.map((t) => ({ ...t, flat: { ...t.flat } })),
      rng: rngFor(8, 20),
    });
    assert.deepEqual(b, a);
  });
});

describe('tpe: history handling', () => {
  test('the constant liar: a running trial at the suggested point moves the next suggestion away', () => {
    const space = braninSpace;
    const tpe = new TpeSampler({ seed: 4 });
    const history = optimise(tpe, space, branin, 4, 20);
    const first = tpe.suggest({ space, index: 20, history, rng: rngFor(4, 20) }) as FlatParams;
    // same rng, so the same candidates: only the liar can change the choice
    const withLiar: TrialView[] = [...history, { id: 21, flat: first, state: 'running' }];
    const second = tpe.suggest({ space, index: 20, history: withLiar, rng: rngFor(4, 20) }) as FlatParams;
    assert.notDeepEqual(second, first);
    // and concurrent suggestions (each seeing the others as running) are all distinct
    const pending: TrialView[] = [...history];
    const keys = new Set<string>();
    for (let i = 20; i < 28; i++) {
      const flat = tpe.suggest({ space, index: i, history: pending, rng: rngFor(4, i) }) as FlatParams;
      keys.add(JSON.stringify(flat));
      pending.push({ id: i + 1, flat, state: 'running' });
    }
    assert.equal(keys.size, 8);
  });

  test('failed trials, and completed trials without a value, are ignored', () => {
    const space = smallSpace();
    const history = optimise(new TpeSampler({ seed: 6 }), space, smallLoss, 6, 14);
    const noisy: TrialView[] = [];
    for (const t of history) {
      noisy.push(t);
      noisy.push({ id: t.id + 100, flat: t.flat, state: 'failed', value: -1e9 });
    }
    noisy.push({ id: 500, flat: history[3].flat, state: 'completed' });
    noisy.push({ id: 501, flat: history[4].flat, state: 'completed', value: NaN });
    const clean = new TpeSampler({ seed: 6 }).suggest({ space, index: 14, history, rng: rngFor(6, 14) });
    assert.deepEqual(new TpeSampler({ seed: 6 }).suggest({ space, index: 14, history: noisy, rng: rngFor(6, 14) }), clean);
  });

  test('ranking as Optuna: completed by value, then pruned by depth then value, then liars', () => {
    const space: Space = { params: [numeric('x', { distribution: 'uniform', min: 0, max: 10 })] };
    const dims = new TpeDims(space);
    const at = (x: number): FlatParams => ({ x });
    const history: TrialView[] = [
      { id: 1, flat: at(1), state: 'pruned', value: 0.1, steps: [{ step: 1, value: 0.1 }] },
      { id: 2, flat: at(2), state: 'completed', value: 5 },
      { id: 3, flat: at(3), state: 'running' },
      {
        id: 4,
        flat: at(4),
        state: 'stopped',
        value: 0.9,
        steps: [
          { step: 1, value: 0.2 },
          { step: 3, value: 0.9 },
        ],
      },
      { id: 5, flat: at(5), state: 'completed', value: 2 },
      { id: 6, flat: at(6), state: 'failed', value: -100 },
      { id: 7, flat: at(7), state: 'pruned', value: 0.5, steps: [{ step: 3, value: 0.5 }] },
      { id: 8, flat: at(8), state: 'pruned' },
      { id: 9, flat: at(9), state: 'completed', value: 2 },
    ];
    const r = rankHistory(history, dims);
    assert.deepEqual(
      r.points.map((p) => Math.round(p[0] * 10)),
      [5, 9, 2, 7, 4, 1, 3, 8],
    );
    assert.equal(r.finished, 6);
    assert.equal(r.liars, 2);
  });

  test('conditional spaces: trials that lack a parameter still inform the others', () => {
    const space = smallSpace();
    const history = optimise(new TpeSampler({ seed: 3 }), space, smallLoss, 3, 12).map((t, i) => {
      if (i % 2 === 0) return t;
      const flat = { ...t.flat };
      delete flat.drop; // absent in half of the trials
      if (i % 3 === 0) flat.opt = 'removed-value'; // a value the space no longer has
      return { ...t, flat };
    });
    const dims = new TpeDims(space);
    assert.ok(Number.isNaN(dims.encode(history[1].flat)[3]));
    assert.ok(Number.isNaN(dims.encode(history[3].flat)[0]));
    for (let i = 12; i < 20; i++) {
      const flat = new TpeSampler({ seed: 3 }).suggest({ space, index: i, history, rng: rngFor(3, i) }) as FlatParams;
      assertValidConfig(space, flat);
    }
  });
});

describe('tpe: estimator', () => {
  test('fastNormalCdf agrees with the exact CDF to 2e-7', () => {
    for (let x = -8; x <= 8; x += 0.01) assert.ok(Math.abs(fastNormalCdf(x) - normalCdf(x)) < 2e-7, `x = ${x}`);
  });

  test('the numeric density integrates to 1 on [0, 1]; the categorical one sums to 1', () => {
    const space: Space = { params: [numeric('x', { distribution: 'uniform', min: 0, max: 1 })] };
    const dims = new TpeDims(space).dims;
    const pts = [0, 0.03, 0.5, 0.98].map((v) => Float64Array.of(v));
    const est = new ParzenEstimator({ dims, points: pts, priorWeight: 1, sigmas: [0.05], lambdas: [0], weights: [1, 2, 1, 0.5] });
    const n = 20000;
    const xs = Array.from({ length: n }, (_, i) => Float64Array.of((i + 0.5) / n));
    const integral = est.logPdf(xs).reduce((s, l) => s + Math.exp(l), 0) / n;
    assert.ok(Math.abs(integral - 1) < 1e-4, `∫ = ${integral}`);

    const cat: Space = { params: [categorical('c', ['a', 'b', 'c', 'd'], [0.1, 0.2, 0.3, 0.4])] };
    const cdims = new TpeDims(cat).dims;
    const cest = new ParzenEstimator({
      dims: cdims,
      points: [Float64Array.of(0), Float64Array.of(3)],
      priorWeight: 1,
      sigmas: [1],
      lambdas: [0.2],
    });
    const pmf = cest.logPdf([0, 1, 2, 3].map((k) => Float64Array.of(k))).map(Math.exp);
    assert.ok(Math.abs(pmf.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(pmf[0] > pmf[1] && pmf[3] > pmf[2]);
  });

  test('samples follow the estimator (mean of a one-point mixture)', () => {
    const space: Space = { params: [numeric('x', { distribution: 'uniform', min: 0, max: 1 }), categorical('c', [1, 2, 3])] };
    const dims = new TpeDims(space).dims;
    const est = new ParzenEstimator({ dims, points: [Float64Array.of(0.3, 2)], priorWeight: 0, sigmas: [0.05, 1], lambdas: [0, 0.3] });
    const xs = est.sample(createRng(1), 4000);
    const mean = xs.reduce((s, x) => s + x[0], 0) / xs.length;
    assert.ok(Math.abs(mean - 0.3) < 0.01, `mean ${mean}`);
    const hits = xs.filter((x) => x[1] === 2).length / xs.length;
    assert.ok(Math.abs(hits - (0.7 + 0.3 / 3)) < 0.03, `P(c = 3) ${hits}`);
    assert.ok(xs.every((x) => x[0] >= 0 && x[0] <= 1));
  });
});

describe('tpe: search quality (statistical, fixed seeds)', () => {
  test('TPE beats random search on Branin: median regret over 5 seeds at 60 trials', () => {
    const regret = (make: (seed: number) => Sampler): number[] =>
      [1, 2, 3, 4, 5].map(
        (seed) => Math.min(...optimise(make(seed), braninSpace, branin, seed, 60).map((t) => t.value as number)) - BRANIN_MIN,
      );
    const tpe = median(regret((seed) => new TpeSampler({ seed })));
    const rnd = median(regret(() => new RandomSampler()));
    assert.ok(tpe < rnd / 2, `TPE ${tpe} vs random ${rnd}`);
  });
});

const SNAPSHOT: FlatParams[] = [
  { opt: 'adam', lr: 0.0001994578408625571, layers: 2, drop: 0.45 },
  { opt: 'adam', lr: 0.003714609721187547, layers: 5, drop: 0 },
];

const NUMERIC_SNAPSHOT: FlatParams[] = [
  { x1: -2.6479567555257892, x2: 10.233133090174501 },
  { x1: -4.513038207223627, x2: 9.436017550960448 },
];
