/**
 * The script's code lenses name their sweep and show only what it searched: which sweep they
 * follow (the user's choice, else most completed trials, newest on a tie), on which lines.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import { type LensSweep, lensCandidates, lensSweepChoices, paramLenses } from '../../src/extension/codelens/paramLenses';

const SCRIPT = `import argparse
p = argparse.ArgumentParser()
p.add_argument('--lr', type=float, default=1.0)
p.add_argument('--gamma', type=float, default=0.7)
p.add_argument('--dropout', type=float, default=0.1)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--epochs', type=int, default=14)
`;
/** lr and dropout searched; epochs fixed at 5 (a constant); gamma and seed not in the sweep. */
const SPACE = JSON.stringify({
  params: [
    { name: 'dropout', path: ['dropout'], kind: 'numeric', distribution: 'uniform', min: 0, max: 0.5, integer: false },
    { name: 'epochs', path: ['epochs'], kind: 'constant', value: 5 },
    { name: 'lr', path: ['lr'], kind: 'numeric', distribution: 'log_uniform_values', min: 1e-3, max: 10, integer: false },
  ],
});
const DAY = new Date(new Date().getFullYear(), 11, 3, 14, 5).getTime();

/** A sweep of /w/train.py: `done` completed trials (the last one best), then `crashed` failed ones. */
function sweep(id: string, o: { done: number; crashed?: number; t0?: number; program?: string; method?: string }): LensSweep {
  const s: SweepState = createState();
  let seq = 0;
  const ops: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: id,
      file: '/w/mnist/sweep.yaml',
      text: '',
      spaceKey: SPACE,
      seed: 1,
      metric: { name: 'test_loss', goal: 'minimize' },
      method: o.method ?? 'random',
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/w' },
    },
  ];
  let trial = 0;
  for (let i = 0; i < o.done; i++) {
    trial++;
    ops.push(
      { op: 'trial_asked', trial, params: { lr: trial + 0.25, dropout: trial / 100, epochs: 5 }, source: 'random' },
      { op: 'trial_started', trial, attempt: 1, pid: trial, pgid: trial, argv: [] },
      { op: 'metric', trial, attempt: 1, step: 1, values: { test_loss: 1 / trial } },
      { op: 'trial_completed', trial, attempt: 1, exitCode: 0 },
    );
  }
  for (let i = 0; i < (o.crashed ?? 0); i++) {
    trial++;
    ops.push(
      { op: 'trial_asked', trial, params: { lr: 9, dropout: 0.4, epochs: 5 }, source: 'random' },
      { op: 'trial_started', trial, attempt: 1, pid: trial, pgid: trial, argv: [] },
      {
        op: 'trial_failed',
        trial,
        attempt: 1,
        kind: 'crash',
        exitCode: 2,
        signal: null,
        stderrTail: 'error: unrecognized arguments: --batch_size=64',
        willRetry: false,
      },
    );
  }
  for (const i of ops) applyOp(s, { ...i, seq: ++seq, w: 'w', t: (o.t0 ?? DAY) + seq } as Op);
  return { dir: `/w/.knobs/sweeps/${id}`, id, state: s, program: o.program ?? '/w/train.py' };
}

const HOUR = 3600_000;

test('lenses only on the parameters the sweep searched, and the first one names the sweep', () => {
  const real = sweep('real', { done: 3 });
  const l = paramLenses('/w/train.py', SCRIPT, 'python', [real])!;
  assert.deepEqual(
    l.params.map((p) => [p.name, p.line, p.title, p.trial, p.dir]),
    [
      ['lr', 2, 'best: 3.25 (trial 3)', 3, real.dir],
      ['dropout', 4, 'best: 0.03 (trial 3)', 3, real.dir],
    ],
    'no lens on gamma and seed (never swept) nor on epochs (held constant)',
  );
  assert.equal(l.sweep.line, 2, 'the sweep lens sits on the first parameter line');
  assert.equal(l.sweep.title, 'best in mnist/sweep.yaml · random · Dec 3 14:05 (3 completed trials)');
  assert.match(l.sweep.tooltip, /only sweep of train\.py/);
  assert.equal(paramLenses('/w/train.py', 'x = 1\n', 'python', [real]), undefined, 'no searched parameter in the file: no lens');
});

test('by default the lenses follow the sweep with the most completed trials, not a newer crashed test', () => {
  const real = sweep('real', { done: 6, t0: DAY });
  const crashTest = sweep('crash', { done: 1, crashed: 3, t0: DAY + 2 * HOUR, method: 'grid' });
  // newest first, as the store lists them
  const l = paramLenses('/w/train.py', SCRIPT, 'python', [crashTest, real])!;
  assert.equal(l.sweep.dir, real.dir);
  assert.match(l.sweep.title, /random · Dec 3 14:05 \(6 completed trials\)$/);
  assert.match(l.sweep.tooltip, /choose one of the 1 other sweep of train\.py/);
  assert.ok(l.params.every((p) => p.dir === real.dir && p.trial === 6));
  // a tie: the newest
  const again = sweep('again', { done: 6, t0: DAY + 5 * HOUR });
  assert.deepEqual(
    lensCandidates('/w/train.py', SCRIPT, 'python', [again, crashTest, real]).map((s) => s.id),
    ['again', 'real', 'crash'],
  );
  // a sweep without any result is no candidate at all
  const none = sweep('none', { done: 0, crashed: 4, t0: DAY + 9 * HOUR });
  assert.deepEqual(
    lensCandidates('/w/train.py', SCRIPT, 'python', [none, real]).map((s) => s.id),
    ['real'],
  );
});

test('the sweep the user chose wins while it exists; a chosen sweep that is gone falls back to the default', () => {
  const real = sweep('real', { done: 6 });
  const small = sweep('small', { done: 2, t0: DAY + HOUR, method: 'bayes' });
  const chosen = paramLenses('/w/train.py', SCRIPT, 'python', [small, real], small.dir)!;
  assert.equal(chosen.sweep.dir, small.dir);
  assert.equal(chosen.sweep.title, 'best in mnist/sweep.yaml · bayes · Dec 3 15:05 (2 completed trials)');
  assert.equal(chosen.params[0].title, 'best: 2.25 (trial 2)');
  assert.equal(paramLenses('/w/train.py', SCRIPT, 'python', [small, real], '/w/.knobs/sweeps/deleted')!.sweep.dir, real.dir);
  const rows = lensSweepChoices(lensCandidates('/w/train.py', SCRIPT, 'python', [small, real]), small.dir);
  assert.deepEqual(
    rows.map((r) => [r.label, r.description]),
    [
      ['mnist/sweep.yaml · random · Dec 3 14:05', '6 completed trials · best test_loss 0.1667 (trial 6)'],
      ['$(check) mnist/sweep.yaml · bayes · Dec 3 15:05', '2 completed trials · best test_loss 0.5 (trial 2)'],
    ],
  );
});

test('a script no sweep runs as its program follows a sweep whose searched parameters it defines', () => {
  const real = sweep('real', { done: 2, program: '/w/train.py' });
  const l = paramLenses('/w/copy.py', SCRIPT, 'python', [real])!;
  assert.equal(l.sweep.dir, real.dir);
  assert.deepEqual(
    l.params.map((p) => p.name),
    ['lr', 'dropout'],
  );
  // once a sweep runs copy.py itself, that one is followed, even with fewer trials
  const own = sweep('own', { done: 1, program: '/w/copy.py' });
  assert.equal(paramLenses('/w/copy.py', SCRIPT, 'python', [real, own])!.sweep.dir, own.dir);
});
