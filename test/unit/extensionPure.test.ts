/** The extension's vscode-free helpers: diagnostic ranges, status text, param lenses, disposables, errors. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import { parseSweep } from '../../src/core/space/parse';
import { type LensSweep, paramLenses } from '../../src/extension/codelens/paramLenses';
import { diagnosticMessage, diagnosticRange } from '../../src/extension/diagnostics/ranges';
import { DisposableStore, Emitter } from '../../src/extension/disposables';
import { errorLog, errorMessage } from '../../src/extension/errorText';
import { isDashboardState, restoredDir } from '../../src/extension/panel/dashboardState';
import { statusText } from '../../src/extension/statusText';

function state(inputs: OpInput[], runCap = 12): SweepState {
  const s = createState();
  let seq = 0;
  const all: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 'sw',
      text: '',
      spaceKey: '{"params":[]}',
      seed: 1,
      metric: { name: 'val_loss', goal: 'minimize' },
      method: 'random',
      runCap,
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
    },
    ...inputs,
  ];
  for (const i of all) applyOp(s, { ...i, seq: ++seq, w: 'w', t: seq } as Op);
  return s;
}

test('diagnostic ranges: the parser loc (1-based, exclusive end) maps to 0-based ranges on the right key', () => {
  const text = 'program: train.py\nmethod: random\nmetric: {name: loss, goal: minimize}\nparamters:\n  lr: {min: 0.1, max: 1}\n';
  const { diagnostics } = parseSweep(text);
  const d = diagnostics.find((x) => x.code === 'unknown-key')!;
  assert.ok(d, 'the misspelled key is reported');
  const lines = text.split('\n');
  const r = diagnosticRange(d, lines);
  assert.deepEqual(r, { startLine: 3, startCol: 0, endLine: 3, endCol: 'paramters'.length });
  assert.equal(lines[r.startLine].slice(r.startCol, r.endCol), 'paramters');
  assert.equal(d.fix?.replacement, 'parameters', 'the quick fix replaces exactly that range');
  assert.match(diagnosticMessage(d), /unknown key `paramters`.*\(did you mean `parameters`\?\)/);
});

test('diagnostic ranges without an end cover the word; out-of-range locs are clamped', () => {
  assert.deepEqual(diagnosticRange({ severity: 'error', code: 'x', message: 'm', loc: { line: 2, col: 3 } }, ['a', '  run_cap: 5']), {
    startLine: 1,
    startCol: 2,
    endLine: 1,
    endCol: 9,
  });
  assert.deepEqual(diagnosticRange({ severity: 'error', code: 'x', message: 'm', loc: { line: 99, col: 99 } }, ['ab']), {
    startLine: 0,
    startCol: 2,
    endLine: 0,
    endCol: 2,
  });
  assert.deepEqual(
    diagnosticRange({ severity: 'error', code: 'x', message: 'm' }, ['abc: 1']),
    { startLine: 0, startCol: 0, endLine: 0, endCol: 3 },
    'the key, not its colon',
  );
});

test('status bar text: running/total · best', () => {
  const s = state([
    { op: 'trial_asked', trial: 1, params: { lr: 0.1 }, source: 'random' },
    { op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] },
    { op: 'metric', trial: 1, attempt: 1, step: 1, values: { val_loss: 0.083 } },
    { op: 'trial_asked', trial: 2, params: { lr: 0.2 }, source: 'random' },
    { op: 'trial_started', trial: 2, attempt: 1, pid: 2, pgid: 2, argv: [] },
  ]);
  const st = statusText('sw', s, { kind: 'running', pid: 3 });
  assert.equal(st.text, '$(beaker) 2/12 · best 0.083');
  assert.match(st.tooltip, /best val_loss 0\.083 \(trial 1\)/);
  assert.match(st.tooltip, /Click to open the dashboard/);
  assert.equal(statusText('sw', state([], 4), { kind: 'stopped' }).text, '$(beaker) 0/4');
});

test('param lenses: the sweep whose program is the file, first site per name, best value and trial', () => {
  const script = `import argparse
p = argparse.ArgumentParser()
p.add_argument('--lr', type=float, default=3e-4)
p.add_argument('--dropout', type=float, default=0.1)
p.add_argument('--other', type=int, default=1)
`;
  const s = state([
    { op: 'trial_asked', trial: 1, params: { lr: 0.001, dropout: 0.2 }, source: 'random' },
    { op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] },
    { op: 'metric', trial: 1, attempt: 1, step: 1, values: { val_loss: 0.5 } },
    { op: 'trial_asked', trial: 17, params: { lr: 0.00032, dropout: 0.25 }, source: 'random' },
    { op: 'trial_started', trial: 17, attempt: 1, pid: 2, pgid: 2, argv: [] },
    { op: 'metric', trial: 17, attempt: 1, step: 1, values: { val_loss: 0.1 } },
  ]);
  const other: LensSweep = { dir: '/o', id: 'o', state: state([]), program: '/w/other.py', names: ['lr'] };
  const mine: LensSweep = { dir: '/s', id: 's', state: s, program: '/w/train.py', names: ['lr', 'dropout'] };
  const lenses = paramLenses('/w/train.py', script, 'python', [other, mine]);
  assert.deepEqual(
    lenses.map((l) => [l.name, l.line, l.title, l.trial, l.dir]),
    [
      ['lr', 2, 'best: 3.2e-4 (trial 17)', 17, '/s'],
      ['dropout', 3, 'best: 0.25 (trial 17)', 17, '/s'],
    ],
  );
  // a script that is no sweep's program still gets lenses from a sweep naming its params
  const elsewhere = paramLenses('/w/copy.py', script, 'python', [{ ...mine, program: '/w/train.py' }]);
  assert.equal(elsewhere.length, 2);
  assert.deepEqual(paramLenses('/w/train.py', 'x = 1\n', 'python', [mine]), []);
});

test('disposable store: reverse order, once, late adds disposed at once, failures isolated', () => {
  const order: string[] = [];
  const s = new DisposableStore();
  s.add({ dispose: () => order.push('a') });
  s.add({
    dispose: () => {
      throw new Error('x');
    },
  });
  s.onDispose(() => order.push('c'));
  s.dispose();
  s.dispose();
  assert.deepEqual(order, ['c', 'a']);
  assert.equal(s.isDisposed, true);
  s.add({ dispose: () => order.push('late') });
  assert.deepEqual(order, ['c', 'a', 'late']);
  const em = new Emitter<number>();
  const got: number[] = [];
  const sub = em.event((n) => got.push(n));
  em.fire(1);
  sub.dispose();
  em.fire(2);
  assert.deepEqual(got, [1]);
});

test('errors: KnobsError message + hint for notifications, code and location for the log', () => {
  const e = new KnobsError('E_SWEEP_PARSE', 'bad key', {
    hint: 'did you mean `method`?',
    location: { file: 'sweep.yaml', line: 3, col: 1 },
  });
  assert.equal(errorMessage(e), 'bad key — did you mean `method`?');
  assert.equal(errorLog(e), 'E_SWEEP_PARSE: sweep.yaml:3:1: bad key\n  fix: did you mean `method`?');
  assert.equal(errorMessage(new Error('plain')), 'plain');
  assert.equal(errorMessage('str'), 'str');
});

test('dashboard state for the serializer', () => {
  assert.equal(isDashboardState({ dir: '/w/.knobs/sweeps/a' }), true);
  assert.equal(isDashboardState({ dir: 3 }), false);
  assert.equal(isDashboardState(undefined), false);
  const sweeps = [{ id: 'a', dir: '/w/.knobs/sweeps/a' }];
  assert.equal(restoredDir({ dir: '/w/.knobs/sweeps/b' }, 'Knobs: a', sweeps), '/w/.knobs/sweeps/b', 'the state wins');
  assert.equal(restoredDir(undefined, 'Knobs: a', sweeps), '/w/.knobs/sweeps/a', 'else the id in the title');
  assert.equal(restoredDir(undefined, 'Other', sweeps), undefined);
});
