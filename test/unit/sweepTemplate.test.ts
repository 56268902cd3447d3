/**
 * "New Sweep File": a script's arguments are read (argparse, click, a JS options object) and
 * written as a commented W&B-style sweep file that the core parser accepts with no errors.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseSweep } from '../../src/core/space/parse';
import type { NumericParam, ParamSpec } from '../../src/core/space/types';
import { readScriptArgs, type ScriptArg, sweepTemplate } from '../../src/extension/sweepTemplate';

const root = path.resolve(__dirname, '../../..');
const readRoot = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');

function parsed(text: string): Map<string, ParamSpec> {
  const r = parseSweep(text, { file: 'sweep.yaml' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `template does not parse:\n${text}`);
  assert.ok(r.spec);
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  assert.deepEqual(warnings, [], 'no warnings either');
  return new Map(r.spec.space.params.map((p) => [p.name, p]));
}

test('readScriptArgs: argparse in examples/pytorch-digits/train.py', () => {
  const args = readScriptArgs(readRoot('examples/pytorch-digits/train.py'), 'python');
  const by = new Map(args.map((a) => [a.name, a]));
  assert.deepEqual(by.get('lr'), { name: 'lr', flag: '--lr', type: 'float', default: 3e-3, help: 'Adam learning rate (> 0)' });
  assert.deepEqual(by.get('batch_size'), { name: 'batch_size', flag: '--batch_size', type: 'int', default: 64 });
  assert.deepEqual(by.get('device'), {
    name: 'device',
    flag: '--device',
    type: 'str',
    default: 'auto',
    help: 'auto (cuda if available), cpu, cuda, cuda:N',
  });
  assert.equal(by.get('checkpoint_dir')?.default, null);
  // in source order (the script may gain arguments: check order, not the full list)
  const names = args.map((a) => a.name);
  const expected = [
    'lr',
    'dropout',
    'weight_decay',
    'l1',
    'batch_size',
    'epochs',
    'hidden',
    'layers',
    'seed',
    'split_seed',
    'val_fraction',
    'device',
    'threads',
    'checkpoint_dir',
  ];
  assert.deepEqual(
    names.filter((n) => expected.includes(n)),
    expected,
  );
});

test('readScriptArgs: multi-line argparse with dest, choices, store_true and string defaults', () => {
  const text = [
    'import argparse',
    'p = argparse.ArgumentParser()',
    'p.add_argument(',
    '    "-b", "--batch-size",',
    '    type=int, default="32",',
    ')',
    "p.add_argument('--opt', dest='optimizer', choices=['adam', 'sgd'], default='adam', help='which')",
    'p.add_argument("--amp", action="store_true", help="mixed precision")',
    'p.add_argument("--data")',
    '# p.add_argument("--ghost", default=1)',
  ].join('\n');
  assert.deepEqual(readScriptArgs(text, 'python'), [
    { name: 'batch_size', flag: '--batch-size', type: 'int', default: 32 },
    { name: 'optimizer', flag: '--opt', default: 'adam', choices: ['adam', 'sgd'], help: 'which', type: 'str' },
    { name: 'amp', flag: '--amp', action: 'store_true', type: 'bool', default: false, help: 'mixed precision' },
    { name: 'data', flag: '--data' },
  ]);
});

test('readScriptArgs: click options', () => {
  const args = readScriptArgs(readRoot('test/fixtures/promote/cli_click.py'), 'python');
  assert.deepEqual(
    args.map((a) => [a.name, a.default, a.type]),
    [
      ['lr', 0.001, 'float'],
      ['batch_size', 32, 'int'],
      ['hidden', 64, 'int'],
      ['amp', false, 'bool'],
    ],
  );
});

test('readScriptArgs: the OPTIONS table of examples/tfjs-digits/train.mjs', () => {
  const args = readScriptArgs(readRoot('examples/tfjs-digits/train.mjs'), 'javascript');
  const by = new Map(args.map((a) => [a.name, a]));
  assert.deepEqual(by.get('lr'), { name: 'lr', flag: '--lr', default: 0.003, type: 'float', help: 'Adam learning rate' });
  assert.deepEqual(by.get('hidden'), { name: 'hidden', flag: '--hidden', default: 64, type: 'int', help: 'units per hidden layer' });
  assert.equal(by.get('backend')?.default, 'auto');
  assert.equal(args.length, 11);
});

test('readScriptArgs: a plain defaults object and node:util parseArgs', () => {
  const plain = 'const defaults = { lr: 0.001, batchSize: 32, name: "run", fast: false, fn: compute() };\nconst other = { x: 1 };\n';
  assert.deepEqual(readScriptArgs(plain, 'typescript'), [
    { name: 'lr', flag: '--lr', default: 0.001, type: 'float' },
    { name: 'batchSize', flag: '--batchSize', default: 32, type: 'int' },
    { name: 'name', flag: '--name', default: 'run', type: 'str' },
    { name: 'fast', flag: '--fast', default: false, type: 'bool' },
  ]);
  const pa =
    "import { parseArgs } from 'node:util';\nconst { values } = parseArgs({ options: { lr: { type: 'string', default: '0.01' }, verbose: { type: 'boolean', short: 'v' } } });\n";
  assert.deepEqual(readScriptArgs(pa, 'javascript'), [
    { name: 'lr', flag: '--lr', default: 0.01, type: 'float' },
    { name: 'verbose', flag: '--verbose', type: 'bool' },
  ]);
  assert.deepEqual(readScriptArgs('lr: 1', 'yaml'), []);
});

test('template of examples/pytorch-digits parses with no errors and picks sensible ranges', () => {
  const args = readScriptArgs(readRoot('examples/pytorch-digits/train.py'), 'python');
  const text = sweepTemplate({ program: 'train.py', args, metric: 'val_loss' });
  const ps = parsed(text);
  const lr = ps.get('lr') as NumericParam;
  assert.equal(lr.distribution, 'log_uniform_values');
  assert.ok(Math.abs((lr.min ?? 0) - 3e-4) < 1e-12 && Math.abs((lr.max ?? 0) - 3e-2) < 1e-12, `lr ${lr.min}..${lr.max}`);
  const wd = ps.get('weight_decay') as NumericParam;
  assert.equal(wd.distribution, 'log_uniform_values');
  assert.equal((ps.get('l1') as NumericParam).distribution, 'log_uniform_values'); // default 0: a fixed positive range
  const dropout = ps.get('dropout') as NumericParam;
  assert.equal(dropout.distribution, 'uniform');
  assert.deepEqual([dropout.min, dropout.max], [0, 0.5]);
  assert.deepEqual(ps.get('batch_size'), { ...ps.get('batch_size'), kind: 'categorical', values: [32, 64, 128] });
  assert.deepEqual(ps.get('hidden'), { ...ps.get('hidden'), kind: 'categorical', values: [64, 128, 256] });
  const layers = ps.get('layers') as NumericParam;
  assert.equal(layers.distribution, 'int_uniform');
  assert.deepEqual([layers.min, layers.max], [1, 4]);
  for (const fixed of ['epochs', 'seed', 'split_seed', 'threads', 'device', 'val_fraction'])
    assert.equal(ps.get(fixed)?.kind, 'constant', fixed);
  assert.deepEqual(ps.get('val_fraction'), { ...ps.get('val_fraction'), value: 0.2 });
  // no default: left out with a comment, never passed as --checkpoint_dir=None
  assert.equal(ps.has('checkpoint_dir'), false);
  assert.match(text, /# checkpoint_dir: .*no default/);
  assert.match(text, /^program: train\.py$/m);
  assert.match(text, /^ {2}name: val_loss/m);
  assert.match(text, /^ {2}goal: minimize$/m);
});

test('template of examples/tfjs-digits parses with no errors', () => {
  const args = readScriptArgs(readRoot('examples/tfjs-digits/train.mjs'), 'javascript');
  const text = sweepTemplate({ program: 'train.mjs', args, metric: 'val_acc' });
  const ps = parsed(text);
  assert.equal((ps.get('lr') as NumericParam).distribution, 'log_uniform_values');
  assert.equal(ps.get('backend')?.kind, 'constant');
  assert.match(text, /^ {2}goal: maximize$/m); // inferred from the metric name
});

test('template: choices, bools, switches, odd names and empty args all parse', () => {
  const args: ScriptArg[] = [
    { name: 'optimizer', flag: '--optimizer', choices: ['adam', 'sgd', 'yes'], default: 'adam' },
    { name: 'use_bn', flag: '--use_bn', type: 'bool', default: true },
    { name: 'amp', flag: '--amp', type: 'bool', action: 'store_true', default: false },
    { name: 'label_smoothing', flag: '--label_smoothing', type: 'float', default: 0.7 },
    { name: 'momentum', flag: '--momentum', type: 'float', default: 0.9 },
    { name: 'depth', flag: '--depth', type: 'int', default: 3 },
    { name: 'weird name', flag: '--weird', default: 'a: b' },
    { name: 'note', flag: '--note', default: 'a: b # c' },
    { name: 'temperature', flag: '--temperature', type: 'float' },
    { name: 'lr', flag: '--lr', default: 1e-7 },
    { name: 'lr', flag: '--lr2', default: 5 },
  ];
  const text = sweepTemplate({ program: 'my train.py', args, goal: 'maximize' });
  const ps = parsed(text);
  assert.deepEqual(ps.get('optimizer'), { ...ps.get('optimizer'), kind: 'categorical', values: ['adam', 'sgd', 'yes'] });
  assert.deepEqual(ps.get('use_bn'), { ...ps.get('use_bn'), kind: 'categorical', values: [true, false] });
  assert.equal(ps.has('amp'), false);
  assert.match(text, /# amp: --amp is an argparse store_true switch/);
  const ls = ps.get('label_smoothing') as NumericParam;
  assert.equal(ls.distribution, 'uniform');
  assert.ok((ls.max ?? 0) > 0.7);
  assert.deepEqual(ps.get('momentum'), { ...ps.get('momentum'), kind: 'constant', value: 0.9 });
  const depth = ps.get('depth') as NumericParam;
  assert.deepEqual([depth.distribution, depth.min, depth.max], ['int_uniform', 1, 6]);
  assert.equal(ps.has('weird name'), false);
  assert.match(text, /# "weird name" \(--weird\): not a valid sweep parameter name/);
  assert.deepEqual(ps.get('note'), { ...ps.get('note'), kind: 'constant', value: 'a: b # c' });
  assert.equal((ps.get('temperature') as NumericParam).distribution, 'log_uniform_values');
  const lr = ps.get('lr') as NumericParam;
  assert.ok(Math.abs((lr.min ?? 0) - 1e-8) < 1e-20, `lr.min ${lr.min}`);
  assert.match(text, /^program: "my train\.py"$|^program: my train\.py$/m);
  assert.match(text, /^ {2}name: val_loss/m);
  assert.match(text, /^ {2}goal: maximize$/m);
  // no arguments at all: an example parameter keeps the file valid
  const empty = parsed(sweepTemplate({ program: 'x.py', args: [] }));
  assert.equal(empty.size, 1);
});
