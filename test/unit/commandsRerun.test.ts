/** "Rerun with this config": a one-trial sweep file that parses and proposes exactly the config. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSweep } from '../../src/core/space/parse';
import { rerunFileName, rerunSweepText } from '../../src/extension/commands/rerun';

const ORIGINAL = `# digits sweep
program: train.py
method: bayes
metric:
  name: val_loss
  goal: minimize
parameters:
  lr:                      # learning rate
    distribution: log_uniform_values
    min: 0.0003
    max: 0.03
  batch_size:
    values: [32, 64, 128]
  optimizer:
    parameters:
      momentum: {min: 0.5, max: 0.99}
  epochs:
    value: 20
early_terminate: {type: hyperband, min_iter: 3}
run_cap: 16
max_concurrent: 4
`;

test('the rerun file runs one trial with exactly the given params and keeps the rest', () => {
  const params = { lr: 0.0012345, batch_size: 64, 'optimizer.momentum': 0.9, epochs: 20 };
  const text = rerunSweepText(ORIGINAL, params, 'Knobs: rerun of trial 7');
  const { spec, diagnostics } = parseSweep(text, { file: '/w/sweep.rerun-trial-7.sweep.yaml' });
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.ok(spec);
  assert.equal(spec.runCap, 1);
  assert.equal(spec.maxConcurrent, 1);
  assert.equal(spec.earlyTerminate, undefined, 'no early stopping of the one trial');
  assert.deepEqual(spec.pointsToEvaluate, [params]);
  assert.equal(spec.program, 'train.py');
  assert.equal(spec.method, 'bayes');
  assert.match(text, /^# Knobs: rerun of trial 7/);
  assert.match(text, /# learning rate/, 'comments are kept');
});

test('rerun file names sit beside the original and end in .sweep.yaml', () => {
  assert.equal(rerunFileName('/w/ex/sweep.yaml', 7), '/w/ex/sweep.rerun-trial-7.sweep.yaml');
  assert.equal(rerunFileName('/w/ex/digits.sweep.yml', 7, 2), '/w/ex/digits.rerun-trial-7-2.sweep.yaml');
});
