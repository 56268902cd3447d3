/**
 * W&B keys through the real CLI: a file W&B accepts runs with its warnings printed at line:col
 * (duplicate keys, Knobs' old `metrics:` spelling, a deprecated distribution), `--run-cap`
 * silences the "no run_cap" warning, and a file W&B's engine would fail on is refused up front.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlySweep, runCli, state, sweepFolder } from '../support/cli';

test('a W&B file with a duplicate key, `metrics: [names]` and log_uniform runs, with each warning at its line:col', () => {
  const { dir } = sweepFolder(
    `program: freetext.py
method: bayes
method: random
metric: {name: val_loss}
metrics: [acc]
parameters:
  x: {distribution: log_uniform, min: -3, max: 0}
`,
    ['freetext.py'],
  );
  const r = runCli(['run', 'sweep.yaml', '--run-cap', '2'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(
    r.stderr,
    /sweep\.yaml:3:1: warning: the key `method` appears twice in the same map \(first at line 2\); this later value is used/,
  );
  assert.match(r.stderr, /sweep\.yaml:5:1: warning: `metrics:` with plain names is now `extra_metrics:`/);
  assert.match(
    r.stderr,
    /sweep\.yaml:7:21: warning: `x` uses log_uniform, where min\/max are base-e exponents \(W&B deprecates it\): it samples 0\.0498 … 1/,
  );
  assert.doesNotMatch(r.stderr, /run_cap/, '--run-cap gives the cap: no "no run_cap" warning');
  const s = state(onlySweep(dir));
  assert.equal(s.trials.length, 2);
  for (const t of s.trials) {
    assert.equal(t.status, 'completed', t.reason);
    assert.ok((t.params.x as number) >= Math.exp(-3) && (t.params.x as number) <= 1, `x = ${t.params.x} is e^U(-3, 0)`);
    assert.equal(typeof t.last.acc, 'number', 'the names under metrics: are still captured');
  }
});

test('early_terminate without a metric is refused before any trial, at its line:col with a fix', () => {
  const { dir } = sweepFolder(
    `program: freetext.py
method: random
run_cap: 2
early_terminate: {type: hyperband, min_iter: 1}
parameters:
  x: {min: 0.0, max: 1.0}
`,
    ['freetext.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /sweep\.yaml:4:1/);
  assert.match(r.stderr, /`early_terminate` \(hyperband\) needs a `metric`/);
  assert.match(r.stderr, /add `metric: \{name: val_loss, goal: minimize\}`/);
});
