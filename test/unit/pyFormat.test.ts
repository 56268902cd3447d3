import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createRng } from '../../src/core/random/rng';
import { isFloatValue, pyFloatRepr, pyJsonDumps, pyRepr, pyStr, pyStringRepr, pyStrParam } from '../../src/core/runner/pyFormat';
import type { CategoricalParam, ConstantParam, NumericParam, ParamSpec } from '../../src/core/space/types';

const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';

test('pyFloatRepr matches Python repr for the documented cases', () => {
  const cases: [number, string][] = [
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [123456789012345.0, '123456789012345.0'],
    [9999999999999998, '9999999999999998.0'],
    [0.1, '0.1'],
    [1.0, '1.0'],
    [100.0, '100.0'],
    [1.5e-7, '1.5e-07'],
    [-2.5e-10, '-2.5e-10'],
    [1.2345e20, '1.2345e+20'],
    [1e100, '1e+100'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-3.25, '-3.25'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  for (const [x, want] of cases) assert.equal(pyFloatRepr(x), want, `repr(${x})`);
});

test('pyStr: ints, floats, booleans, None, strings, containers', () => {
  const cases: [Parameters<typeof pyStr>[0], Parameters<typeof pyStr>[1], string][] = [
    [3, {}, '3'],
    [3, { float: true }, '3.0'],
    [1e-5, {}, '1e-05'],
    [1e21, {}, '1000000000000000000000'],
    [1e21, { float: true }, '1e+21'],
    [2.5, { float: false }, '2.5'],
    [-0, {}, '0'],
    [true, {}, 'True'],
    [false, {}, 'False'],
    [null, {}, 'None'],
    ['adam', {}, 'adam'],
    ["it's", {}, "it's"],
    [[1, 'a', 2.5], {}, "[1, 'a', 2.5]"],
    [[], {}, '[]'],
    [{}, {}, '{}'],
    [{ a: 1 }, {}, "{'a': 1}"],
    [
      { opt: { lr: 0.001, name: 'adam', nesterov: true, decay: null } },
      {},
      "{'opt': {'lr': 0.001, 'name': 'adam', 'nesterov': True, 'decay': None}}",
    ],
    [[[1, 2], { k: ['x'] }], {}, "[[1, 2], {'k': ['x']}]"],
    [[NaN, Infinity, -Infinity], {}, '[nan, inf, -inf]'],
  ];
  for (const [v, opts, want] of cases) assert.equal(pyStr(v, opts), want, JSON.stringify(v));
});

test('pyStr: floatAt marks nested numbers as floats', () => {
  const s = pyStr({ lr: 1, layers: [64, 128], w: 2 }, { floatAt: (path) => path[0] === 'lr' || path[0] === 'w' });
  assert.equal(s, "{'lr': 1.0, 'layers': [64, 128], 'w': 2.0}");
});

test('pyStringRepr follows Python quote and escape rules', () => {
  const cases: [string, string][] = [
    ['abc', "'abc'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`it's "x"`, `'it\\'s "x"'`],
    ['a\\b', "'a\\\\b'"],
    ['line\nnext\ttab\rcr', "'line\\nnext\\ttab\\rcr'"],
    ['\x00\x1f\x7f', "'\\x00\\x1f\\x7f'"],
    ['é中😀', "'é中😀'"],
    ['\xa0', "'\\xa0'"],
    ['\u2028', "'\\u2028'"],
    ['\u200b', "'\\u200b'"],
    ['\ud800', "'\\ud800'"],
    ['\u{e0001}', "'\\U000e0001'"],
    ['', "''"],
  ];
  for (const [s, want] of cases) assert.equal(pyStringRepr(s), want, JSON.stringify(s));
  assert.equal(pyRepr(['a', "b'c"]), `['a', "b'c"]`);
});

test('pyJsonDumps matches json.dumps spacing, floats, escapes and non-finite', () => {
  assert.equal(pyJsonDumps({ lr: 0.001, n: 3, ok: true, x: null, s: 'a"b' }), '{"lr": 0.001, "n": 3, "ok": true, "x": null, "s": "a\\"b"}');
  assert.equal(pyJsonDumps({ lr: 1 }, { floatAt: () => true }), '{"lr": 1.0}');
  assert.equal(pyJsonDumps([NaN, Infinity, -Infinity, 1e-5]), '[NaN, Infinity, -Infinity, 1e-05]');
  assert.equal(pyJsonDumps('é😀\n\x7f/'), '"\\u00e9\\ud83d\\ude00\\n\\u007f/"');
  assert.equal(pyJsonDumps({ a: [], b: {} }), '{"a": [], "b": {}}');
});

const numeric = (integer: boolean): NumericParam => ({
  kind: 'numeric',
  name: 'x',
  path: ['x'],
  distribution: integer ? 'int_uniform' : 'uniform',
  min: 0,
  max: 10,
  integer,
});

test('pyStrParam: numeric params by `integer`, categorical/constant by literal hints', () => {
  assert.equal(pyStrParam(numeric(false), 2), '2.0');
  assert.equal(pyStrParam(numeric(true), 2), '2');
  assert.equal(pyStrParam(numeric(false), 0.00001), '1e-05');
  const cat: CategoricalParam = { kind: 'categorical', name: 'c', path: ['c'], values: [1, 2, 'relu', true] };
  assert.equal(pyStrParam(cat, 1), '1');
  assert.equal(pyStrParam(cat, 'relu'), 'relu');
  assert.equal(pyStrParam(cat, true), 'True');
  // A parser that records float literals (`values: [1.0, 2]`) makes 1.0 print as a float.
  const hinted = { ...cat, floatValues: [true, false, false, false] } as CategoricalParam;
  assert.equal(pyStrParam(hinted, 1), '1.0');
  assert.equal(pyStrParam(hinted, 2), '2');
  const constant = { kind: 'constant', name: 'k', path: ['k'], value: 5, float: true } as ConstantParam;
  assert.equal(pyStrParam(constant, 5), '5.0');
  const plain: ParamSpec = { kind: 'constant', name: 'k', path: ['k'], value: 5 };
  assert.equal(pyStrParam(plain, 5), '5');
  assert.equal(isFloatValue(plain, 'x'), undefined);
});

test('pyFloatRepr and pyStr agree with the real Python on random values', () => {
  const rng = createRng(1234);
  const floats: number[] = [];
  for (let i = 0; i < 400; i++) {
    const mant = rng.next() * 10 - 5;
    const exp = rng.int(60) - 30;
    floats.push(mant * 10 ** exp);
    floats.push(Math.round(rng.next() * 1e6) / 10 ** rng.int(8));
  }
  const strings = ["a'b", 'x"y', `q'"z`, 'tab\there', 'uni\u00e9\u0301', '\u0085', 'ok'];
  const py = spawnSync(
    PYTHON,
    [
      '-c',
      'import json,sys\nd=json.load(sys.stdin)\nprint(json.dumps([[repr(float(x)) for x in d["f"]], [repr(s) for s in d["s"]], json.dumps(d["obj"])]))',
    ],
    { input: JSON.stringify({ f: floats.map((x) => x.toString()), s: strings, obj: { lr: 0.5, name: 'é', n: [1, 2] } }), encoding: 'utf8' },
  );
  assert.equal(py.status, 0, `running ${PYTHON} (set KNOBS_PYTHON): ${py.error ?? py.stderr}`);
  const [reprs, strReprs, dumped] = JSON.parse(py.stdout) as [string[], string[], string];
  floats.forEach((x, i) => assert.equal(pyFloatRepr(x), reprs[i], `float ${x}`));
  strings.forEach((s, i) => assert.equal(pyStringRepr(s), strReprs[i], `string ${JSON.stringify(s)}`));
  assert.equal(pyJsonDumps({ lr: 0.5, name: 'é', n: [1, 2] }), dumped);
});
