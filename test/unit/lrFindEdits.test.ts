/**
 * What the lr-finder panel's buttons write, on real files: the sweep-file range edit (through the
 * core's rewriteLrRange, comments and layout kept) and the CyclicLR edit in Python (literals in
 * place, parameter reads through promote). The edited Python is checked by a real interpreter.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyseLrFind, cyclicLrArgs, sweepRange } from '../../src/core/analysis/lrFinder';
import { parseLrFindResult } from '../../src/core/analysis/lrFindResult';
import { findLrParam, rewriteLrRange } from '../../src/core/analysis/lrParam';
import { KnobsError } from '../../src/core/errors';
import { applyEdits } from '../../src/core/promote/edits';
import { parseSweep } from '../../src/core/space/parse';
import { lrFindData, readLrFindResult, restoredResultFile } from '../../src/extension/insight/lrFind';
import { cyclicLrEdits, findCyclicLrCalls, minimalChange, sweepBoundsEdit } from '../../src/extension/insight/lrFindEdits';
import { parseLrFindData } from '../../src/protocol/lrFindMessages';

const ROOT = path.resolve(__dirname, '../../..');
const EX = path.join(ROOT, 'examples', 'pytorch-digits');
const SWEEP = fs.readFileSync(path.join(EX, 'sweep.yaml'), 'utf8');
const TRAIN = fs.readFileSync(path.join(EX, 'train.py'), 'utf8');
const PY = process.env.KNOBS_PYTHON ?? '/usr/bin/python3';

const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  return y.map((l, i) => (l === x[i] ? -1 : i)).filter((i) => i >= 0);
};

test('minimalChange is one replacement that rebuilds the new text', () => {
  for (const [a, b] of [
    ['min: 0.0003\nmax: 0.03\n', 'min: 0.0003\nmax: 0.009\n'],
    ['abc', 'abc'],
    ['', 'x'],
    ['x', ''],
    ['aXa', 'aYYa'],
    ['aaaa', 'aa'],
  ]) {
    const c = minimalChange(a, b);
    assert.equal(a.slice(0, c.start) + c.newText + a.slice(c.end), b, `${a} → ${b}`);
    assert.ok(c.start <= c.end);
  }
});

test('sweepBoundsEdit on the PyTorch example: the same text as knobs lr-find --write, only lr min/max lines change', () => {
  const file = path.join(EX, 'sweep.yaml');
  const range = { min: 0.00012, max: 0.0036 };
  const e = sweepBoundsEdit({ file, text: SWEEP, range });
  const spec = parseSweep(SWEEP, { file }).spec!;
  assert.equal(e.text, rewriteLrRange(spec, findLrParam(spec), range), 'reuses the CLI --write text');
  assert.equal(e.param, 'lr');
  assert.equal(e.distributionWas, undefined);
  assert.deepEqual(
    changedLines(SWEEP, e.text).map((i) => e.text.split('\n')[i]),
    ['    min: 0.00012', '    max: 0.0036'],
  );
  assert.equal(SWEEP.slice(0, e.change.start) + e.change.newText + SWEEP.slice(e.change.end), e.text);
  const lr = parseSweep(e.text).spec!.space.params.find((p) => p.name === 'lr')!;
  assert.deepEqual(
    [lr.kind === 'numeric' && lr.distribution, lr.kind === 'numeric' && lr.min, lr.kind === 'numeric' && lr.max],
    ['log_uniform_values', 0.00012, 0.0036],
  );
  // comments elsewhere are untouched
  assert.ok(e.text.includes('# model-based search: GP or TPE, chosen by the space (printed at start)'));
});

test('sweepBoundsEdit switches another distribution to log_uniform_values, keeping comments and indentation', () => {
  const uniform = `program: train.py
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  learning_rate:   # the optimizer's step
    distribution: uniform   # was linear
    min: 0.001
    max: 0.1
  dropout:
    min: 0.0
    max: 0.5
`;
  const e = sweepBoundsEdit({ file: '/w/sweep.yaml', text: uniform, range: { min: 0.0003, max: 0.009 } });
  assert.equal(e.param, 'learning_rate');
  assert.equal(e.distributionWas, 'uniform');
  assert.equal(
    e.text,
    uniform
      .replace('distribution: uniform   # was linear', 'distribution: log_uniform_values   # was linear')
      .replace('min: 0.001', 'min: 0.0003')
      .replace('max: 0.1', 'max: 0.009'),
  );

  // no distribution key (W&B infers uniform from float min/max): a line is inserted above min
  const inferred =
    'program: t.py\nmethod: random\nparameters:\n    lr:\n        min: 0.01\n        max: 1.0\n    epochs:\n        value: 3\n';
  const f = sweepBoundsEdit({ file: '/w/s.yaml', text: inferred, range: { min: 0.001, max: 0.03 } });
  assert.equal(
    f.text,
    'program: t.py\nmethod: random\nparameters:\n    lr:\n        distribution: log_uniform_values\n        min: 0.001\n        max: 0.03\n    epochs:\n        value: 3\n',
  );

  // log_uniform's min/max are exponents: switched, and then they are lrs
  const expo = 'program: t.py\nmethod: random\nparameters:\n  lr:\n    distribution: log_uniform\n    min: -9.2\n    max: -2.3\n';
  const g = sweepBoundsEdit({ file: '/w/s.yaml', text: expo, range: { min: 0.0001, max: 0.1 } });
  assert.equal(
    g.text,
    'program: t.py\nmethod: random\nparameters:\n  lr:\n    distribution: log_uniform_values\n    min: 0.0001\n    max: 0.1\n',
  );

  // CRLF files keep CRLF
  const crlf = inferred.replace(/\n/g, '\r\n');
  assert.ok(!/[^\r]\n/.test(sweepBoundsEdit({ file: '/w/s.yaml', text: crlf, range: { min: 0.001, max: 0.03 } }).text));
});

test('sweepBoundsEdit refuses what it cannot write, saying why', () => {
  const cases: [string, RegExp][] = [
    ['program: t.py\nmethod: random\nparameters:\n  lr:\n    values: [0.1, 0.01]\n', /categorical|not a numeric range/],
    ['program: t.py\nmethod: random\nparameters:\n  dropout:\n    min: 0.0\n    max: 0.5\n', /no parameter named lr/],
    ['program: t.py\nmethod: random\nparameters:\n  lr: {min: 0.001, max: 0.1}\n', /one line|flow/],
    ['program: [t.py\n', /does not parse/],
  ];
  for (const [text, why] of cases) {
    assert.throws(
      () => sweepBoundsEdit({ file: '/w/s.yaml', text, range: { min: 0.001, max: 0.01 } }),
      (e: unknown) => e instanceof KnobsError && why.test(e.message),
      text,
    );
  }
  assert.throws(() => sweepBoundsEdit({ file: '/w/s.yaml', text: SWEEP, range: { min: 0.1, max: 0.01 } }), /0 < min < max/);
  // --param picks another parameter
  assert.equal(
    sweepBoundsEdit({ file: '/w/s.yaml', text: SWEEP, range: { min: 1e-6, max: 1e-3 }, param: 'weight_decay' }).param,
    'weight_decay',
  );
});

function pythonParses(text: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-clr-'));
  const f = path.join(dir, 'train.py');
  fs.writeFileSync(f, text);
  const r = spawnSync(PY, ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', f], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
}

/** argparse defaults of a Python script, read by the interpreter from the AST. */
function argparseDefaults(text: string): Record<string, unknown> {
  const code = `
import ast, json, sys
out = {}
for n in ast.walk(ast.parse(sys.stdin.read())):
    if isinstance(n, ast.Call) and getattr(n.func, 'attr', '') == 'add_argument' and n.args and isinstance(n.args[0], ast.Constant):
        for k in n.keywords:
            if k.arg == 'default':
                try: out[n.args[0].value.lstrip('-')] = ast.literal_eval(k.value)
                except Exception: pass
print(json.dumps(out))`;
  const r = spawnSync(PY, ['-c', code], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('CyclicLR in the PyTorch example: its arguments read args.base_lr and args.lr, so their argparse defaults are promoted', () => {
  const calls = findCyclicLrCalls(TRAIN);
  assert.equal(calls.length, 1);
  assert.deepEqual(
    calls[0].args.map((a) => [a.arg, a.literal, a.reads]),
    [
      ['base_lr', false, 'base_lr'],
      ['max_lr', false, 'lr'],
    ],
  );
  const plan = cyclicLrEdits(TRAIN, { base_lr: 0.00075, max_lr: 0.0042 });
  assert.deepEqual(plan.missing, []);
  assert.deepEqual(
    plan.edits.map((e) => [e.name, e.oldText, e.newText]),
    [
      ['lr (CyclicLR max_lr)', '3e-3', '4.2e-3'],
      ['base_lr (CyclicLR base_lr)', 'None', '0.00075'],
    ],
  );
  const out = applyEdits(TRAIN, plan.edits);
  pythonParses(out);
  const d = argparseDefaults(out);
  assert.equal(d.lr, 0.0042);
  assert.equal(d.base_lr, 0.00075);
  assert.equal(changedLines(TRAIN, out).length, 2, 'two lines change');
  // already there: nothing to do
  const again = cyclicLrEdits(out, { base_lr: 0.00075, max_lr: 0.0042 });
  assert.equal(again.edits.length, 0);
  assert.equal(again.unchanged.length, 2);
});

test('CyclicLR literals are rewritten in place (keyword and positional), dict reads are promoted, calls elsewhere ignored', () => {
  const src = `import torch
cfg = {"lr": 0.01, "clr_max": 0.2}
# CyclicLR(opt, base_lr=9, max_lr=9) in a comment is not a call
s = "CyclicLR(opt, 1, 2)"
sched = torch.optim.lr_scheduler.CyclicLR(
    opt,
    base_lr=1e-4,   # lower
    max_lr=cfg["clr_max"],
    step_size_up=200,
)
other = CyclicLR(opt, 0.001, 0.1)
`;
  const plan = cyclicLrEdits(src, { base_lr: 0.00025, max_lr: 0.003 });
  assert.equal(plan.calls, 2);
  const out = applyEdits(src, plan.edits);
  assert.match(out, /base_lr=2\.5e-4, {3}# lower/, 'the exponent style is kept');
  assert.match(out, /cfg = \{"lr": 0\.01, "clr_max": 0\.003\}/, 'the dict key it reads is promoted');
  assert.match(out, /other = CyclicLR\(opt, 0\.001, 0\.1\)/, 'only the first call is written');
  assert.match(out, /# CyclicLR\(opt, base_lr=9, max_lr=9\)/);
  pythonParses(out);

  const positional = cyclicLrEdits('s = CyclicLR(opt, 0.001, 0.1, step_size_up=10)\n', { base_lr: 0.0002, max_lr: 0.004 });
  assert.equal(
    applyEdits('s = CyclicLR(opt, 0.001, 0.1, step_size_up=10)\n', positional.edits),
    's = CyclicLR(opt, 0.0002, 0.004, step_size_up=10)\n',
  );

  const none = cyclicLrEdits('import torch\nopt = 1\n', { base_lr: 1, max_lr: 2 });
  assert.equal(none.calls, 0);
  const unknown = cyclicLrEdits('s = CyclicLR(opt, base_lr=compute(), max_lr=args.top)\n', { base_lr: 1e-4, max_lr: 1e-3 });
  assert.equal(unknown.edits.length, 0);
  assert.deepEqual(unknown.missing, ['base_lr (`compute()` reads no parameter)', 'max_lr (reads `top`, whose default was not found)']);
});

/** A saved result as `knobs lr-find` writes it, from a synthetic loss curve through the core analysis. */
function savedResult(dir: string, sweepFile: string): string {
  const points = Array.from({ length: 80 }, (_, i) => {
    const lr = 1e-6 * 1e7 ** (i / 79);
    const x = Math.log10(lr);
    return { lr, loss: x < -2 ? 2.3 - 1.8 / (1 + Math.exp(-(x + 3.5) * 3)) : 0.5 + (x + 2) ** 2 * 3 };
  });
  const an = analyseLrFind(points);
  const s = an.suggestion!;
  const result = {
    kind: 'knobs.lrFind',
    version: 1,
    createdAt: '2025-01-02T03:04:05.000Z',
    source: sweepFile,
    sweepFile,
    param: 'lr',
    argv: ['python3', 'train.py'],
    ramp: { minLr: 1e-6, maxLr: 10, steps: 80 },
    points,
    smoothed: an.smoothed.map((v) => (Number.isFinite(v) ? v : null)),
    stopIndex: an.stopIndex,
    diverged: an.diverged,
    minLr: an.minLr,
    exitCode: 0,
    suggestion: s,
    sweepRange: sweepRange(s, an),
    cyclicLr: cyclicLrArgs(s),
    note: an.note,
  };
  const f = path.join(dir, '.knobs', 'lr-find', '20250102-030405-000', 'result.json');
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, JSON.stringify(result, null, 2));
  return f;
}

test('a saved result.json becomes panel data the webview accepts; its range and CyclicLR args drive the edits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrpanel-'));
  try {
    fs.writeFileSync(path.join(dir, 'sweep.yaml'), SWEEP);
    const f = savedResult(dir, path.join(dir, 'sweep.yaml'));
    const saved = readLrFindResult(f);
    assert.ok(typeof saved === 'object', String(saved));
    assert.equal(saved.points.length, 80);
    assert.ok(saved.suggestion && saved.sweepRange && saved.cyclicLr);
    const data = lrFindData(saved);
    assert.equal(data.title, 'sweep.yaml · lr');
    assert.equal(data.canWriteSweep, true);
    assert.equal(data.canWriteCode, true);
    assert.deepEqual(parseLrFindData(JSON.parse(JSON.stringify(data))), data, 'survives the webview check (JSON round trip)');
    const e = sweepBoundsEdit({ file: saved.sweepFile!, text: SWEEP, range: saved.sweepRange! });
    assert.match(e.text, new RegExp(`min: ${saved.sweepRange!.min}\\n {4}max: ${saved.sweepRange!.max}\\n`));
    assert.equal(restoredResultFile({ resultFile: f }), f);
    assert.equal(restoredResultFile({ resultFile: path.join(dir, 'sweep.yaml') }), undefined, 'only a result.json');
    assert.equal(restoredResultFile({ resultFile: 'result.json' }), undefined, 'only an absolute path');
    assert.equal(restoredResultFile(undefined), undefined);
    // a script run (no sweep file) has nothing to write into a sweep file
    const noSweep = parseLrFindResult({ ...JSON.parse(fs.readFileSync(f, 'utf8')), sweepFile: undefined, source: '/w/train.mjs' }, f);
    assert.ok(typeof noSweep === 'object');
    assert.deepEqual([lrFindData({ ...noSweep, file: f }).canWriteSweep, lrFindData({ ...noSweep, file: f }).canWriteCode], [false, false]);
    // damaged files are refused with a reason
    fs.writeFileSync(f, '{"kind": "knobs.lrFind", "points": 3}');
    assert.match(String(readLrFindResult(f)), /points must be an array/);
    fs.writeFileSync(f, 'not json');
    assert.match(String(readLrFindResult(f)), /cannot read/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
