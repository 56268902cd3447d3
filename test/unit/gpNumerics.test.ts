import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cholesky, cholInverse, cholLogDet, cholSolve } from '../../src/core/math/cholesky';
import { minimizeLbfgs } from '../../src/core/math/lbfgs';
import { erfcx, log1mexp, logExpectedImprovement, logH, logHWithGrad, logNormalCdf } from '../../src/core/math/logEi';
import { erfc, normalCdf } from '../../src/core/math/normal';
import { createRng } from '../../src/core/random/rng';
import { logEiAt } from '../../src/core/samplers/gp/acquisition';
import { fitHyperparameters, type GpData, GpModel, logMarginalLikelihood, paramsFromTheta } from '../../src/core/samplers/gp/gpModel';
import { capHistory } from '../../src/core/samplers/gp/historyCap';
import { covarianceMatrix, matern52, matern52Grad } from '../../src/core/samplers/gp/kernel';
import { transformOutputs } from '../../src/core/samplers/gp/outputTransform';
import type { TrialView } from '../../src/core/samplers/sampler';

const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

function matMulT(L: Float64Array, n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
      A[i * n + j] = s;
    }
  return A;
}

function randomData(seed: number, n: number, d: number, cat: number[] = []): GpData {
  const rng = createRng(seed);
  const isCat = new Uint8Array(d);
  for (const j of cat) isCat[j] = 1;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = isCat[j] ? [1 / 6, 1 / 2, 5 / 6][rng.int(3)] : rng.next();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.sin(6 * X[i * d]) + X[i * d + 1] ** 2 + (d > 2 ? X[i * d + 2] : 0) + 0.01 * rng.normal();
  const m = y.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) y[i] -= m;
  return { X, y, n, d, isCat };
}

describe('cholesky', () => {
  test('factors an SPD matrix exactly, without jitter; solve, inverse and log det agree', () => {
    const n = 6;
    const rng = createRng(3);
    const B = new Float64Array(n * n).map(() => rng.normal());
    const A = matMulT(B, n);
    for (let i = 0; i < n; i++) A[i * n + i] += 0.5;
    const { L, jitter } = cholesky(A, n);
    assert.equal(jitter, 0);
    const R = matMulT(L, n);
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs(R[k] - A[k]) < 1e-10, `L Lᵀ = A at ${k}`);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(L[i * n + j], 0, 'upper part is zero');
    const b = Array.from({ length: n }, (_, i) => i - 2);
    const x = cholSolve(L, n, b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
      assert.ok(Math.abs(s - b[i]) < 1e-9, `A x = b row ${i}`);
    }
    const inv = cholInverse(L, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * inv[k * n + j];
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-9, `A A⁻¹ = I at ${i},${j}`);
      }
    // log det of a 2×2 by hand
    const C = Float64Array.from([4, 2, 2, 3]);
    assert.ok(Math.abs(cholLogDet(cholesky(C, 2).L, 2) - Math.log(8)) < 1e-12);
  });

  test('adds the smallest working jitter to a singular kernel matrix (duplicated points)', () => {
    const d = 2;
    const X = Float64Array.from([0.1, 0.2, 0.1, 0.2, 0.5, 0.5, 0.1, 0.2, 0.9, 0.3]);
    const params = paramsFromTheta([0, 0, 0, -100], d); // noise ≈ 1e-6 floor…
    const K = covarianceMatrix(X, 5, d, { ...params, noiseVar: 0 }, new Uint8Array(d)); // …then none at all
    const r = cholesky(K, 5);
    assert.ok(r.jitter > 0 && r.jitter <= 1e-2, `jitter ${r.jitter}`);
    const R = matMulT(r.L, 5);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        const want = K[i * 5 + j] + (i === j ? r.jitter : 0); // mean diag is 1
        assert.ok(Math.abs(R[i * 5 + j] - want) < 1e-9, `L Lᵀ = K + jitter I at ${i},${j}`);
      }
    // a smaller jitter than the one reported would not have worked
    assert.throws(() => cholesky(K, 5, { maxJitter: r.jitter / 10 }), RangeError);
  });

  test('throws on a matrix that no jitter can fix', () => {
    assert.throws(() => cholesky(Float64Array.from([-1, 0, 0, -1]), 2), RangeError);
  });
});

describe('Matérn-5/2 kernel and marginal likelihood', () => {
  test('m(0) = 1, decreasing, and dm/d(r²) matches finite differences', () => {
    assert.equal(matern52(0), 1);
    for (const r2 of [1e-4, 0.01, 0.3, 1, 4, 25]) {
      assert.ok(matern52(r2) < matern52(r2 / 2));
      const h = 1e-6 * Math.max(r2, 1e-3);
      const fd = (matern52(r2 + h) - matern52(r2 - h)) / (2 * h);
      assert.ok(Math.abs(fd - matern52Grad(r2)) < 1e-6, `r²=${r2}: ${fd} vs ${matern52Grad(r2)}`);
    }
  });

  test('the log marginal likelihood gradient (with priors) matches central differences', () => {
    for (const [seed, cat] of [
      [1, []],
      [2, [2]],
    ] as [number, number[]][]) {
      const data = randomData(seed, 25, 4, cat);
      const theta = Float64Array.from([0.4, -0.7, 1.1, 0.2, 0.3, -4]);
      const g = new Float64Array(theta.length);
      logMarginalLikelihood(data, theta, g);
      for (let p = 0; p < theta.length; p++) {
        const h = 1e-5;
        const a = Float64Array.from(theta);
        a[p] += h;
        const b = Float64Array.from(theta);
        b[p] -= h;
        const fd = (logMarginalLikelihood(data, a) - logMarginalLikelihood(data, b)) / (2 * h);
        assert.ok(Math.abs(fd - g[p]) < 1e-5 * Math.max(1, Math.abs(fd)), `seed ${seed} θ${p}: analytic ${g[p]} vs fd ${fd}`);
      }
    }
  });

  test('fitting raises the marginal likelihood and learns the irrelevant dimension is flat', () => {
    const data = randomData(5, 40, 4); // y ignores x3
    const params = fitHyperparameters(data, { rng: createRng(1) });
    const fitted = logMarginalLikelihood(data, [
      ...Array.from(params.invSqLengthscales, Math.log),
      Math.log(params.signalVar),
      Math.log(params.noiseVar - 1e-6),
    ]);
    const start = logMarginalLikelihood(data, [0, 0, 0, 0, 0, Math.log(1e-2)]);
    assert.ok(fitted > start, `${fitted} > ${start}`);
    const l = params.invSqLengthscales;
    assert.ok(l[3] < l[0] / 10, `λ of the unused dimension (${l[3]}) is far below the wiggly one's (${l[0]})`);
  });

  test('posterior mean/variance gradients and the log-EI gradient match central differences', () => {
    const data = randomData(7, 20, 3, [2]);
    const model = new GpModel(data, paramsFromTheta([0.8, 0.2, 0.5, 0, -5], 3));
    const x = [0.31, 0.72, 1 / 2];
    const dm = new Float64Array(3);
    const dv = new Float64Array(3);
    const gEi = new Float64Array(3);
    model.predictWithGrad(x, dm, dv);
    for (const best of [-1, -3]) logEiAt(model, best, x, gEi);
    logEiAt(model, -3, x, gEi);
    for (let j = 0; j < 2; j++) {
      const h = 1e-6;
      const a = [...x];
      a[j] += h;
      const b = [...x];
      b[j] -= h;
      const fm = (model.predict(a).mean - model.predict(b).mean) / (2 * h);
      const fv = (model.predict(a).variance - model.predict(b).variance) / (2 * h);
      const fe = (logEiAt(model, -3, a) - logEiAt(model, -3, b)) / (2 * h);
      assert.ok(Math.abs(fm - dm[j]) < 1e-5 * Math.max(1, Math.abs(fm)), `dμ/dx${j}`);
      assert.ok(Math.abs(fv - dv[j]) < 1e-5 * Math.max(1, Math.abs(fv)), `dσ²/dx${j}`);
      assert.ok(Math.abs(fe - gEi[j]) < 1e-4 * Math.max(1, Math.abs(fe)), `d logEI/dx${j}: ${gEi[j]} vs ${fe}`);
    }
    assert.equal(dm[2], 0, 'categorical coordinates get no gradient');
  });

  test('the posterior interpolates low-noise data and is uncertain far away', () => {
    const data = randomData(9, 15, 2);
    const model = new GpModel(data, paramsFromTheta([1, 1, 0, Math.log(1e-6)], 2));
    const p = model.predict([data.X[0], data.X[1]]);
    assert.ok(Math.abs(p.mean - data.y[0]) < 1e-2);
    assert.ok(p.variance < 1e-3);
    const far = new GpModel({ ...data, X: data.X.map((v) => v * 0.1), n: data.n }, paramsFromTheta([4, 4, 0, -10], 2)).predict([1, 1]);
    assert.ok(far.variance > 0.5, `variance far away ${far.variance}`);
  });
});

describe('log expected improvement', () => {
  test('erfcx and log Φ agree with the direct formulas where those are accurate', () => {
    for (const x of [0, 0.3, 1, 1.24, 1.26, 2, 3.5, 6, 10]) {
      const direct = Math.exp(x * x) * erfc(x);
      assert.ok(Math.abs(erfcx(x) / direct - 1) < 1e-12, `erfcx(${x})`);
    }
    assert.ok(Math.abs(erfcx(1e5) * 1e5 * Math.sqrt(Math.PI) - 1) < 1e-9, 'erfcx ~ 1/(x√π)');
    for (const z of [-30, -8, -2, -1, 0, 2, 6]) {
      const direct = Math.log(normalCdf(z));
      assert.ok(Math.abs(logNormalCdf(z) - direct) < 1e-10 * Math.max(1, Math.abs(direct)), `log Φ(${z})`);
    }
    assert.ok(Math.abs(log1mexp(-1e-20) - Math.log(1e-20)) < 1e-9);
    assert.ok(Math.abs(log1mexp(-50) + Math.exp(-50)) < 1e-30);
  });

  test('log-EI equals log of the direct EI formula for moderate z', () => {
    for (const [mean, sd, best] of [
      [0, 1, 0],
      [1, 0.5, 0.2],
      [-1, 2, 0.5],
      [3, 1, 0],
      [0.2, 0.01, 0.25],
    ]) {
      const z = (best - mean) / sd;
      const ei = sd * (z * normalCdf(z) + phi(z));
      const got = logExpectedImprovement(mean, sd, best);
      assert.ok(Math.abs(got - Math.log(ei)) < 1e-9, `mean ${mean} sd ${sd} best ${best}: ${got} vs ${Math.log(ei)}`);
    }
    for (let z = -6; z <= 6; z += 0.25) {
      const direct = Math.log(phi(z) + z * normalCdf(z));
      assert.ok(Math.abs(logH(z) - direct) < 1e-8 * Math.max(1, Math.abs(direct)), `log h(${z})`);
    }
  });

  test('stays finite, accurate and increasing where EI underflows', () => {
    for (const z of [-40, -100, -999, -1001, -1e4]) {
      const direct = phi(z) + z * normalCdf(z);
      assert.equal(direct, 0, `direct EI underflows at z=${z}`);
      // asymptotic series: h(z) = φ(z)/z² (1 − 3/z² + 15/z⁴ − 105/z⁶ …)
      const z2 = z * z;
      const want = -0.5 * z2 - 0.5 * Math.log(2 * Math.PI) - Math.log(z2) + Math.log(1 - 3 / z2 + 15 / z2 ** 2 - 105 / z2 ** 3);
      const got = logH(z);
      assert.ok(Number.isFinite(got));
      assert.ok(Math.abs(got - want) < 1e-9 * Math.abs(want), `log h(${z}) = ${got}, want ${want}`);
    }
    assert.ok(Number.isFinite(logH(-1e9)) && Number.isFinite(logH(-1e150)));
    let prev = -Infinity;
    for (const z of [-1e12, -1e8, -7e7, -1e4, -50, -5, -1.000001, -1, -0.999999, 0, 3]) {
      const v = logH(z);
      assert.ok(v > prev, `log h increases at z=${z}`);
      prev = v;
      const { grad } = logHWithGrad(z);
      assert.ok(Number.isFinite(grad) && grad > 0, `positive finite gradient at z=${z}`);
    }
    // the derivative approaches −z − 2/z in the far tail
    for (const z of [-1e4, -1e7, -1e9]) assert.ok(Math.abs(logHWithGrad(z).grad / (-z - 2 / z) - 1) < 1e-12, `d log h at ${z}`);
    // derivative Φ/h against finite differences across the branch point
    for (const z of [-3000, -999, -30, -1.5, -1, 0.5]) {
      const h = 1e-6 * Math.max(1, Math.abs(z));
      const fd = (logH(z + h) - logH(z - h)) / (2 * h);
      assert.ok(Math.abs(fd - logHWithGrad(z).grad) < 1e-5 * Math.max(1, Math.abs(fd)), `d log h at ${z}`);
    }
  });
});

describe('L-BFGS', () => {
  test('minimises Rosenbrock from the textbook start', () => {
    const r = minimizeLbfgs(
      (x, g) => {
        g[0] = -400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]);
        g[1] = 200 * (x[1] - x[0] ** 2);
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
      },
      [-1.2, 1],
      { maxIter: 500, gtol: 1e-9, ftol: 0 },
    );
    assert.ok(Math.abs(r.x[0] - 1) < 1e-4 && Math.abs(r.x[1] - 1) < 1e-4, `${r.x}`);
  });

  test('stops at the box bound when the minimum lies outside', () => {
    const r = minimizeLbfgs(
      (x, g) => {
        g[0] = 2 * (x[0] - 2);
        g[1] = 2 * (x[1] - 0.3);
        return (x[0] - 2) ** 2 + (x[1] - 0.3) ** 2;
      },
      [0.5, 0.5],
      { lower: [0, 0], upper: [1, 1] },
    );
    assert.equal(r.x[0], 1);
    assert.ok(Math.abs(r.x[1] - 0.3) < 1e-6);
  });
});

describe('output transform and history cap', () => {
  test('standardises, maps non-finite values to the worst, and finds the best', () => {
    const { y, bestIndex } = transformOutputs([3, 1, Infinity, NaN, 2], 'none');
    assert.equal(bestIndex, 1);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    assert.ok(Math.abs(mean) < 1e-12);
    assert.equal(y[2], y[0], '+∞ counts as the worst finite value');
    assert.equal(y[3], y[0], 'NaN counts as the worst finite value');
    const flat = transformOutputs([5, 5, 5], 'log');
    assert.deepEqual(Array.from(flat.y), [0, 0, 0]);
    const raw = [0, 1, 2, 1000];
    const w = transformOutputs(raw, 'log').y;
    const plain = transformOutputs(raw, 'none').y;
    assert.ok(w[0] < w[1] && w[1] < w[2] && w[2] < w[3], 'the warp keeps the order');
    const spread = (v: Float64Array): number => (v[2] - v[0]) / (v[3] - v[0]);
    assert.ok(spread(w) > 50 * spread(plain), `the log warp compresses the outlier (${spread(w)} vs ${spread(plain)})`);
  });

  test('keeps the best quarter and a seeded subset, in history order', () => {
    const trials: TrialView[] = Array.from({ length: 1000 }, (_, i) => ({ id: i, flat: {}, state: 'completed', value: (i * 7919) % 1000 }));
    const a = capHistory(trials, 100, createRng(4));
    const b = capHistory(trials, 100, createRng(4));
    const c = capHistory(trials, 100, createRng(5));
    assert.equal(a.length, 100);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    for (let v = 0; v < 25; v++)
      assert.ok(
        a.some((t) => t.value === v),
        `best value ${v} kept`,
      );
    assert.ok(
      a.every((t, i) => i === 0 || t.id > a[i - 1].id),
      'history order',
    );
    assert.equal(capHistory(trials.slice(0, 50), 100, createRng(4)).length, 50);
  });
});
