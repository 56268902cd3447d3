/**
 * The lr range test's analysis on synthetic curves whose answer is known exactly, the plan
 * (env/argv), and runLrFind on a small fake script (node) that diverges.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyseLrFind, cyclicLrArgs, type LrPoint, lrAt, planLrFind, smoothLosses, sweepRange } from '../../src/core/analysis/lrFinder';
import { runLrFind } from '../../src/core/analysis/runLrFind';
import { groupAlive } from '../../src/core/runner/localExecutor';
import { parseSweep } from '../../src/core/space/parse';

const ROOT = path.resolve(__dirname, '../../..');

describe('lrAt: the exponential ramp', () => {
  const ramp = { minLr: 1e-6, maxLr: 1, steps: 61 };
  it('starts at min, ends at max, a decade every 10 steps, clamped outside', () => {
    assert.equal(lrAt(ramp, 0), 1e-6);
    assert.ok(Math.abs(lrAt(ramp, 60) - 1) < 1e-12);
    assert.ok(Math.abs(lrAt(ramp, 40) / 1e-2 - 1) < 1e-12);
    assert.equal(lrAt(ramp, -5), 1e-6);
    assert.ok(Math.abs(lrAt(ramp, 500) - 1) < 1e-12);
  });
});

describe('smoothLosses: EMA 0.98 with bias correction', () => {
  it('keeps a constant curve constant and matches the formula', () => {
    for (const s of smoothLosses([2, 2, 2, 2])) assert.ok(Math.abs(s - 2) < 1e-12);
    const [a, b] = smoothLosses([1, 3]);
    assert.ok(Math.abs(a - 1) < 1e-12);
    // avg = 0.98·0.02 + 0.02·3 = 0.0796; / (1 − 0.98²) = 0.0396
    assert.ok(Math.abs(b - 0.0796 / 0.0396) < 1e-12);
  });
  it('is NaN from the first non-finite loss on', () => {
    const s = smoothLosses([1, NaN, 1]);
    assert.ok(Number.isNaN(s[1]) && Number.isNaN(s[2]));
  });
});

/** x = log10 lr in −6 … 0 by 0.1 (61 points): a tanh step centred at x = −2, divergence past −0.5. */
function tanhCurve(): LrPoint[] {
  const ramp = { minLr: 1e-6, maxLr: 1, steps: 61 };
  const pts: LrPoint[] = [];
  for (let i = 0; i < 61; i++) {
    const lr = lrAt(ramp, i);
    const x = -6 + i / 10;
    pts.push({ lr, loss: x > -0.45 ? 100 : 1.5 - Math.tanh(2 * (x + 2)) });
  }
  return pts;
}

describe('analyseLrFind on a known synthetic curve', () => {
  it('no smoothing (β = 0): steepest descent exactly at lr = 1e-2, stop at 4× the best', () => {
    const pts = tanhCurve();
    const a = analyseLrFind(pts, { beta: 0 });
    assert.equal(a.stopIndex, 56, 'the first point at loss 100 (> 4 × best)');
    assert.equal(a.diverged, true);
    assert.equal(a.minIndex, 55);
    assert.equal(a.suggestion?.method, 'steepest');
    assert.equal(a.suggestion?.index, 40);
    assert.equal(a.suggestion?.maxLr, pts[40].lr);
    assert.ok(Math.abs(a.suggestion!.maxLr - 1e-2) < 1e-15);
    assert.ok(Math.abs(a.suggestion!.baseLr - 2.5e-3) < 1e-15, 'base = max / 4');
    assert.deepEqual(
      { low: +a.suggestion!.baseLrRange.low.toPrecision(12), high: +a.suggestion!.baseLrRange.high.toPrecision(12) },
      { low: 1e-3, high: 2.5e-3 },
    );
    assert.deepEqual(sweepRange(a.suggestion!, a), { distribution: 'log_uniform_values', min: 0.001, max: 0.03 });
    assert.deepEqual(cyclicLrArgs(a.suggestion!), { base_lr: 0.0025, max_lr: 0.01 });
  });

  it('with the default EMA (0.98) the steepest point lags the raw one but stays in the descent', () => {
    const pts = tanhCurve();
    const a = analyseLrFind(pts);
    assert.equal(a.suggestion?.method, 'steepest');
    // the EMA delays the curve: the steepest smoothed slope is after x = −2, before the minimum
    assert.ok(a.suggestion!.index > 40 && a.suggestion!.index < a.minIndex, `index ${a.suggestion!.index}`);
    assert.ok(a.stopIndex <= 61);
  });

  it('a descent too short for a slope: one decade below the minimum (min/10)', () => {
    const ramp = { minLr: 1e-4, maxLr: 1, steps: 5 };
    const losses = [2, 1.5, 1.0, 0.8, 100];
    const pts = losses.map((loss, i) => ({ lr: lrAt(ramp, i), loss }));
    const a = analyseLrFind(pts, { beta: 0 });
    assert.equal(a.stopIndex, 4);
    assert.equal(a.minIndex, 3);
    assert.equal(a.suggestion?.method, 'min/10');
    assert.equal(a.suggestion?.maxLr, pts[3].lr / 10);
    assert.match(a.note!, /one decade below the minimum/);
  });

  it('a curve that only rises has no descent: min/10 at its first point', () => {
    const ramp = { minLr: 1e-5, maxLr: 1e-1, steps: 40 };
    const pts = Array.from({ length: 40 }, (_, i) => ({ lr: lrAt(ramp, i), loss: 2 + 0.001 * i }));
    const a = analyseLrFind(pts, { beta: 0 });
    assert.equal(a.diverged, false);
    assert.equal(a.stopIndex, 40);
    assert.equal(a.suggestion?.method, 'min/10');
    assert.equal(a.suggestion?.maxLr, pts[0].lr / 10);
    assert.match(a.note!, /never descends/);
  });

  it('no suggestion when the loss diverges at once; NaN counts as divergence', () => {
    const a = analyseLrFind([
      { lr: 1e-3, loss: 1 },
      { lr: 1e-2, loss: NaN },
    ]);
    assert.equal(a.stopIndex, 1);
    assert.equal(a.suggestion, undefined);
    assert.match(a.note!, /smaller min lr/);
    assert.throws(() => analyseLrFind([{ lr: 0, loss: 1 }]), /must be finite and > 0/);
  });
});

describe('planLrFind', () => {
  it('script mode: argv, KNOBS_LR_* and the helpers on PYTHONPATH; no trial variables', () => {
    const plan = planLrFind({
      script: 'train.py',
      interpreter: '/usr/bin/python3',
      env: { PATH: '/usr/bin', KNOBS_TRIAL_ID: '3', PYTHONPATH: '/x' },
      minLr: 1e-6,
      maxLr: 1,
      steps: 50,
    });
    assert.deepEqual(plan.argv, ['/usr/bin/python3', 'train.py']);
    assert.equal(plan.env.KNOBS_LR_FIND, '1');
    assert.equal(plan.env.KNOBS_LR_MIN, '0.000001');
    assert.equal(Number(plan.env.KNOBS_LR_MAX), 1);
    assert.equal(plan.env.KNOBS_LR_STEPS, '50');
    assert.equal(plan.env.KNOBS_TRIAL_ID, undefined);
    assert.equal(plan.env.PYTHONPATH, `${path.join(ROOT, 'helpers', 'python')}${path.delimiter}/x`);
    assert.throws(() => planLrFind({ script: 'train.py', env: {}, minLr: 1, maxLr: 0.1 }), /must be a number > min lr/);
  });

  it('sweep mode: the sweep command with the centre of the space', () => {
    const text =
      'program: train.py\nmethod: random\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.01}\n  batch_size: {values: [32, 64, 128]}\n  epochs: {value: 3}\n';
    const { spec } = parseSweep(text);
    const plan = planLrFind({ sweep: spec!, interpreter: 'python3', env: { PATH: '/usr/bin' } });
    assert.deepEqual(plan.argv, ['/usr/bin/env', 'python3', 'train.py', '--lr=0.001', '--batch_size=64', '--epochs=3']);
    assert.deepEqual(JSON.parse(plan.env.KNOBS_PARAMS!), { lr: 0.001, batch_size: 64, epochs: 3 });
  });
});

describe('runLrFind with a fake script', () => {
  const script = `
    const min = +process.env.KNOBS_LR_MIN, max = +process.env.KNOBS_LR_MAX, steps = +process.env.KNOBS_LR_STEPS;
    let step = 0;
    setInterval(() => {
      const lr = min * Math.pow(max / min, Math.min(step, steps - 1) / (steps - 1));
      const loss = lr < 1e-2 ? 2 - 100 * lr : 1 + 1e4 * (lr - 1e-2);
      process.stdout.write('@@knobs ' + JSON.stringify({ step, metrics: { loss, lr } }) + '\\n');
      step++;
    }, 2);
  `;

  it('parses the reports, stops the process group once the loss diverges, and suggests a max_lr in the ramp', async () => {
    const plan = planLrFind({ script: '-e', interpreter: process.execPath, env: process.env, minLr: 1e-5, maxLr: 1, steps: 200 });
    plan.argv.push(script);
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrf-')), 'stdout.log');
    const r = await runLrFind({ argv: plan.argv, cwd: os.tmpdir(), env: plan.env, stdoutPath: log, graceMs: 500 });
    assert.equal(r.stoppedBy, 'diverged');
    assert.equal(r.exitSignal, 'SIGTERM');
    assert.equal(groupAlive(r.pid), false);
    assert.ok(r.points.length >= 10 && r.points.length < 200);
    assert.equal(r.points[0].lr, 1e-5);
    const s = r.analysis.suggestion!;
    assert.ok(s.maxLr >= 1e-5 && s.maxLr <= 1e-2, `max_lr ${s.maxLr}`);
    assert.match(fs.readFileSync(log, 'utf8'), /@@knobs/);
  });

  it('stops on abort and rejects a program that cannot start', async () => {
    const plan = planLrFind({ script: '-e', interpreter: process.execPath, env: process.env, minLr: 1e-5, maxLr: 1e-4, steps: 1000000 });
    plan.argv.push(script);
    const ac = new AbortController();
    const running = runLrFind({
      argv: plan.argv,
      cwd: os.tmpdir(),
      env: plan.env,
      signal: ac.signal,
      onPoint: (_p, i) => i === 5 && ac.abort(),
      graceMs: 500,
    });
    const r = await running;
    assert.equal(r.stoppedBy, 'aborted');
    assert.ok(r.points.length >= 6);
    await assert.rejects(runLrFind({ argv: ['/nonexistent/python-xyz', 'train.py'], cwd: os.tmpdir(), env: {} }), /could not start/);
  });
});
