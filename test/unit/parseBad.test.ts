/**
 * Malformed sweep files (test/fixtures/sweeps/bad/): each must give an error with the right code
 * at the exact line:col, a fix hint, and — through loadSweepFile — a KnobsError E_SWEEP_PARSE
 * whose location is that error and whose details list every error with its fix.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { loadSweepFile, parseSweep } from '../../src/core/space/parse';

const root = path.resolve(__dirname, '../../..');
const dir = path.join(root, 'test/fixtures/sweeps/bad');

/** file → [code, line, col, replacement of the quick fix if one is expected] */
const EXPECT: Record<string, [string, number, number, string?]> = {
  'command-not-list.yaml': ['bad-type', 5, 10, '["python","train.py","--epochs","3"]'],
  'controller-type-typo.yaml': ['bad-enum', 5, 9, 'cloud'],
  'early-terminate-no-metric.yaml': ['missing-key', 4, 1],
  'early-terminate-type-typo.yaml': ['bad-enum', 6, 9, 'hyperband'],
  'early-terminate-wrong-key.yaml': ['unknown-key', 8, 3],
  'empty.yaml': ['empty', 1, 1],
  'executor-type-typo.yaml': ['bad-enum', 6, 9, 'slurm'],
  'extra-metrics-not-list.yaml': ['bad-type', 5, 16, '[val_acc]'],
  'gpus-per-trial-fraction.yaml': ['bad-value', 5, 17, '2'],
  'grid-continuous.yaml': ['grid-continuous', 6, 3],
  'grid-probabilities.yaml': ['grid-probabilities', 5, 3],
  'hyperband-eta.yaml': ['out-of-range', 8, 8],
  'hyperband-missing-iter.yaml': ['missing-key', 6, 9],
  'json-trailing-comma.yaml': ['yaml-syntax', 3, 2],
  'max-concurrent-word.yaml': ['bad-type', 5, 17],
  'max-failures-negative.yaml': ['out-of-range', 5, 15],
  'method-custom.yaml': ['custom-method', 2, 9],
  'method-missing.yaml': ['missing-key', 1, 1],
  'method-typo.yaml': ['bad-enum', 2, 9, 'random'],
  'metric-goal-typo.yaml': ['bad-enum', 6, 9, 'maximize'],
  'metric-impute-typo.yaml': ['bad-enum', 6, 11, 'worst'],
  'metric-no-name.yaml': ['missing-key', 5, 3],
  'metric-not-map.yaml': ['bad-type', 4, 9],
  'metric-regex-invalid.yaml': ['bad-regex', 5, 15],
  'metric-regex-no-group.yaml': ['bad-regex', 5, 15],
  'metric-regex-python.yaml': ['bad-regex', 5, 15, '"val_loss=(?<val_loss>[0-9.]+)"'],
  'metrics-beside-metric.yaml': ['metric-and-metrics', 3, 1],
  'metrics-item-not-map.yaml': ['bad-type', 5, 5],
  'metrics-multi-objective.yaml': ['multi-objective-unsupported', 2, 9],
  'metrics-needs-custom.yaml': ['metrics-needs-custom', 4, 1],
  'metrics-one-objective.yaml': ['too-few', 4, 3],
  'nested-params-mixed.yaml': ['key-not-allowed', 7, 5],
  'not-a-map.yaml': ['bad-type', 1, 1],
  'param-bad-distribution.yaml': ['bad-enum', 7, 19, 'log_uniform_values'],
  'param-bad-name.yaml': ['bad-name', 6, 3],
  'param-duplicate-dotted.yaml': ['duplicate-param', 9, 7],
  'param-empty-values.yaml': ['empty', 7, 13],
  'param-int-uniform-float.yaml': ['bad-type', 8, 10, '2'],
  'param-list.yaml': ['bad-type', 6, 15, '{values: [16,32,64]}'],
  'param-log-values-nonpositive.yaml': ['out-of-range', 8, 10],
  'param-min-ge-max.yaml': ['bad-range', 8, 10],
  'param-only-min.yaml': ['missing-key', 6, 3],
  'param-probabilities-length.yaml': ['length-mismatch', 8, 20],
  'param-probabilities-sum.yaml': ['bad-value', 8, 20],
  'param-q-on-uniform.yaml': ['key-not-allowed', 10, 5],
  'param-quoted-number.yaml': ['bad-type', 7, 10, '0.0001'],
  'param-scalar.yaml': ['bad-type', 6, 7, '{value: 0.01}'],
  'param-unknown-key.yaml': ['unknown-key', 6, 20, 'max'],
  'parameters-missing.yaml': ['missing-key', 1, 1],
  'points-missing-param.yaml': ['missing-key', 9, 5],
  'points-out-of-range.yaml': ['out-of-range', 9, 9],
  'points-unknown-param.yaml': ['unknown-param', 9, 16, 'batch_size'],
  'program-missing.yaml': ['missing-key', 1, 1],
  'run-cap-float.yaml': ['bad-type', 3, 10, '11'],
  'run-cap-zero.yaml': ['out-of-range', 3, 10],
  'scheduler-controller-local.yaml': ['scheduler-conflict', 5, 1],
  'scheduler-custom-method.yaml': ['custom-method', 2, 9],
  'scheduler-early-terminate.yaml': ['scheduler-conflict', 6, 1],
  'scheduler-engine-optuna.yaml': ['unsupported-engine', 6, 11],
  'scheduler-no-engine.yaml': ['missing-key', 5, 3],
  'scheduler-search-space.yaml': ['custom-scheduler', 7, 3],
  'scheduler-source.yaml': ['custom-scheduler', 7, 3],
  'trial-timeout-words.yaml': ['bad-duration', 5, 16],
  'unknown-top-key.yaml': ['unknown-key', 5, 1, 'max_concurrent'],
  'wandb-bad.yaml': ['bad-enum', 5, 8],
  'yaml-tab-indent.yaml': ['yaml-syntax', 5, 1],
  'yaml-two-documents.yaml': ['yaml-syntax', 5, 1],
  'yaml-unclosed-bracket.yaml': ['yaml-syntax', 4, 31],
};

test('every bad fixture has an expectation, and there are at least 30', () => {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  assert.deepEqual(files, Object.keys(EXPECT).sort());
  assert.ok(files.length >= 30, `only ${files.length} bad fixtures`);
});

for (const [file, [code, line, col, replacement]] of Object.entries(EXPECT)) {
  test(`bad/${file}: ${code} at ${line}:${col} with a fix`, () => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const res = parseSweep(text, { file });
    assert.equal(res.spec, undefined, 'no spec when there are errors');
    const errors = res.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length >= 1, 'at least one error');
    const first = errors[0];
    assert.equal(first.code, code, first.message);
    assert.deepEqual([first.loc?.line, first.loc?.col], [line, col], first.message);
    assert.ok(first.message.length > 10);
    for (const e of errors) assert.ok(e.hint && e.hint.length > 5, `error without a fix hint: ${e.message}`);
    if (replacement !== undefined) assert.equal(first.fix?.replacement, replacement);

    assert.throws(
      () => loadSweepFile(path.join(dir, file)),
      (e: unknown) => {
        assert.ok(e instanceof KnobsError);
        assert.equal(e.code, 'E_SWEEP_PARSE');
        assert.equal(e.location?.line, line);
        assert.equal(e.location?.col, col);
        assert.equal(e.details.length, errors.length);
        assert.match(e.details[0], new RegExp(`${file.replace('.', '\\.')}:${line}:${col}: `));
        assert.match(e.details[0], /\n {2}fix: /);
        assert.match(e.format(), new RegExp(`:${line}:${col}: `));
        return true;
      },
    );
  });
}

test('a file with several errors lists all of them, each with its position and fix', () => {
  const text = ['program: train.py', 'method: randm', 'run_cap: 0', 'parameters:', '  lr: {min: 1, max: 0}', 'max_concurent: 2', ''].join(
    '\n',
  );
  const res = parseSweep(text, { file: 'multi.yaml' });
  const errors = res.diagnostics.filter((d) => d.severity === 'error');
  const at = errors.map((e) => `${e.code}@${e.loc?.line}:${e.loc?.col}`).sort();
  assert.deepEqual(at, ['bad-enum@2:9', 'bad-range@5:21', 'out-of-range@3:10', 'unknown-key@6:1'].sort());
});
