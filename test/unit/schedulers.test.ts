/**
 * Schedulers, on hand-computed examples:
 * - W&B hyperband: the band lists and the runs its own tests stop (wandb/sweeps
 *   tests/test_hyperband_stopping.py), worked out by hand below, in both strict modes;
 * - ASHA: Ray's _Bracket example and the top-1/rf rule with numpy's percentile, max_t, brackets;
 * - median: the median of finished trials at the same step, after startup and min_steps;
 * - patience: stops on exactly the N-th non-improving report;
 * - the registry; replays and overwrites per (trial, step).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ashaMilestones, AshaScheduler } from '../../src/core/schedulers/asha';
import { fmt, percentile, TrialLog } from '../../src/core/schedulers/common';
import { bandThreshold, HyperbandScheduler, hyperbandBands } from '../../src/core/schedulers/hyperband';
import { MedianScheduler } from '../../src/core/schedulers/median';
import { PatienceScheduler } from '../../src/core/schedulers/patience';
import { createScheduler } from '../../src/core/schedulers/registry';
import type { Decision } from '../../src/core/schedulers/scheduler';

const MIN = { goal: 'minimize' as const };
const MAX = { goal: 'maximize' as const };
const stops = (d: Decision) => d.action === 'stop';

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

  /** Feeds whole histories, then asks for each running trial's decision (W&B's controller pass). */
  function snapshot(cfg: ConstructorParameters<typeof HyperbandScheduler>[0], runs: { h: number[]; running: boolean }[], goal: 'minimize' | 'maximize' = 'minimize') {
    const s = new HyperbandScheduler(cfg, { goal });
    runs.forEach((r, i) => r.h.forEach((v, k) => s.onReport(i + 1, k + 1, goal === 'maximize' ? -v : v)));
    runs.forEach((r, i) => {
      if (!r.running) s.onComplete(i + 1, undefined);
    });
    return runs.map((r, i) => (r.running && stops(s.evaluate(i + 1)) ? i : -1)).filter((i) => i >= 0);
  }

  // wandb/sweeps test_eta_3: bands at 1 and 3. Band 1 (index 1): [9, 10, 8, 7, 6] → sorted
  // [6, 7, 8, 9, 10][⌊5/3⌋ = 1] = 7; band 3 (index 3): [3, 4, 6][1] = 4.
  // b (10, 10): closest band 1 (1 < 2): 10 > 7 → stop. c (…, 8, 3): band 3: 3 ≤ 4 (strict: history[3] = 3;
  // best 3). d: 4 ≤ 4. e (10, 6, 6, 6): 6 > 4 → stop. a is finished.
  const eta3 = [
    { h: [10, 9], running: false },
    { h: [10, 10], running: true },
    { h: [10, 8, 8, 3], running: true },
    { h: [10, 7, 7, 4], running: true },
    { h: [10, 6, 6, 6], running: true },
  ];
  for (const strict of [true, false]) {
    test(`test_eta_3 (strict ${strict}): stops b and e`, () => {
      assert.deepEqual(snapshot({ max_iter: 9, eta: 3, s: 2, strict }, eta3), [1, 4]);
      const negated = eta3.map((r) => ({ ...r, h: r.h.map((v) => -v) }));
      assert.deepEqual(snapshot({ max_iter: 9, eta: 3, s: 2, strict }, negated, 'maximize'), [1, 4], 'maximize');
    });
  }

  test('test_5runs_band1_stop_2: bands [1, 2], thresholds 8 and 7 → stops b and c', () => {
    // band 1: [9, 10, 8, 7, 6] sorted, index ⌊5/2⌋ = 2 → 8; band 2: [8, 7, 6] index 1 → 7
    const runs = [
      { h: [10, 9], running: false },
      { h: [10, 10], running: true },
      { h: [10, 8, 8], running: true },
      { h: [10, 7, 7], running: true },
      { h: [10, 6, 6], running: false },
    ];
    assert.deepEqual(snapshot({ max_iter: 5, eta: 2, s: 2 }, runs), [1, 2]);
    assert.deepEqual(snapshot({ max_iter: 5, eta: 2, s: 2, strict: false }, runs), [1, 2]);
  });

  test('test_2runs_band1_pass and min_iter bands: the worked W&B cases', () => {
    // bands [2, 6]; band 2: [6, 8] → 6; run a (10, 10, 6): 6 ≤ 6 passes; run b 10..1: band 6 → 4 ≤ 4
    assert.deepEqual(snapshot({ max_iter: 18, eta: 3, s: 2 }, [{ h: [10, 10, 6], running: true }, { h: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], running: true }]), []);
    // min_iter 3: band 3: [10, 7] → ⌊2/3⌋ = 0 → 7; the flat run (10 ×4) stops
    const desc = Array.from({ length: 10 }, (_, i) => 10 - i);
    assert.deepEqual(snapshot({ min_iter: 3, eta: 3 }, [{ h: [10, 10, 10, 10], running: true }, { h: desc, running: true }]), [0]);
    // a single run is never stopped
    assert.deepEqual(snapshot({ max_iter: 18, eta: 3, s: 2 }, [{ h: desc, running: true }]), []);
  });

  test('strict compares the value at the band; non-strict the best so far', () => {
    // bands [1, 3] (max_iter 9, eta 3, s 2). At band 1 (index 1): values [1, 5, 9] → ⌊3/3⌋ = 1 → 5.
    // Trial 3 (1, 9): strict: 9 > 5 → stop; non-strict: best 1 ≤ 5 → continue.
    const runs = [
      { h: [10, 1], running: true },
      { h: [10, 5], running: true },
      { h: [1, 9], running: true },
    ];
    assert.deepEqual(snapshot({ max_iter: 9, eta: 3, s: 2, strict: true }, runs), [2]);
    assert.deepEqual(snapshot({ max_iter: 9, eta: 3, s: 2, strict: false }, runs), []);
  });

  test('online: a milestone applies once more than b values are logged; steps are not used', () => {
    const s = new HyperbandScheduler({ min_iter: 2, eta: 2 }, MIN); // bands 2, 4, 8, …
    // trial 1: 3 reports with odd steps (ignored: only the count matters)
    assert.equal(s.onReport(1, 10, 1.0).action, 'continue');
    assert.equal(s.onReport(1, 20, 0.8).action, 'continue');
    assert.equal(s.onReport(1, 30, 0.6).action, 'continue'); // band 2 reached: values [0.6] → itself
    assert.equal(s.onReport(2, 1, 1.0).action, 'continue');
    assert.equal(s.onReport(2, 2, 0.9).action, 'continue', '2 values: band 2 not yet (needs more than 2)');
    // third value 0.7: band 2 values [0.6, 0.7] → ⌊2/2⌋ = 1 → 0.7; 0.7 > 0.7 is false
    assert.equal(s.onReport(2, 3, 0.7).action, 'continue');
    // trial 3: third value 0.65 → [0.6, 0.65, 0.7][⌊3/2⌋ = 1] = 0.65 → continue; trial 4: 0.8 → [.6,.65,.7,.8][2] = 0.7 → stop
    s.onReport(3, 1, 1);
    s.onReport(3, 2, 1);
    assert.equal(s.onReport(3, 3, 0.65).action, 'continue');
    s.onReport(4, 1, 1);
    s.onReport(4, 2, 1);
    const d = s.onReport(4, 3, 0.8);
    assert.equal(d.action, 'stop');
    assert.equal(
      (d as { reason: string }).reason,
      'pruned at milestone 2 (report 3): its value at milestone 2 0.8 is worse than the top-1/2 cut-off 0.7 of 4 trials (hyperband, eta 2)',
    );
  });

  test('non-finite values are not counted; NaN stops', () => {
    const s = new HyperbandScheduler({ min_iter: 1, eta: 2 }, MIN);
    s.onReport(1, 1, 1);
    assert.equal(s.onReport(1, 2, Infinity).action, 'continue', 'not a valid value: not counted');
    assert.deepEqual(s.onReport(1, 3, NaN), { action: 'stop', reason: 'reported NaN' });
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
    assert.equal((d as { reason: string }).reason, 'pruned at rung 1 (step 1): 1 worse than the 1/2 quantile 3 of 2 trials at milestone 1 (asha)');
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
    assert.deepEqual(ids.map((i) => a.bracketFor(i)), [...ids].reverse().map((i) => b.bracketFor(i)).reverse());
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
    assert.deepEqual([1, 2, 2, 0.5, 2, 2, 2].map((v, i) => s2.onReport(1, i + 1, v).action), ['continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'stop']);
  });

  test('min_delta: an improvement must be MORE than min_delta', () => {
    const s = new PatienceScheduler({ patience: 2, min_delta: 0.05 }, MIN);
    // 0.95 is not < 1 − 0.05 (wait 1); 0.94 is (best 0.94); 0.9 is not < 0.89 (wait 1); 0.895 (wait 2) → stop
    const out = [1, 0.95, 0.94, 0.9, 0.895].map((v, i) => s.onReport(1, i + 1, v));
    assert.deepEqual(out.map((d) => d.action), ['continue', 'continue', 'continue', 'continue', 'stop']);
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
        [1, 1, 0.5], [1, 2, 0.4], [1, 3, 0.45], [1, 4, 0.46], [2, 1, 0.6], [2, 2, 0.7], [2, 3, 0.8], [2, 4, 0.9],
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
      for (const [t, st, v] of [[3, 1, 0.55], [3, 2, 0.65], [3, 3, 0.44], [3, 4, 0.47]] as const) {
        assert.deepEqual(b.onReport(t, st, v), a.onReport(t, st, v), `trial ${t} step ${st}`);
      }
    });
  }

  test('a rerun attempt overwrites the earlier value of the same step', () => {
    const s = new PatienceScheduler({ patience: 2 }, MIN);
    s.onReport(1, 1, 1);
    s.onReport(1, 2, 2);
    // the rerun reports step 2 again, now an improvement: the count restarts
    assert.equal(s.onReport(1, 2, 0.5).action, 'continue');
    assert.equal(s.onReport(1, 3, 0.6).action, 'continue');
    assert.equal(s.onReport(1, 4, 0.6).action, 'stop');
    const h = new HyperbandScheduler({ min_iter: 1, eta: 2 }, MIN); // bands 1, 2, 4, …
    h.onReport(1, 1, 1);
    h.onReport(1, 2, 0.2);
    h.onReport(2, 1, 1);
    h.onReport(2, 2, 0.9);
    h.onReport(3, 1, 1);
    // band 1 (second values): [0.2, 0.3, 0.9] → index ⌊3/2⌋ = 1 → 0.3; 0.3 is not worse
    assert.equal(h.onReport(3, 2, 0.3).action, 'continue');
    // trial 2's rerun reports step 2 again with 0.25: it replaces 0.9 → [0.2, 0.25, 0.3] → 0.25
    assert.equal(h.onReport(2, 2, 0.25).action, 'continue');
    assert.deepEqual(h.thresholds()[0], { band: 1, threshold: 0.25, n: 3 });
    assert.equal(h.evaluate(3).action, 'stop', 'trial 3 (0.3) is now worse than 0.25');
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
    assert.deepEqual(calls, [{ overwrite: false, logged: [0.5], pending: ['continue'] }], 'the new value is logged (as continue) before judging');
    assert.equal(log.report(1, 0.5, judge(stop)).action, 'continue', 'a replay returns the stored decision');
    assert.equal(calls.length, 1, 'a replay is not judged');
    assert.equal(log.report(2, NaN, judge(stop)), stop);
    assert.equal(log.report(2, NaN, judge({ action: 'continue' })), stop, 'NaN replays too (Object.is)');
    assert.equal(log.report(1, 0.25, judge(stop)), stop);
    assert.deepEqual(calls.at(-1), { overwrite: true, logged: [0.25, NaN], pending: ['continue', 'stop'] }, 'an overwrite keeps the step in place');
    assert.equal(log.byStep.get(1)?.decision, stop, 'the decision is stored');
  });
});
