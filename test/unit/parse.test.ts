/** The sweep-file parser on valid input: every W&B key and distribution, Knobs keys, defaults. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { parseDuration } from '../../src/core/space/duration';
import { loadSweepFile, parseSweep, spaceKey } from '../../src/core/space/parse';
import type { NumericParam, ParamSpec, SweepSpec } from '../../src/core/space/types';

const root = path.resolve(__dirname, '../../..');

function ok(text: string): SweepSpec {
  const res = parseSweep(text);
  const errors = res.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'expected no errors');
  assert.ok(res.spec);
  return res.spec;
}
function errs(text: string) {
  const res = parseSweep(text);
  assert.equal(res.spec, undefined);
  return res.diagnostics.filter((d) => d.severity === 'error');
}
const HEAD = 'program: train.py\nmethod: random\nrun_cap: 3\nmetric: {name: loss}\n';
function param(spec: SweepSpec, name: string): ParamSpec {
  const p = spec.space.params.find((x) => x.name === name);
  assert.ok(p, `no param ${name}`);
  return p;
}
function strip(p: ParamSpec) {
  const { loc: _l, path: _p, name: _n, ...rest } = p;
  return rest;
}

test('wandb-full.yaml: every W&B feature parses, with ignored keys reported', () => {
  const file = path.join(root, 'test/fixtures/sweeps/wandb-full.yaml');
  const spec = loadSweepFile(file);
  assert.equal(spec.file, file);
  assert.equal(spec.text, fs.readFileSync(file, 'utf8'));
  assert.equal(spec.name, 'digits-mlp');
  assert.equal(spec.description, 'Tune an MLP on the digits data');
  assert.equal(spec.program, 'train.py');
  assert.deepEqual(spec.command, [
    '${env}',
    '${interpreter}',
    '${program}',
    '--epochs=3',
    '${args}',
    '${args_no_hyphens}',
    '${args_no_boolean_flags}',
    '${args_json}',
    '${args_json_file}',
    '${envvar:DATA_DIR}',
  ]);
  assert.equal(spec.method, 'bayes');
  assert.deepEqual(spec.metric, { name: 'val_loss', goal: 'minimize', target: 0.05 });
  assert.equal(spec.runCap, 40);
  assert.deepEqual(spec.earlyTerminate, { type: 'hyperband', min_iter: 3, eta: 2, strict: false });
  const ignored = spec.diagnostics.filter((d) => d.code === 'ignored-key').map((d) => d.message.match(/^`([^`]+)`/)![1]);
  assert.deepEqual(ignored, [
    'name',
    'description',
    'project',
    'entity',
    'apiVersion',
    'kind',
    'job',
    'image_uri',
    'metric.impute',
    'metric.impute_while_running',
    'controller',
  ]);
  // W&B's deprecated distributions run, with W&B's warning and the `*_values` form to write instead
  const deprecated = spec.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.code, d.severity, d.loc?.line, d.hint]);
  assert.deepEqual(deprecated, [
    [
      'deprecated-distribution',
      'warning',
      spec.locs['parameters.lr_exp.distribution'].line,
      'use `distribution: log_uniform_values` with `min: 0.0001`, `max: 0.1`, the limit values themselves',
    ],
    [
      'deprecated-distribution',
      'warning',
      spec.locs['parameters.width_exp.distribution'].line,
      'use `distribution: q_log_uniform_values` with `min: 7.39`, `max: 403`, `q: 2`, the limit values themselves',
    ],
    [
      'deprecated-distribution',
      'warning',
      spec.locs['parameters.decay_exp.distribution'].line,
      'use `distribution: inv_log_uniform_values` with `min: 0.00674`, `max: 0.368`, the limit values themselves',
    ],
  ]);
  const byName = Object.fromEntries(spec.space.params.map((p) => [p.name, strip(p)]));
  assert.deepEqual(byName, {
    epochs: { kind: 'constant', value: 10 },
    activation: { kind: 'constant', value: 'relu' },
    optimizer: { kind: 'categorical', values: ['adam', 'sgd', 'rmsprop'] },
    loss: { kind: 'categorical', values: ['mse', 'huber'], probabilities: [0.25, 0.75] },
    layers: { kind: 'numeric', distribution: 'int_uniform', integer: true, min: 1, max: 4 },
    dropout: { kind: 'numeric', distribution: 'uniform', integer: false, min: 0, max: 0.5 },
    hidden: { kind: 'numeric', distribution: 'int_uniform', integer: true, min: 32, max: 256 },
    momentum: { kind: 'numeric', distribution: 'uniform', integer: false, min: 0.8, max: 0.99 },
    batch_size: { kind: 'numeric', distribution: 'q_uniform', integer: true, min: 16, max: 256, q: 16 },
    lr_exp: { kind: 'numeric', distribution: 'log_uniform', integer: false, min: -9.21, max: -2.3 },
    lr: { kind: 'numeric', distribution: 'log_uniform_values', integer: false, min: 0.0001, max: 0.1 },
    width_exp: { kind: 'numeric', distribution: 'q_log_uniform', integer: true, min: 2, max: 6, q: 2 },
    width: { kind: 'numeric', distribution: 'q_log_uniform_values', integer: true, min: 8, max: 512, q: 8 },
    decay_exp: { kind: 'numeric', distribution: 'inv_log_uniform', integer: false, min: 1, max: 5 },
    decay: { kind: 'numeric', distribution: 'inv_log_uniform_values', integer: false, min: 0.001, max: 0.5 },
    noise: { kind: 'numeric', distribution: 'normal', integer: false, mu: 0, sigma: 0.1 },
    offset: { kind: 'numeric', distribution: 'q_normal', integer: false, mu: 10, sigma: 2, q: 0.5 },
    scale: { kind: 'numeric', distribution: 'log_normal', integer: false, mu: 0.5, sigma: 0.25 },
    steps: { kind: 'numeric', distribution: 'q_log_normal', integer: true, mu: 4, sigma: 1, q: 10 },
    mix: { kind: 'numeric', distribution: 'beta', integer: false, a: 2, b: 5 },
    mix_q: { kind: 'numeric', distribution: 'q_beta', integer: false, a: 0.5, b: 0.5, q: 0.05 },
    'model.depth': { kind: 'categorical', values: [2, 3] },
    'model.head.units': { kind: 'numeric', distribution: 'int_uniform', integer: true, min: 8, max: 64 },
  });
  assert.deepEqual(param(spec, 'model.head.units').path, ['model', 'head', 'units']);
  assert.equal(param(spec, 'model.head.units').loc?.line, 127);
});

test('omitted distribution: int_uniform only when both bounds are integer literals (1.0 differs from 1)', () => {
  const cases: [string, string][] = [
    ['{min: 1, max: 10}', 'int_uniform'],
    ['{min: 1.0, max: 10}', 'uniform'],
    ['{min: 1, max: 10.0}', 'uniform'],
    ['{min: 0, max: 1e3}', 'uniform'],
    ['{min: -3, max: 0x10}', 'int_uniform'],
    ['{"min": 1.0, "max": 2}', 'uniform'],
    ['{"min": 1, "max": 2}', 'int_uniform'],
  ];
  for (const [src, dist] of cases) {
    const p = param(ok(`${HEAD}parameters:\n  x: ${src}\n`), 'x') as NumericParam;
    assert.equal(p.distribution, dist, src);
    assert.equal(p.integer, dist === 'int_uniform', src);
  }
  // The same through JSON text as a whole file.
  const json = JSON.stringify({ program: 'a.py', method: 'random', run_cap: 2, parameters: { a: { min: 1, max: 3 } } }).replace(
    '"max":3',
    '"max":3.0',
  );
  assert.equal((param(ok(json), 'a') as NumericParam).distribution, 'uniform');
});

test('W&B defaults: q 1.0 (float: not integer), mu 0, sigma 1, beta a=b=1; integer q literal makes integer', () => {
  const spec = ok(
    `${HEAD}parameters:\n` +
      '  qu: {distribution: q_uniform, min: 0, max: 10}\n' +
      '  qi: {distribution: q_uniform, min: 0, max: 10, q: 2}\n' +
      '  qf: {distribution: q_uniform, min: 0, max: 10, q: 2.0}\n' +
      '  n: {distribution: normal}\n' +
      '  ln: {distribution: log_normal}\n' +
      '  qn: {distribution: q_normal}\n' +
      '  qln: {distribution: q_log_normal, q: 1}\n' +
      '  be: {distribution: beta}\n' +
      '  qb: {distribution: q_beta}\n' +
      '  u: {distribution: uniform, min: 1, max: 2}\n' +
      '  cw: {distribution: categorical_w_probabilities, values: [a, b], probabilities: [0.25, 0.75]}\n',
  );
  assert.deepEqual(strip(param(spec, 'qu')), { kind: 'numeric', distribution: 'q_uniform', integer: false, min: 0, max: 10, q: 1 });
  assert.equal((param(spec, 'qi') as NumericParam).integer, true);
  assert.equal((param(spec, 'qf') as NumericParam).integer, false);
  assert.deepEqual(strip(param(spec, 'n')), { kind: 'numeric', distribution: 'normal', integer: false, mu: 0, sigma: 1 });
  assert.deepEqual(strip(param(spec, 'ln')), { kind: 'numeric', distribution: 'log_normal', integer: false, mu: 0, sigma: 1 });
  assert.deepEqual(strip(param(spec, 'qn')), { kind: 'numeric', distribution: 'q_normal', integer: false, mu: 0, sigma: 1, q: 1 });
  assert.equal((param(spec, 'qln') as NumericParam).integer, true);
  assert.deepEqual(strip(param(spec, 'be')), { kind: 'numeric', distribution: 'beta', integer: false, a: 1, b: 1 });
  assert.deepEqual(strip(param(spec, 'qb')), { kind: 'numeric', distribution: 'q_beta', integer: false, a: 1, b: 1, q: 1 });
  // An explicit uniform keeps integer bounds continuous.
  assert.deepEqual(strip(param(spec, 'u')), { kind: 'numeric', distribution: 'uniform', integer: false, min: 1, max: 2 });
  assert.equal(param(spec, 'cw').kind, 'categorical');
});

test('categorical probabilities must sum to 1 and are kept normalised; categorical_w_probabilities spelling accepted', () => {
  const spec = ok(
    `${HEAD}parameters:\n  c: {distribution: categorical_w_probabilities, values: [a, b, c], probabilities: [0.2, 0.3, 0.5]}\n`,
  );
  const c = param(spec, 'c');
  assert.equal(c.kind, 'categorical');
  assert.deepEqual(c.kind === 'categorical' && c.probabilities, [0.2, 0.3, 0.5]);
  const e = errs(`${HEAD}parameters:\n  c: {values: [a, b], probabilities: [1, 3]}\n`);
  assert.equal(e[0].code, 'bad-value');
  assert.match(e[0].message, /sum to 4/);
  assert.equal(errs(`${HEAD}parameters:\n  c: {values: [a, b], probabilities: [-0.5, 1.5]}\n`)[0].code, 'out-of-range');
});

test('values keep any YAML value (lists, maps, booleans, null) and nested parameters give dotted names', () => {
  const spec = ok(
    `${HEAD}parameters:\n  arch: {values: [[64, 64], {depth: 2}, true, null, "1.0"]}\n  opt:\n    parameters:\n      lr: {value: 0.1}\n      sched:\n        parameters:\n          kind: {values: [cos]}\n`,
  );
  assert.deepEqual((param(spec, 'arch') as { values: unknown[] }).values, [[64, 64], { depth: 2 }, true, null, '1.0']);
  assert.deepEqual(
    spec.space.params.map((p) => [p.name, p.path]),
    [
      ['arch', ['arch']],
      ['opt.lr', ['opt', 'lr']],
      ['opt.sched.kind', ['opt', 'sched', 'kind']],
    ],
  );
});

test('log_uniform and inv_log_uniform keep min/max as written; positive bounds required for *_values', () => {
  const spec = ok(
    `${HEAD}parameters:\n  a: {distribution: log_uniform, min: -5, max: 0}\n  b: {distribution: inv_log_uniform_values, min: 0.01, max: 1}\n`,
  );
  assert.deepEqual([(param(spec, 'a') as NumericParam).min, (param(spec, 'a') as NumericParam).max], [-5, 0]);
  for (const d of ['log_uniform_values', 'q_log_uniform_values', 'inv_log_uniform_values']) {
    const e = errs(`${HEAD}parameters:\n  a: {distribution: ${d}, min: -1, max: 1}\n`);
    assert.equal(e[0].code, 'out-of-range', d);
    assert.deepEqual([e[0].loc?.line, e[0].loc?.col], [6, 46 + d.length - 'log_uniform_values'.length], d);
  }
  // W&B: min must be < max for every ranged distribution.
  assert.equal(errs(`${HEAD}parameters:\n  a: {distribution: q_log_uniform, min: 2, max: 2}\n`)[0].code, 'bad-range');
});

test('log_uniform with bounds that look like values gets a warning pointing at log_uniform_values', () => {
  const spec = ok(`${HEAD}parameters:\n  lr: {distribution: log_uniform, min: 0.0001, max: 0.1}\n`);
  const w = spec.diagnostics.find((d) => d.code === 'deprecated-distribution');
  assert.ok(w && w.severity === 'warning');
  assert.equal(w.message, '`lr` uses log_uniform, where min/max are base-e exponents (W&B deprecates it): it samples 1 … 1.11');
  assert.equal(
    w.hint,
    'use `distribution: log_uniform_values` with `min: 1`, `max: 1.11`, the limit values themselves (to sample between 0.0001 and 0.1 instead, write those as its min and max)',
  );
  assert.deepEqual([w.loc?.line, w.loc?.col], [6, 22]);
});

test('deprecated distributions: the `*_values` bounds W&B samples the same values with (params.py)', () => {
  const hint = (d: string, min: number, max: number) =>
    ok(`${HEAD}parameters:\n  a: {distribution: ${d}, min: ${min}, max: ${max}}\n`).diagnostics.find(
      (x) => x.code === 'deprecated-distribution',
    )?.hint;
  assert.match(hint('log_uniform', -9.21, -2.3)!, /: log_uniform_values` with `min: 0.0001`, `max: 0.1`/);
  assert.match(hint('q_log_uniform', 0, 4.6)!, /: q_log_uniform_values` with `min: 1`, `max: 99.5`, `q: 1`/);
  // inv_log_uniform samples exp(-U(min, max)): [e^-max, e^-min]
  assert.match(hint('inv_log_uniform', 2.3, 9.21)!, /: inv_log_uniform_values` with `min: 0.0001`, `max: 0.1`/);
  // tiny bounds are written so that PyYAML reads a number too (it needs the dot and the sign)
  assert.match(hint('log_uniform', -23.026, -20)!, /`min: 1.0e-10`, `max: 2.06e-9`/);
  assert.equal(hint('log_uniform_values', 0.001, 0.1), undefined);
});

test('grid accepts values, constants, int_uniform and q_uniform; rejects other numeric distributions', () => {
  ok(
    'program: a.py\nmethod: grid\nparameters:\n  a: {values: [1, 2]}\n  b: {min: 1, max: 3}\n  c: {distribution: q_uniform, min: 0, max: 1, q: 0.25}\n  d: {value: 3}\n',
  );
  for (const d of ['uniform', 'log_uniform_values', 'normal', 'beta', 'q_log_uniform']) {
    const body = d === 'normal' || d === 'beta' ? `{distribution: ${d}}` : `{distribution: ${d}, min: 0.1, max: 1}`;
    const e = errs(`program: a.py\nmethod: grid\nparameters:\n  a: {values: [1]}\n  lr: ${body}\n`);
    assert.equal(e[0].code, 'grid-continuous');
    assert.equal(e[0].message, `grid search needs a finite set: \`lr\` is ${d}`);
    assert.equal(e[0].hint, 'give `values: [...]` or use int_uniform/q_uniform');
    assert.deepEqual([e[0].loc?.line, e[0].loc?.col], [5, 3]);
  }
});

test('run_cap warning for unbounded methods only', () => {
  for (const m of ['random', 'bayes', 'tpe', 'gp', 'sobol']) {
    const spec = ok(`program: a.py\nmethod: ${m}\nmetric: {name: loss}\nparameters:\n  a: {min: 0.0, max: 1}\n`);
    const w = spec.diagnostics.find((d) => d.code === 'no-run-cap');
    assert.ok(w && w.severity === 'warning', m);
    assert.deepEqual([w.loc?.line, w.loc?.col], [2, 9]);
  }
  const grid = ok('program: a.py\nmethod: grid\nparameters:\n  a: {values: [1]}\n');
  assert.equal(
    grid.diagnostics.find((d) => d.code === 'no-run-cap'),
    undefined,
  );
  // bayes needs a metric; random does not (a warning instead).
  assert.equal(errs('program: a.py\nmethod: bayes\nrun_cap: 2\nparameters:\n  a: {values: [1]}\n')[0].code, 'missing-key');
  const rnd = ok('program: a.py\nmethod: random\nrun_cap: 2\nparameters:\n  a: {values: [1]}\n');
  assert.ok(rnd.diagnostics.some((d) => d.code === 'no-metric'));
  assert.deepEqual(rnd.metric, { name: '', goal: 'minimize' });
});

test('defaults of every SweepSpec field', () => {
  const spec = ok('program: train.py\nmethod: grid\nparameters:\n  a: {values: [1, 2]}\n');
  assert.deepEqual(spec.command, ['${env}', '${interpreter}', '${program}', '${args}']);
  assert.equal(spec.maxConcurrent, 1);
  assert.equal(spec.seed, undefined);
  assert.deepEqual(spec.pointsToEvaluate, []);
  assert.equal(spec.gpusPerTrial, 0);
  assert.equal(spec.gpus, undefined);
  assert.equal(spec.maxFailures, 0);
  assert.equal(spec.maxConsecutiveFailures, 3);
  assert.equal(spec.wandbShim, false);
  assert.deepEqual(spec.executor, { type: 'local' });
  assert.deepEqual(spec.metrics, []);
  assert.equal(spec.trialTimeoutMs, undefined);
  assert.equal(spec.earlyTerminate, undefined);
  assert.equal(spec.file, undefined);
});

test('every Knobs key', () => {
  const spec = ok(
    HEAD +
      [
        'max_concurrent: 4',
        'seed: 42',
        'gpus_per_trial: 0.5',
        'gpus: [0, 2]',
        "metric_regex: 'val_loss=(?<val_loss>[-0-9.e]+)'",
        'extra_metrics: [train_loss, val_acc]',
        'trial_timeout: 1h30m',
        'sweep_timeout: 7200',
        'max_failures: 2',
        'max_consecutive_failures: 5',
        'interpreter: /usr/bin/python3',
        'wandb: shim',
        'executor:',
        '  type: slurm',
        '  partition: gpu',
        '  time: "01:00:00"',
        '  gres: gpu:1',
        '  account: lab',
        '  qos: normal',
        '  extra_args: [--exclusive, --mem=16G]',
        'parameters:',
        '  lr: {min: 0.001, max: 0.1}',
      ].join('\n'),
  );
  assert.equal(spec.maxConcurrent, 4);
  assert.equal(spec.seed, 42);
  assert.equal(spec.gpusPerTrial, 0.5);
  assert.deepEqual(spec.gpus, [0, 2]);
  assert.equal(spec.metricRegex, 'val_loss=(?<val_loss>[-0-9.e]+)');
  assert.deepEqual(spec.metrics, ['train_loss', 'val_acc']);
  assert.equal(spec.trialTimeoutMs, 5_400_000);
  assert.equal(spec.sweepTimeoutMs, 7_200_000);
  assert.equal(spec.maxFailures, 2);
  assert.equal(spec.maxConsecutiveFailures, 5);
  assert.equal(spec.interpreter, '/usr/bin/python3');
  assert.equal(spec.wandbShim, true);
  assert.deepEqual(spec.executor, {
    type: 'slurm',
    partition: 'gpu',
    time: '01:00:00',
    gres: 'gpu:1',
    account: 'lab',
    qos: 'normal',
    extra_args: ['--exclusive', '--mem=16G'],
  });
  assert.equal(spec.diagnostics.filter((d) => d.severity !== 'info').length, 0);
  // Whole GPUs are fine, fractions above 1 are not.
  assert.equal(ok(`${HEAD}gpus_per_trial: 2\nparameters:\n  a: {values: [1]}\n`).gpusPerTrial, 2);
  assert.equal(errs(`${HEAD}gpus_per_trial: -1\nparameters:\n  a: {values: [1]}\n`)[0].code, 'out-of-range');
  // The local executor takes no options.
  assert.equal(errs(`${HEAD}executor: {type: local, partition: gpu}\nparameters:\n  a: {values: [1]}\n`)[0].code, 'unknown-key');
});

test('durations', () => {
  assert.equal(parseDuration('30m'), 1_800_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration(45), 45_000);
  assert.equal(parseDuration(0.25), 250);
  assert.equal(parseDuration('45'), 45_000);
  for (const bad of ['', '30 minutes', 'm', '1x', '-5s', '0s', 0, -1, NaN])
    assert.equal(parseDuration(bad as string | number), undefined, String(bad));
});

test('early_terminate: every type, defaults filled, rules checked', () => {
  const et = (body: string) => ok(`${HEAD}early_terminate: ${body}\nparameters:\n  a: {values: [1]}\n`).earlyTerminate;
  assert.deepEqual(et('{type: hyperband, min_iter: 2}'), { type: 'hyperband', min_iter: 2, eta: 3, strict: true });
  assert.deepEqual(et('{type: hyperband, max_iter: 27, s: 2, eta: 3}'), { type: 'hyperband', max_iter: 27, s: 2, eta: 3, strict: true });
  assert.deepEqual(et('{type: asha, max_t: 20}'), { type: 'asha', max_t: 20, grace_period: 1, reduction_factor: 4, brackets: 1 });
  assert.deepEqual(et('{type: asha, grace_period: 2, reduction_factor: 3, brackets: 2}'), {
    type: 'asha',
    grace_period: 2,
    reduction_factor: 3,
    brackets: 2,
  });
  assert.deepEqual(et('{type: median}'), { type: 'median', min_steps: 0 });
  assert.deepEqual(et('{type: median, min_steps: 4}'), { type: 'median', min_steps: 4 });
  assert.deepEqual(et('{type: patience, patience: 3, min_delta: 0.01}'), { type: 'patience', patience: 3, min_delta: 0.01 });
  assert.deepEqual(et('{type: patience}'), { type: 'patience', patience: 5, min_delta: 0 });
  assert.deepEqual(et('{type: none}'), { type: 'none' });
  const bad = (body: string) => errs(`${HEAD}early_terminate: ${body}\nparameters:\n  a: {values: [1]}\n`)[0];
  assert.equal(bad('{type: hyperband}').code, 'missing-key');
  assert.equal(bad('{type: hyperband, min_iter: 0}').code, 'out-of-range');
  // W&B's engine uses max_iter and s when they are set, and fails on max_iter without s
  assert.equal(bad('{type: hyperband, min_iter: 5, max_iter: 3}').code, 'missing-key');
  const both = parseSweep(`${HEAD}early_terminate: {type: hyperband, min_iter: 5, max_iter: 27, s: 2}\nparameters:\n  a: {values: [1]}\n`);
  assert.deepEqual(both.spec?.earlyTerminate, { type: 'hyperband', max_iter: 27, s: 2, eta: 3, strict: true });
  assert.ok(
    both.diagnostics.some((d) => d.severity === 'warning' && d.code === 'ignored-key' && /min_iter.*ignored/.test(d.message)),
    JSON.stringify(both.diagnostics),
  );
  assert.equal(bad('{type: hyperband, min_iter: 3, strict: maybe}').code, 'bad-type');
  assert.equal(bad('{type: asha, max_t: 3, grace_period: 5}').code, 'bad-range');
  assert.equal(bad('{type: asha, reduction_factor: 1}').code, 'out-of-range');
  assert.equal(bad('{type: none, min_iter: 3}').code, 'unknown-key');
  assert.equal(bad('{min_iter: 3}').code, 'missing-key');
  const e = bad('{type: hyperband, min_iter: 3, eta: 1}');
  assert.equal(e.message, '`early_terminate.eta` is 1 but must be > 1');
});

test('program is optional when the command does not use ${program}', () => {
  const spec = ok('method: grid\ncommand: [python3, -m, mypkg.train, "${args}"]\nparameters:\n  a: {values: [1]}\n');
  assert.equal(spec.program, undefined);
  assert.deepEqual(spec.command, ['python3', '-m', 'mypkg.train', '${args}']);
  const e = errs('method: grid\ncommand: [python3, "${program}"]\nparameters:\n  a: {values: [1]}\n');
  assert.equal(e[0].code, 'missing-key');
  assert.deepEqual([e[0].loc?.line, e[0].loc?.col], [2, 10]);
});

test('points_to_evaluate: nested and dotted keys, constants filled, values checked', () => {
  const spec = ok(
    `${HEAD}parameters:\n  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}\n  bs: {values: [16, 32]}\n  e: {value: 3}\n  opt:\n    parameters:\n      mom: {min: 0.0, max: 1}\n      kind: {values: [adam, sgd]}\n` +
      'points_to_evaluate:\n  - {lr: 0.01, bs: 32, opt: {mom: 0.9, kind: sgd}}\n  - {lr: 0.001, bs: 16, opt.mom: 0.5, opt.kind: adam, e: 3}\n',
  );
  assert.deepEqual(spec.pointsToEvaluate, [
    { lr: 0.01, bs: 32, 'opt.mom': 0.9, 'opt.kind': 'sgd', e: 3 },
    { lr: 0.001, bs: 16, 'opt.mom': 0.5, 'opt.kind': 'adam', e: 3 },
  ]);
  const bad = (pt: string) =>
    errs(
      `${HEAD}parameters:\n  n: {min: 1, max: 5}\n  lx: {distribution: log_uniform, min: -2, max: 0}\n  c: {value: x}\npoints_to_evaluate:\n  - ${pt}\n`,
    )[0];
  assert.equal(bad('{n: 2.5, lx: 0.5}').code, 'bad-value'); // integer param
  assert.equal(bad('{n: 2, lx: 2}').code, 'out-of-range'); // exp(0) = 1 is the top
  assert.equal(bad('{n: 2, lx: 0.5, c: y}').code, 'bad-value'); // constant mismatch
  assert.equal(bad('{n: "2", lx: 0.5}').code, 'bad-type');
  assert.equal(bad('[1, 2]').code, 'bad-type');
  const e = bad('{n: 9, lx: 0.5}');
  assert.deepEqual([e.loc?.line, e.loc?.col], [10, 9]);
});

test('locs map dotted key paths to their source positions', () => {
  const spec = ok(
    'program: train.py\nmethod: grid\nparameters:\n  lr:\n    values: [1, 2]\n  opt:\n    parameters:\n      mom: {values: [0.9]}\ncommand: [a, "${program}"]\n',
  );
  assert.deepEqual(spec.locs.method, { line: 2, col: 1, endLine: 2, endCol: 13 });
  assert.equal(spec.locs['parameters.lr.values'].line, 5);
  assert.equal(spec.locs['parameters.lr.values'].col, 5);
  assert.deepEqual([spec.locs['parameters.opt.parameters.mom'].line, spec.locs['parameters.opt.parameters.mom'].col], [8, 7]);
  assert.deepEqual([spec.locs['command.1'].line, spec.locs['command.1'].col], [9, 14]);
  assert.equal(spec.locs['parameters.lr.values.1'].col, 17);
});

test('spaceKey ignores order, formatting, locs and non-space keys, but sees any space change', () => {
  const a = ok('program: a.py\nmethod: grid\nparameters:\n  lr: {values: [1, 2]}\n  bs: {min: 1, max: 4}\n');
  const b = ok(
    '# comment\nmethod: grid\nrun_cap: 9\nprogram: b.py\nparameters:\n  bs:\n    max: 4\n    min: 1\n  lr:\n    values:\n      - 1\n      - 2\n',
  );
  assert.equal(spaceKey(a.space), spaceKey(b.space));
  assert.doesNotMatch(spaceKey(a.space), /"loc"|"line"/);
  assert.ok(spaceKey(a.space).indexOf('"bs"') < spaceKey(a.space).indexOf('"lr"'));
  const c = ok('program: a.py\nmethod: grid\nparameters:\n  lr: {values: [1, 2]}\n  bs: {min: 1, max: 5}\n');
  assert.notEqual(spaceKey(a.space), spaceKey(c.space));
  const d = ok('program: a.py\nmethod: grid\nparameters:\n  lr: {values: [2, 1]}\n  bs: {min: 1, max: 4}\n');
  assert.notEqual(spaceKey(a.space), spaceKey(d.space), 'value order matters to the samplers');
  const e = ok('program: a.py\nmethod: random\nrun_cap: 3\nparameters:\n  lr: {values: [1, 2]}\n  bs: {min: 1.0, max: 4}\n');
  assert.notEqual(spaceKey(a.space), spaceKey(e.space), 'int_uniform → uniform is a change');
});

test('YAML 1.1 merge keys and anchors (as PyYAML reads them)', () => {
  const spec = ok(`${HEAD}parameters:\n  a: &base {min: 0.0, max: 1}\n  b:\n    <<: *base\n    max: 2\n  c: *base\n`);
  assert.deepEqual(strip(param(spec, 'b')), { kind: 'numeric', distribution: 'uniform', integer: false, min: 0, max: 2 });
  assert.deepEqual(strip(param(spec, 'c')), strip(param(spec, 'a')));
});

test('loadSweepFile: missing file and directory give E_SWEEP_IO; a BOM is tolerated', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-parse-'));
  try {
    assert.throws(
      () => loadSweepFile(path.join(tmp, 'nope.yaml')),
      (e: unknown) => e instanceof KnobsError && e.code === 'E_SWEEP_IO' && /does not exist/.test(e.message),
    );
    assert.throws(
      () => loadSweepFile(tmp),
      (e: unknown) => e instanceof KnobsError && e.code === 'E_SWEEP_IO',
    );
    const f = path.join(tmp, 's.yaml');
    fs.writeFileSync(f, '\ufeffprogram: a.py\nmethod: grid\nparameters:\n  a: {values: [1]}\n');
    assert.equal(loadSweepFile(f).program, 'a.py');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('hostile input ends in an error, never a crash or hang', () => {
  // Billion laughs: 10^9 nodes once expanded.
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  const bomb = errs(`${lines.join('\n')}\nmethod: grid\nparameters:\n  p: {values: *a9}\n`);
  assert.ok(['too-large', 'too-many-aliases'].includes(bomb[0].code), bomb[0].code);
  // Deep nesting, flow and block.
  assert.ok(errs('['.repeat(50_000)).length >= 1);
  const deep = errs(`${HEAD}parameters:\n  p: {values: ${'['.repeat(200)}1${']'.repeat(200)}}\n`);
  assert.equal(deep[0].code, 'too-deep');
  let nested = '';
  for (let i = 0; i < 80; i++) nested += `${'  '.repeat(i + 1)}g${i}:\n${'  '.repeat(i + 2)}parameters:\n`;
  const deepParams = errs(`${HEAD}parameters:\n${nested.replace(/^ {2}/, '  ')}`);
  assert.ok(deepParams.length >= 1);
  // Non-map roots and odd scalars.
  for (const t of ['42', '"text"', 'null', '~', '[]', '{}', '---\n', '? [a]\n: 1\n', '!!binary aGk=', '*unknown']) {
    const r = parseSweep(t);
    assert.equal(r.spec, undefined, t);
    assert.ok(
      r.diagnostics.some((d) => d.severity === 'error' && d.loc && d.hint),
      t,
    );
  }
});

test('random garbage never throws (seeded fuzz)', () => {
  const alphabet = [
    'a',
    ':',
    ' ',
    '\n',
    '-',
    '[',
    ']',
    '{',
    '}',
    ',',
    '"',
    "'",
    '&x',
    '*x',
    '#',
    '1',
    '0.5',
    'min',
    'max',
    'values',
    'parameters',
    'method',
    '\t',
    '!',
    '|',
    '>',
    '?',
    '<<',
  ];
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 500; i++) {
    let t = 'method: grid\nparameters:\n  ';
    const n = Math.floor(rnd() * 60);
    for (let j = 0; j < n; j++) t += alphabet[Math.floor(rnd() * alphabet.length)];
    const r = parseSweep(t);
    assert.ok(Array.isArray(r.diagnostics));
    if (!r.spec)
      assert.ok(
        r.diagnostics.some((d) => d.severity === 'error' && d.hint),
        t,
      );
  }
});

test('a 200 KB sweep file parses; one over 256 KiB is refused at once with a clear error', () => {
  const n = 3_000;
  const lines = ['program: train.py', 'method: random', 'run_cap: 10', 'metric: {name: loss}', 'parameters:'];
  for (let i = 0; i < n; i++) lines.push(`  p${i}: {distribution: log_uniform_values, min: 0.000${(i % 9) + 1}, max: 0.${(i % 9) + 1}5}`);
  const text = `${lines.join('\n')}\n`;
  assert.ok(text.length > 180_000 && text.length < 256 * 1024);
  const spec = ok(text);
  assert.equal(spec.space.params.length, n);
  assert.equal(spec.locs[`parameters.p${n - 1}.max`].line, n + 5);
  const big = `${text}# ${'x'.repeat(300_000)}\n`;
  const { spec: none, diagnostics } = parseSweep(big);
  assert.equal(none, undefined);
  assert.equal(diagnostics[0].code, 'too-large');
  assert.match(diagnostics[0].message, /more than the limit of 256 KiB/);
});
