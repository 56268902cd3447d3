/** rewriteLrRange / findLrParam: the lr block's min/max values are replaced, every other byte kept. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparkline } from '../../src/cli/commands/insight';
import { findLrParam, rewriteLrRange } from '../../src/core/analysis/lrParam';
import { parseSweep } from '../../src/core/space/parse';

const TEXT = `program: train.py   # the script
method: random
metric: {name: loss, goal: minimize}
parameters:
  optimizer:
    parameters:
      momentum:
        min: 0.8
        max: 0.99
      learning_rate:
        distribution: log_uniform_values
        min: 1e-5   # low
        max: 0.1
run_cap: 3
`;

test('the nested learning_rate block: only its min/max values change', () => {
  const spec = parseSweep(TEXT, { file: '/x/sweep.yaml' }).spec!;
  const p = findLrParam(spec);
  assert.equal(p.name, 'optimizer.learning_rate');
  const out = rewriteLrRange(spec, p, { min: 0.00042, max: 0.0096 });
  assert.equal(out, TEXT.replace('min: 1e-5   # low', 'min: 0.00042   # low').replace('max: 0.1\n', 'max: 0.0096\n'));
  const again = parseSweep(out).spec!.space.params.find((x) => x.name === 'optimizer.learning_rate')!;
  assert.ok(again.kind === 'numeric' && again.min === 0.00042 && again.max === 0.0096);
});

test('a categorical lr or a log_uniform (exponent) range is refused with a fix hint; --param picks another', () => {
  const cat = parseSweep('program: t.py\nmetric: {name: loss}\nmethod: grid\nparameters:\n  lr:\n    values: [0.1, 0.01]\n').spec!;
  assert.throws(
    () => findLrParam(cat),
    (e: Error & { hint?: string }) => /categorical/.test(e.message) && !!e.hint,
  );
  const exp = parseSweep(
    'program: t.py\nmethod: random\nmetric: {name: loss}\nrun_cap: 2\nparameters:\n  lr:\n    distribution: log_uniform\n    min: -9\n    max: -2\n',
  ).spec!;
  assert.throws(() => rewriteLrRange(exp, findLrParam(exp), { min: 0.001, max: 0.01 }), /log_uniform/);
  const spec = parseSweep(TEXT).spec!;
  assert.equal(findLrParam(spec, 'optimizer.momentum').name, 'optimizer.momentum');
  assert.throws(() => findLrParam(spec, 'nope'), /no parameter `nope`/);
});

test('sparkline: low loss is a low bar, the diverging tail is clipped', () => {
  assert.equal(sparkline([2, 1, 0, 1, 100]), '█▅▁▅█');
  assert.equal(sparkline([]), '');
});
