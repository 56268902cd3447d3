/**
 * W&B keys that Knobs once refused or misread, accepted as W&B accepts them: duplicate keys (the
 * last wins, as in PyYAML), `scheduler: {engine: wandb}`, `controller`, and Knobs' old `metrics:`
 * spelling of `extra_metrics:`. (Their refusals are fixtures in test/fixtures/sweeps/bad/.)
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSweep } from '../../src/core/space/parse';
import type { NumericParam, SweepSpec } from '../../src/core/space/types';

function ok(text: string): SweepSpec {
  const res = parseSweep(text, { file: 'sweep.yaml' });
  assert.ok(res.spec, res.diagnostics.map((d) => `${d.code}@${d.loc?.line}:${d.loc?.col} ${d.message}`).join('\n'));
  return res.spec;
}
const HEAD = 'program: train.py\nmethod: random\nrun_cap: 4\nmetric: {name: val_loss}\n';
const at = (spec: SweepSpec, code: string) =>
  spec.diagnostics.filter((d) => d.code === code).map((d) => [d.severity, d.loc?.line, d.loc?.col]);

test('duplicate keys: the last value wins, as PyYAML (and so W&B) reads them, with a warning at the repeated key', () => {
  const spec = ok(
    `${HEAD}method: grid\nparameters:\n  lr: {values: [1, 2]}\n  bs: {values: [8]}\n  lr:\n    values: [3]\n    values: [4, 5]\n`,
  );
  assert.equal(spec.method, 'grid');
  assert.deepEqual(
    spec.space.params.map((p) => [p.name, p.kind === 'categorical' ? p.values : undefined]),
    [
      ['lr', [4, 5]],
      ['bs', [8]],
    ],
    'the first key keeps its place, the last value is used',
  );
  assert.deepEqual(
    at(spec, 'duplicate-key').sort((a, b) => Number(a[1]) - Number(b[1])),
    [
      ['warning', 5, 1],
      ['warning', 9, 3],
      ['warning', 11, 5],
    ],
  );
  const w = spec.diagnostics.find((d) => d.code === 'duplicate-key')!;
  assert.equal(w.message, 'the key `method` appears twice in the same map (first at line 2); this later value is used, as W&B does');
  assert.equal(w.hint, 'remove one of the two `method` keys');
});

test('a merge (`<<`) is not a duplicate: keys written beside it override it silently, as in PyYAML', () => {
  const spec = ok(`${HEAD}parameters:\n  a: &b {min: 0.1, max: 0.5}\n  lr:\n    <<: *b\n    max: 0.9\n`);
  assert.equal((spec.space.params[1] as NumericParam).max, 0.9);
  assert.deepEqual(at(spec, 'duplicate-key'), []);
});

test('`metrics:` with plain names is the old spelling of extra_metrics: still captured, with a rename warning and fix', () => {
  const spec = ok(`${HEAD}metrics: [train_loss, val_acc]\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
  assert.deepEqual(spec.metrics, ['train_loss', 'val_acc']);
  const w = spec.diagnostics.find((d) => d.code === 'renamed-key')!;
  assert.equal(w.severity, 'warning');
  assert.deepEqual([w.loc?.line, w.loc?.col], [5, 1]);
  assert.equal(w.fix?.replacement, 'extra_metrics');
  assert.match(w.message, /W&B reads `metrics:` as multi-objective/);
  const both = ok(`${HEAD}metrics: [a, b]\nextra_metrics: [b, c]\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
  assert.deepEqual(both.metrics, ['a', 'b', 'c']);
  const plain = ok(`${HEAD}extra_metrics: [a, 3]\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
  assert.deepEqual(plain.metrics, ['a', '3']);
  assert.deepEqual(at(plain, 'renamed-key'), []);
});

test('`scheduler: {engine: wandb}` and `controller: {type: local | cloud}` are accepted with a note', () => {
  const s = ok(`${HEAD}scheduler: {engine: wandb}\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
  assert.deepEqual(at(s, 'ignored-key'), [['info', 5, 1]]);
  assert.match(s.diagnostics.find((d) => d.code === 'ignored-key')!.message, /no other meaning offline/);
  for (const type of ['local', 'cloud']) {
    const c = ok(`${HEAD}controller:\n  type: ${type}\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
    assert.deepEqual(at(c, 'ignored-key'), [['info', 5, 1]]);
  }
  // W&B lets the cloud controller sit beside a scheduler
  ok(`${HEAD}controller: {type: cloud}\nscheduler: {engine: wandb}\nparameters:\n  lr: {min: 0.1, max: 0.5}\n`);
});

test('early_terminate without a metric is refused, except `type: none`', () => {
  const body = 'program: train.py\nmethod: random\nrun_cap: 4\nparameters:\n  lr: {min: 0.1, max: 0.5}\n';
  const res = parseSweep(`${body}early_terminate: {type: asha, max_t: 9}\n`);
  assert.equal(res.spec, undefined);
  const e = res.diagnostics.find((d) => d.severity === 'error')!;
  assert.equal(e.message, '`early_terminate` (asha) needs a `metric` to judge trials by, and there is none: nothing would ever be stopped');
  assert.deepEqual([e.loc?.line, e.loc?.col], [6, 1]);
  ok(`${body}early_terminate: {type: none}\n`);
});
