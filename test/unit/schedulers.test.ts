/**
 * Schedulers, on hand-computed examples:
 * - W&B hyperband: the band lists, thresholds, both strict modes, non-finite values, attempts as
 *   separate runs (W&B's own test cases are in test/contracts/wandb/hyperband.test.ts);
 * - ASHA: Ray's _Bracket example and the top-1/rf rule with numpy's percentile, max_t, brackets;
 * - median: the median of finished trials at the same step, after startup and min_steps;
 * - patience: stops on exactly the N-th non-improving report;
 * - the registry; replays and overwrites per (trial, step).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AshaScheduler, ashaMilestones } from '../../src/core/schedulers/asha';
import { fmt, percentile, TrialLog } from '../../src/core/schedulers/common';
import { bandThreshold, HyperbandScheduler, hyperbandBands } from '../../src/core/schedulers/hyperband';
import { MedianScheduler } from '../../src/core/schedulers/median';
import { PatienceScheduler } from '../../src/core/schedulers/patience';
import { createScheduler } from '../../src/core/schedulers/registry';
import type { Decision } from '../../src/core/schedulers/scheduler';

const MIN = { goal: 'minimize' as const };
const MAX = { goal: 'maximize' as const };
const _stops = (d: Decision) => d.action === 'stop';

describe('W&B hyperband', () => {
  test('bands: min_iter·eta^k floored, or max_iter/eta^k for k = 1..s floored and sorted', () => {
    assert.deepEqual(hyperbandBands({ min_iter: 3, eta: 3 }).slice(0, 4), [3, 9, 27, 81]);
    assert.deepEqual(hyperbandBands({ min_iter: 30, eta: 1.5 }).slice(0, 3), [30, 45, 67]);
    assert.deepEqual(hyperbandBands({ max_iter: 81, eta: 3, s: 3 }), [3, 9, 27]);
    assert.deepEqual(hyperbandBands({ max_iter: 18, eta: 3, s: 2 }), [2, 6]);
    assert.deepEqual(hyperbandBands({ max_iter: 9, eta: 3, s: 2 }), [1, 3]);
    assert.deepEqual(hyperbandBands({ max_iter: 5, eta: 2, s: 2 }), [1, 2]);
    // the quotient drops below 1: W&B stops adding bands
    assert.deepEqual(hyperbandBands({ max_iter: 5, eta: 2, s: 5 }), [1, 2]);
    assert.throws(() => hyperbandBands({ max_iter: 2, eta: 3, s: 2 }), /no bands/);
  });

  test('threshold: the value at index ⌊n/eta⌋ of the sorted values at the band', () => {
    assert.equal(bandThreshold([6, 7, 8, 9, 10], 3), 7); // ⌊5/3⌋ = 1
    assert.equal(bandThreshold([6, 7, 8, 9, 10], 2), 8); // ⌊5/2⌋ = 2
    assert.equal(bandThreshold([3, 4, 6], 3), 4);
    assert.equal(bandThreshold([5], 3), 5);
    assert.equal(bandThreshold([], 3), Infinity);
  });

  // bands [1, 3] (max_iter 9, eta 3, s 2). Band 1 (the first values): [1, 5, 9] → ⌊3/3⌋ = 1 → 5.
  // Run 3 (9, 1): strict: its first value 9 > 5 → stop; non-strict: its best 1 ≤ 5 → continue.
  for (const strict of [true, false]) {
    test(`strict ${strict}: ${strict ? 'the value at the band' : 'the best so far'} against the band's cut-off`, () => {
      const s = new HyperbandScheduler({ max_iter: 9, eta: 3, s: 2, strict }, MIN);
      for (const [t, h] of [
        [1, [1, 10]],
        [2, [5, 10]],
        [3, [9, 1]],
      ] as const)
        h.forEach((v, i) => s.onReport(t, i + 1, v));
      assert.deepEqual(
        [1, 2, 3].map((t) => s.evaluate(t).action),
        ['continue', 'continue', strict ? 'stop' : 'continue'],
      );
    });
  }

  test('online: band b applies once b values are logged, at the b-th value; steps are not used; every run is judged', () => {
    const s = new HyperbandScheduler({ min_iter: 2, eta: 2 }, MIN); // bands 2, 4, 8, …
    // trial 1, odd steps (ignored: only the count matters): band 2 at its 2nd value: [0.6] → itself
    assert.equal(s.onReport(1, 10, 1.0).action, 'continue');
    assert.equal(s.onReport(1, 20, 0.6).action, 'continue');
    assert.equal(s.onReport(2, 1, 1.0).action, 'continue', 'one value: no band yet');
    // [0.6, 0.7] → ⌊2/2⌋ = 1 → 0.7; 0.7 > 0.7 is false
    assert.equal(s.onReport(2, 2, 0.7).action, 'continue');
    s.onReport(3, 1, 1);
    assert.equal(s.onReport(3, 2, 0.65).action, 'continue'); // [0.6, 0.65, 0.7][1] = 0.65
    s.onReport(4, 1, 1);
    const d = s.onReport(4, 2, 0.8); // [0.6, 0.65, 0.7, 0.8][2] = 0.7
    assert.deepEqual(d, {
      action: 'stop',
      reason:
        'pruned at milestone 2 (report 2): its value at milestone 2 0.8 is worse than the top-1/2 cut-off 0.7 of 4 runs (hyperband, eta 2)',
    });
    assert.equal(s.evaluate(2).action, 'continue');
    // trial 5's 0.62 lowers the cut-off to [0.6, 0.62, 0.65, 0.7, 0.8][2] = 0.65: trial 2 (0.7), which did not report, now stops
    s.onReport(5, 1, 1);
    assert.equal(s.onReport(5, 2, 0.62).action, 'continue');
    assert.equal(s.evaluate(2).action, 'stop');
    assert.equal(s.evaluate(3).action, 'continue');
    assert.equal(s.evaluate(99).action, 'continue', 'a trial with no reports');
  });

  test('non-finite values are dropped as W&B does (NaN and ±inf): they neither count nor stop', () => {
    const s = new HyperbandScheduler({ min_iter: 1, eta: 2 }, MIN); // bands 1, 2, 4, …
    assert.equal(s.onReport(1, 1, 1).action, 'continue');
    assert.equal(s.onReport(1, 2, Infinity).action, 'continue');
    assert.equal(s.onReport(1, 3, NaN).action, 'continue');
    assert.equal(s.onReport(2, 1, NaN).action, 'continue');
    assert.equal(s.onReport(2, 2, -Infinity).action, 'continue');
    assert.equal(s.onReport(2, 3, 0.5).action, 'continue', "0.5 is trial 2's first value: [0.5, 1][1] = 1");
    assert.deepEqual(s.thresholds().slice(0, 2), [
      { band: 1, threshold: 1, n: 2 },
      { band: 2, threshold: Infinity, n: 0 },
    ]);
    s.onReport(3, 1, 0.4); // [0.4, 0.5, 1][1] = 0.5
    assert.equal(s.evaluate(1).action, 'stop');
    assert.equal(s.evaluate(2).action, 'continue');
  });

  test('each attempt of a rerun is a separate run (W&B): the earlier attempt keeps its values in the bands', () => {
    const s = new HyperbandScheduler({ min_iter: 1, eta: 2 }, MIN); // bands 1, 2, 4, …
    s.onReport(1, 1, 0.2, 1);
    s.onReport(2, 1, 0.9, 1); // [0.2, 0.9][1] = 0.9
    assert.equal(s.onReport(2, 1, 0.25, 2).action, 'continue', 'attempt 2: [0.2, 0.25, 0.9][1] = 0.25');
    assert.deepEqual(s.thresholds()[0], { band: 1, threshold: 0.25, n: 3 });
    assert.equal(s.evaluate(2, 2).action, 'continue');
    assert.equal(s.evaluate(2, 3).action, 'continue', 'attempt 3 has no reports yet: attempt 1’s 0.9 is not its value');
    s.onReport(3, 1, 0.3); // [0.2, 0.25, 0.3, 0.9][2] = 0.3
    assert.equal(s.evaluate(3).action, 'continue');
    s.onReport(4, 1, 0.28); // [0.2, 0.25, 0.28, 0.3, 0.9][2] = 0.28
    assert.equal(s.evaluate(3).action, 'stop');
    // the same (trial, attempt, step) with another value replaces it: 0.28 → 0.5 gives [0.2, 0.25, 0.3, 0.5, 0.9][2] = 0.3
    assert.equal(s.onReport(4, 1, 0.5).action, 'stop');
    assert.deepEqual(s.thresholds()[0], { band: 1, threshold: 0.3, n: 5 });
    assert.equal(s.evaluate(3).action, 'continue');
  });
});

describe('ASHA (Ray AsyncHyperBandScheduler)', () => {
  test('rungs: grace·rf^(k+s) for k < ⌊log(max_t/grace)/log(rf) − s + 1⌋', () => {
    assert.deepEqual(ashaMilestones(1, 10, 2, 0), [1, 2, 4, 8]);
    assert.deepEqual(ashaMilestones(1, 81, 3, 0), [1, 3, 9, 27, 81]);
    assert.deepEqual(ashaMilestones(1, 81, 3, 1), [3, 9, 27, 81]);
    assert.deepEqual(ashaMilestones(2, 20, 3, 0), [2, 6, 18]);
    assert.deepEqual(new AshaScheduler({ max_t: 100, grace_period: 1, reduction_factor: 4, brackets: 3 }, MIN).rungs(), [
      [1, 4, 16, 64],
      [4, 16, 64],
      [16, 64],
    ]);
  });

  test("Ray's _Bracket example (min_t 1, max_t 10, rf 2): rewards 2, 4 continue; 1 stops; cut-offs 3 then 2", () => {
    // rewards (maximize) 2, 4, 1 → minimised values −2, −4, −1
    const s = new AshaScheduler({ max_t: 10, grace_period: 1, reduction_factor: 2 }, MAX);
    assert.equal(s.onReport(1, 1, -2).action, 'continue', 'empty rung: no cut-off');
    assert.equal(s.onReport(2, 1, -4).action, 'continue', '4 ≥ percentile([2], 50) = 2');
    const d = s.onReport(3, 1, -1);
    assert.equal(d.action, 'stop', '1 < percentile([2, 4], 50) = 3');
    assert.equal(
      (d as { reason: string }).reason,
      'pruned at rung 1 (step 1): 1 worse than the 1/2 quantile 3 of 2 trials at milestone 1 (asha)',
    );
    // the fourth sees the cut-off of [2, 4, 1] = 2: reward 2 is not below it
    assert.equal(s.onReport(4, 1, -2).action, 'continue');
  });

  test('top 1/rf by numpy percentile (rf 3, minimise): hand-computed cut-offs', () => {
    const s = new AshaScheduler({ max_t: 27, grace_period: 1, reduction_factor: 3 }, MIN);
    assert.equal(s.onReport(1, 1, 0.5).action, 'continue');
    assert.equal(s.onReport(2, 1, 0.3).action, 'continue', 'reward −0.3 ≥ cut-off −0.5');
    // rewards [−0.5, −0.3], q = 66.67: virtual index 0.667 → −0.3 − 0.2·(1 − 0.667) = −0.3667
    const d3 = s.onReport(3, 1, 0.4);
    assert.equal(d3.action, 'stop', '−0.4 < −0.3667');
    assert.match((d3 as { reason: string }).reason, /^pruned at rung 1 \(step 1\): 0\.4 worse than the 1\/3 quantile 0\.3667 of 2 trials/);
    // rewards [−0.5, −0.4, −0.3]: virtual 1.333 → −0.4 + 0.1·0.333 = −0.3667; 0.35 → −0.35 ≥ → continue
    assert.equal(s.onReport(4, 1, 0.35).action, 'continue');
    // steps between rungs are not judged; rung 2 (step 3) starts empty
    assert.equal(s.onReport(2, 2, 0.1).action, 'continue');
    assert.equal(s.onReport(2, 3, 0.2).action, 'continue');
    assert.equal(s.onReport(4, 3, 0.25).action, 'stop', 'rung 2 holds [−0.2]; −0.25 < −0.2');
  });

  test('max_t stops the trial (and records its value)', () => {
    const s = new AshaScheduler({ max_t: 3, grace_period: 1, reduction_factor: 3 }, MIN);
    assert.equal(s.onReport(1, 1, 0.5).action, 'continue');
    assert.equal(s.onReport(1, 2, 0.4).action, 'continue');
    assert.deepEqual(s.onReport(1, 3, 0.3), { action: 'stop', reason: 'reached max_t 3 (step 3)', budget: true });
  });

  test('a trial that skips a rung is judged at the highest rung reached, then the lower one (Ray’s loop)', () => {
    const s = new AshaScheduler({ max_t: 100, grace_period: 1, reduction_factor: 3 }, MIN);
    s.onReport(1, 1, 0.5);
    s.onReport(1, 3, 0.4);
    // trial 2 reports first at step 3: judged at rung 2 (cut-off of [−0.4] → −0.4): −0.45 < → stop
    assert.equal(s.onReport(2, 3, 0.45).action, 'stop');
    // its next report (step 4) finds rung 2 recorded and rung 1 not: judged there ([−0.5] → −0.5): −0.3 ≥ → continue
    assert.equal(s.onReport(2, 4, 0.3).action, 'continue');
  });

  test('brackets are assigned deterministically from the trial id, with softmax weights', () => {
    const cfg = { max_t: 81, grace_period: 1, reduction_factor: 3, brackets: 3 };
    const a = new AshaScheduler(cfg, MIN);
    const b = new AshaScheduler(cfg, MIN);
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    assert.deepEqual(
      ids.map((i) => a.bracketFor(i)),
      [...ids]
        .reverse()
        .map((i) => b.bracketFor(i))
        .reverse(),
    );
    const counts = [0, 0, 0];
    for (const i of ids) counts[a.bracketFor(i)]++;
    // sizes 5, 4, 3 → softmax weights 0.665, 0.245, 0.090
    assert.ok(Math.abs(counts[0] / 300 - 0.665) < 0.03, `bracket 0: ${counts[0]}`);
    assert.ok(Math.abs(counts[1] / 300 - 0.245) < 0.03, `bracket 1: ${counts[1]}`);
    assert.ok(Math.abs(counts[2] / 300 - 0.09) < 0.03, `bracket 2: ${counts[2]}`);
  });
});

describe('median', () => {
  test('best so far vs the median of finished trials at the same step, after startup and min_steps', () => {
    const s = new MedianScheduler({ min_steps: 2, startup_trials: 2 }, MIN);
    [1.0, 0.8, 0.6].forEach((v, i) => s.onReport(1, i + 1, v));
    s.onComplete(1, 0.6);
    [0.9, 0.7, 0.5].forEach((v, i) => s.onReport(2, i + 1, v));
    assert.equal(s.onReport(3, 1, 5).action, 'continue', 'step 1 < min_steps');
    s.onComplete(2, 0.5);
    // step 2: best 0.75 vs median(0.8, 0.7) = 0.75: not worse
    assert.equal(s.onReport(3, 2, 0.75).action, 'continue');
    // step 3: best 0.7 vs median(0.6, 0.5) = 0.55 → stop
    assert.deepEqual(s.onReport(3, 3, 0.7), {
      action: 'stop',
      reason: 'pruned at step 3: best so far 0.7 worse than the median 0.55 of 2 finished trials at step 3 (median)',
    });
  });

  test('no pruning before startup_trials have finished; steps nobody finished reported are skipped', () => {
    const s = new MedianScheduler({ startup_trials: 2 }, MIN);
    s.onReport(1, 1, 0.1);
    s.onComplete(1, 0.1);
    assert.equal(s.onReport(2, 1, 9).action, 'continue', 'only one finished trial');
    s.onReport(3, 1, 0.2);
    s.onComplete(3, 0.2);
    assert.equal(s.onReport(4, 1, 9).action, 'stop');
    assert.equal(s.onReport(4, 7, 9).action, 'continue', 'no finished trial reported step 7');
  });
});

describe('patience', () => {
  test('stops on exactly the N-th non-improving report', () => {
    const s = new PatienceScheduler({ patience: 3 }, MIN);
    const seq = [1, 0.9, 0.95, 0.92, 0.91];
    const actions = seq.map((v, i) => s.onReport(1, i + 1, v).action);
    assert.deepEqual(actions, ['continue', 'continue', 'continue', 'continue', 'stop']);
    const s2 = new PatienceScheduler({ patience: 3 }, MIN);
    // an improvement resets the count
    assert.deepEqual(
      [1, 2, 2, 0.5, 2, 2, 2].map((v, i) => s2.onReport(1, i + 1, v).action),
      ['continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'stop'],
    );
  });

  test('min_delta: an improvement must be MORE than min_delta', () => {
    const s = new PatienceScheduler({ patience: 2, min_delta: 0.05 }, MIN);
    // 0.95 is not < 1 − 0.05 (wait 1); 0.94 is (best 0.94); 0.9 is not < 0.89 (wait 1); 0.895 (wait 2) → stop
    const out = [1, 0.95, 0.94, 0.9, 0.895].map((v, i) => s.onReport(1, i + 1, v));
    assert.deepEqual(
      out.map((d) => d.action),
      ['continue', 'continue', 'continue', 'continue', 'stop'],
    );
    assert.equal((out[4] as { reason: string }).reason, 'no improvement of more than 0.05 in 2 reports (best 0.94 at step 3; patience 2)');
  });

  test('maximize: reasons show the user’s values; patience 1 stops on the first non-improving report', () => {
    const s = new PatienceScheduler({ patience: 1 }, MAX);
    assert.equal(s.onReport(1, 1, -0.9).action, 'continue');
    assert.deepEqual(s.onReport(1, 2, -0.8), { action: 'stop', reason: 'no improvement in 1 report (best 0.9 at step 1; patience 1)' });
  });

  test('trials are independent', () => {
    const s = new PatienceScheduler({ patience: 2 }, MIN);
    s.onReport(1, 1, 1);
    s.onReport(2, 1, 0.1);
    s.onReport(1, 2, 1.5);
    assert.equal(s.onReport(2, 2, 0.2).action, 'continue');
    assert.equal(s.onReport(1, 3, 1.5).action, 'stop');
  });
});

describe('replays and overwrites', () => {
  const makers = {
    hyperband: () => new HyperbandScheduler({ min_iter: 1, eta: 2 }, MIN),
    asha: () => new AshaScheduler({ max_t: 50, grace_period: 1, reduction_factor: 2 }, MIN),
    median: () => new MedianScheduler({ startup_trials: 1 }, MIN),
    patience: () => new PatienceScheduler({ patience: 2 }, MIN),
  };
  for (const [name, make] of Object.entries(makers)) {
    test(`${name}: the same (trial, step, value) again returns the same decision and changes nothing`, () => {
      const a = make();
      const b = make();
      const feed: [number, number, number][] = [
        [1, 1, 0.5],
        [1, 2, 0.4],
        [1, 3, 0.45],
        [1, 4, 0.46],
        [2, 1, 0.6],
        [2, 2, 0.7],
        [2, 3, 0.8],
        [2, 4, 0.9],
      ];
      for (const [t, st, v] of feed) {
        const d = a.onReport(t, st, v);
        if (t === 1 && st === 4) a.onComplete(1, v);
        assert.deepEqual(a.onReport(t, st, v), d, 'replayed at once');
      }
      for (const [t, st, v] of feed) {
        b.onReport(t, st, v);
        if (t === 1 && st === 4) b.onComplete(1, v);
      }
      for (const [t, st, v] of feed) b.onReport(t, st, v); // a whole replay on top
      for (const [t, st, v] of [
        [3, 1, 0.55],
        [3, 2, 0.65],
        [3, 3, 0.44],
        [3, 4, 0.47],
      ] as const) {
        assert.deepEqual(b.onReport(t, st, v), a.onReport(t, st, v), `trial ${t} step ${st}`);
      }
    });
  }

  test('patience: a rerun attempt overwrites the earlier value of the same step', () => {
    const s = new PatienceScheduler({ patience: 2 }, MIN);
    s.onReport(1, 1, 1);
    s.onReport(1, 2, 2);
    // the rerun reports step 2 again, now an improvement: the count restarts
    assert.equal(s.onReport(1, 2, 0.5).action, 'continue');
    assert.equal(s.onReport(1, 3, 0.6).action, 'continue');
    assert.equal(s.onReport(1, 4, 0.6).action, 'stop');
  });
});

describe('registry', () => {
  test('none/undefined → fifo; each type → its scheduler with the spec’s settings', () => {
    assert.equal(createScheduler(undefined, MIN).name, 'fifo');
    assert.equal(createScheduler({ type: 'none' }, MIN).name, 'fifo');
    const hb = createScheduler({ type: 'hyperband', min_iter: 3, eta: 3, strict: false }, MIN) as HyperbandScheduler;
    assert.equal(hb.name, 'hyperband');
    assert.equal(hb.strict, false);
    assert.deepEqual(hb.bands.slice(0, 2), [3, 9]);
    const asha = createScheduler({ type: 'asha', max_t: 27, grace_period: 1, reduction_factor: 3, brackets: 1 }, MIN) as AshaScheduler;
    assert.deepEqual(asha.rungs(), [[1, 3, 9, 27]]);
    assert.equal((createScheduler({ type: 'median', min_steps: 4 }, MIN) as MedianScheduler).minSteps, 4);
    assert.equal((createScheduler({ type: 'patience', patience: 7, min_delta: 0.1 }, MIN) as PatienceScheduler).patience, 7);
    assert.throws(() => createScheduler({ type: 'bogus' } as never, MIN), /unknown early_terminate type "bogus"/);
  });
});

describe('helpers', () => {
  test('percentile matches numpy (linear)', () => {
    assert.equal(percentile([2, 4], 50), 3);
    assert.equal(percentile([1, 2, 3, 4], 25), 1.75);
    assert.equal(percentile([5], 90), 5);
    assert.equal(percentile([NaN, 1, 3], 50), 2, 'nanpercentile');
    assert.equal(percentile([], 50), undefined);
  });
  test('fmt: four significant digits', () => {
    assert.equal(fmt(0.41), '0.41');
    assert.equal(fmt(0.366666), '0.3667');
    assert.equal(fmt(-0.29), '-0.29');
    assert.equal(fmt(1234.5), '1235');
    assert.equal(fmt(0.000012346), '1.235e-5');
  });
  test('TrialLog.report: judges new reports once, replays the same (step, value), flags overwrites', () => {
    const log = new TrialLog();
    const calls: { overwrite: boolean; logged: number[]; pending: Decision['action'][] }[] = [];
    const stop: Decision = { action: 'stop', reason: 'r' };
    const judge = (d: Decision) => (overwrite: boolean) => {
      calls.push({ overwrite, logged: log.values(), pending: [...log.byStep.values()].map((e) => e.decision.action) });
      return d;
    };
    assert.deepEqual(log.report(1, 0.5, judge({ action: 'continue' })), { action: 'continue' });
    assert.deepEqual(
      calls,
      [{ overwrite: false, logged: [0.5], pending: ['continue'] }],
      'the new value is logged (as continue) before judging',
    );
    assert.equal(log.report(1, 0.5, judge(stop)).action, 'continue', 'a replay returns the stored decision');
    assert.equal(calls.length, 1, 'a replay is not judged');
    assert.equal(log.report(2, NaN, judge(stop)), stop);
    assert.equal(log.report(2, NaN, judge({ action: 'continue' })), stop, 'NaN replays too (Object.is)');
    assert.equal(log.report(1, 0.25, judge(stop)), stop);
    assert.deepEqual(
      calls.at(-1),
      { overwrite: true, logged: [0.25, NaN], pending: ['continue', 'stop'] },
      'an overwrite keeps the step in place',
    );
    assert.equal(log.byStep.get(1)?.decision, stop, 'the decision is stored');
  });
});
