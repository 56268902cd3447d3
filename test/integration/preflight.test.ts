/**
 * The first sweep on a user's script, through the real CLI and a real Python script (an
 * mnist/main.py look-alike: hyphenated flags, `Test set: Average loss: 0.04`): New Sweep File's
 * generator writes a sweep that pre-flight passes and that runs with its metric captured; the
 * sweep issue 14's user wrote by hand (argparse dest names, a metric never printed) is refused
 * by `knobs run` before any trial, and `knobs validate` says why, at line:col.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { sweepFileFor } from '../../src/extension/sweepTemplate';
import { onlySweep, runCli, SCRIPTS, state, sweepDirs, sweepFolder } from '../support/cli';

const handWritten = `program: mnist_style.py
method: random
run_cap: 2
metric:
  name: val_loss
  goal: minimize
parameters:
  batch_size:
    values: [32, 64]
  lr:
    distribution: log_uniform_values
    min: 0.1
    max: 10
  epochs:
    value: 2
`;

test('New Sweep File on the mnist-style script, then `knobs run` with 2 trials: both complete with test_loss captured from the test print only', () => {
  const script = fs.readFileSync(path.join(SCRIPTS, 'mnist_style.py'), 'utf8');
  // the budget is what a user shortens for a first try; everything else as generated
  const yaml = sweepFileFor('mnist_style.py', script, 'python').yaml.replace(/^( {4}value: )14$/m, '$12');
  const { dir } = sweepFolder(yaml, ['mnist_style.py']);
  const v = runCli(['validate', 'sweep.yaml'], { cwd: dir });
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.doesNotMatch(v.stdout, /warning|error/);
  const r = runCli(['run', 'sweep.yaml', '--run-cap', '2'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning/);
  const s = state(onlySweep(dir));
  assert.equal(s.trials.length, 2);
  for (const t of s.trials) {
    assert.equal(t.status, 'completed', JSON.stringify(t));
    assert.deepEqual(Object.keys(t.last), ['test_loss'], "the train loop's `Loss:` is not read");
    assert.ok(Number.isFinite(t.value) && t.value! > 0 && t.value! < 1, `test_loss ${t.value}`);
    assert.equal(t.params.epochs, 2);
    assert.ok([32, 64, 128].includes(t.params['batch-size'] as number));
  }
});

test('the hand-written sweep: `knobs validate` names each problem at line:col; `knobs run` refuses it before any trial, unless --no-preflight', () => {
  const { dir } = sweepFolder(handWritten, ['mnist_style.py']);
  const v = runCli(['validate', 'sweep.yaml'], { cwd: dir });
  assert.equal(v.code, 1, v.stdout);
  assert.match(
    v.stdout,
    new RegExp(
      [
        /^sweep\.yaml:8:3: error: `batch_size` is passed as --batch_size=…, but mnist_style\.py has no --batch_size flag: /.source,
        /argparse rejects it, so every trial would fail\n {2}fix: the flag is --batch-size: name the parameter `batch-size`$/.source,
      ].join(''),
      'm',
    ),
  );
  assert.match(
    v.stdout,
    /^sweep\.yaml:5:9: warning: the metric `val_loss` appears in none of mnist_style\.py's prints or logging calls: it prints `Loss`, `loss`, `Accuracy`/m,
  );
  assert.doesNotMatch(v.stdout, /: ok ·/);
  const json = JSON.parse(runCli(['validate', 'sweep.yaml', '--json'], { cwd: dir }).stdout);
  assert.equal(json.ok, false);
  assert.deepEqual(
    json.diagnostics.map((d: { code: string }) => d.code),
    ['unknown-flag', 'metric-not-printed'],
  );

  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /sweep\.yaml:8:3: `batch_size` is passed as --batch_size=…/);
  assert.match(r.stderr, /or start anyway with --no-preflight/);
  assert.match(r.stderr, /sweep\.yaml:5:9: warning: the metric `val_loss` appears in none/);
  assert.deepEqual(sweepDirs(dir), [], 'no sweep was created');

  // forced: the trials crash as the check said they would
  const forced = runCli(['run', 'sweep.yaml', '--no-preflight'], { cwd: dir });
  assert.match(forced.stderr, /sweep\.yaml:8:3: error: `batch_size` is passed as --batch_size=…/);
  const s = state(onlySweep(dir));
  assert.ok(s.trials.length >= 1);
  for (const t of s.trials) assert.equal(t.status, 'failed', JSON.stringify(t));
});
