import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import {
  type BuildArgvOptions,
  buildArgv,
  defaultCommand,
  formatArgsJson,
  formatArgsJsonFile,
  nestConfig,
} from '../../src/core/runner/command';
import type { Config, Space } from '../../src/core/space/types';

const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';

const space: Space = {
  params: [
    { kind: 'numeric', name: 'lr', path: ['lr'], distribution: 'log_uniform_values', min: 1e-6, max: 1, integer: false },
    { kind: 'numeric', name: 'epochs', path: ['epochs'], distribution: 'int_uniform', min: 1, max: 10, integer: true },
    { kind: 'numeric', name: 'dropout', path: ['dropout'], distribution: 'uniform', min: 0, max: 1, integer: false },
    { kind: 'categorical', name: 'act', path: ['act'], values: ['relu', 'gelu'] },
    { kind: 'categorical', name: 'amp', path: ['amp'], values: [true, false] },
    { kind: 'categorical', name: 'bn', path: ['bn'], values: [true, false] },
    { kind: 'constant', name: 'note', path: ['note'], value: null },
  ],
};
const flat = { lr: 1e-5, epochs: 3, dropout: 1, act: 'relu', amp: true, bn: false, note: null };
const config: Config = { ...flat };

function argv(command: string[] | undefined, extra: Partial<BuildArgvOptions> = {}): string[] {
  return buildArgv({
    command,
    program: 'train.py',
    interpreter: 'python',
    space,
    flat,
    config,
    argsJsonFile: '/tmp/trial-1/args.json',
    env: { DATA: '/data/digits', EMPTY: '' },
    platform: 'linux',
    ...extra,
  });
}

const ARGS = ['--lr=1e-05', '--epochs=3', '--dropout=1.0', '--act=relu', '--amp=True', '--bn=False', '--note=None'];
const JSON_TEXT = '{"lr": 1e-05, "epochs": 3, "dropout": 1.0, "act": "relu", "amp": true, "bn": false, "note": null}';

test('every macro expands as W&B does (table)', () => {
  const table: { name: string; command: string[] | undefined; extra?: Partial<BuildArgvOptions>; want: string[] }[] = [
    { name: 'default command', command: undefined, want: ['/usr/bin/env', 'python', 'train.py', ...ARGS] },
    { name: 'empty command is the default', command: [], want: ['/usr/bin/env', 'python', 'train.py', ...ARGS] },
    { name: '${env} dropped on Windows', command: undefined, extra: { platform: 'win32' }, want: ['python', 'train.py', ...ARGS] },
    { name: '${interpreter}', command: ['${interpreter}'], extra: { interpreter: '/usr/bin/python3' }, want: ['/usr/bin/python3'] },
    { name: '${program}', command: ['${program}'], want: ['train.py'] },
    { name: '${args}', command: ['${args}'], want: ARGS },
    {
      name: '${args_no_hyphens}',
      command: ['${interpreter}', '${program}', '${args_no_hyphens}'],
      want: ['python', 'train.py', 'lr=1e-05', 'epochs=3', 'dropout=1.0', 'act=relu', 'amp=True', 'bn=False', 'note=None'],
    },
    {
      name: '${args_no_boolean_flags}',
      command: ['${args_no_boolean_flags}'],
      want: ['--lr=1e-05', '--epochs=3', '--dropout=1.0', '--act=relu', '--amp', '--note=None'],
    },
    { name: '${args_json}', command: ['${program}', '--config', '${args_json}'], want: ['train.py', '--config', JSON_TEXT] },
    {
      name: '${args_json_file}',
      command: ['${program}', '--json-file', '${args_json_file}'],
      want: ['train.py', '--json-file', '/tmp/trial-1/args.json'],
    },
    { name: '${envvar:NAME} whole element', command: ['${envvar:DATA}'], want: ['/data/digits'] },
    { name: '${envvar:NAME} empty value stays an element', command: ['a', '${envvar:EMPTY}', 'b'], want: ['a', '', 'b'] },
    { name: '${envvar:NAME} inside an element', command: ['--data=${envvar:DATA}/train'], want: ['--data=/data/digits/train'] },
    {
      name: 'literal elements pass through',
      command: ['${env}', 'accelerate', 'launch', '--fp16', '${program}'],
      want: ['/usr/bin/env', 'accelerate', 'launch', '--fp16', 'train.py'],
    },
    {
      name: 'embedded list macros are literal, as W&B',
      command: ['--cfg=${args_json_file}', 'x${program}'],
      want: ['--cfg=${args_json_file}', 'x${program}'],
    },
  ];
  for (const row of table) assert.deepEqual(argv(row.command, row.extra), row.want, row.name);
});

test('defaultCommand is W&B default', () => {
  assert.deepEqual(defaultCommand(), ['${env}', '${interpreter}', '${program}', '${args}']);
  defaultCommand().push('x');
  assert.equal(defaultCommand().length, 4, 'a fresh array each call');
});

test('nested parameters: the top-level dict is formatted by Python str(), floats from the space', () => {
  const nestedSpace: Space = {
    params: [
      { kind: 'numeric', name: 'optimizer.lr', path: ['optimizer', 'lr'], distribution: 'uniform', min: 0, max: 1, integer: false },
      { kind: 'categorical', name: 'optimizer.name', path: ['optimizer', 'name'], values: ['adam', "it's"] },
      {
        kind: 'numeric',
        name: 'optimizer.warmup',
        path: ['optimizer', 'warmup'],
        distribution: 'int_uniform',
        min: 0,
        max: 9,
        integer: true,
      },
      { kind: 'numeric', name: 'batch', path: ['batch'], distribution: 'int_uniform', min: 8, max: 64, integer: true },
    ],
  };
  const nestedFlat = { 'optimizer.lr': 1, 'optimizer.name': "it's", 'optimizer.warmup': 2, batch: 32 };
  const cfg = nestConfig(nestedSpace, nestedFlat);
  assert.deepEqual(cfg, { optimizer: { lr: 1, name: "it's", warmup: 2 }, batch: 32 });
  const out = buildArgv({
    command: ['${args}', '${args_json}'],
    interpreter: 'python',
    space: nestedSpace,
    flat: nestedFlat,
    argsJsonFile: 'x.json',
    env: {},
    platform: 'linux',
  });
  assert.deepEqual(out, [
    `--optimizer={'lr': 1.0, 'name': "it's", 'warmup': 2}`,
    '--batch=32',
    `{"optimizer": {"lr": 1.0, "name": "it's", "warmup": 2}, "batch": 32}`,
  ]);
});

test('formatArgsJson / formatArgsJsonFile equal Python json.dumps of the same config', () => {
  const text = formatArgsJson(config, space);
  assert.equal(text, JSON_TEXT);
  assert.equal(formatArgsJsonFile(config, space), text);
  const py = spawnSync(
    PYTHON,
    ['-c', 'import json,sys; d=json.loads(sys.stdin.read()); d["dropout"]=float(d["dropout"]); print(json.dumps(d), end="")'],
    {
      input: JSON.stringify(config),
      encoding: 'utf8',
    },
  );
  assert.equal(py.status, 0, `running ${PYTHON}: ${py.error ?? py.stderr}`);
  assert.equal(text, py.stdout);
});

test('errors: unset env var, bad env var name, unknown macro, missing program', () => {
  const expectError = (fn: () => unknown, code: string, ...fragments: string[]) => {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof KnobsError, String(e));
      assert.equal(e.code, code);
      const text = e.format();
      for (const f of fragments) assert.ok(text.includes(f), `${JSON.stringify(text)} should mention ${f}`);
      assert.ok(e.hint, 'has a hint');
      return true;
    });
  };
  expectError(
    () => argv(['${envvar:NOPE_NOT_SET}'], { sweepFile: 'sweep.yaml' }),
    'E_SPAWN',
    'NOPE_NOT_SET',
    'not set',
    'export NOPE_NOT_SET=',
    'sweep.yaml',
  );
  expectError(() => argv(['--x=${envvar:NOPE_NOT_SET}']), 'E_SPAWN', 'NOPE_NOT_SET');
  expectError(() => argv(['${envvar:1bad}']), 'E_SWEEP_PARSE', '1bad');
  expectError(() => argv(['${arg}']), 'E_SWEEP_PARSE', '${arg}', '${args}');
  expectError(() => argv(['${program}'], { program: undefined }), 'E_SWEEP_PARSE', 'program: train.py');
});

test('config built from flat when not given; argv never goes through a shell', () => {
  const out = buildArgv({
    command: ['${args_no_hyphens}'],
    interpreter: 'python',
    space,
    flat: { ...flat, act: 'a b; rm -rf "$HOME"' },
    argsJsonFile: 'x',
    env: {},
    platform: 'darwin',
  });
  assert.ok(out.includes('act=a b; rm -rf "$HOME"'), 'value kept verbatim in one element');
  assert.equal(out.length, Object.keys(flat).length);
});
