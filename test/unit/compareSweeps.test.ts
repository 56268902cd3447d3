/** "Compare Sweeps": each sweep's best trial and config side by side, as a Markdown table. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import { compareMarkdown } from '../../src/extension/sweeps/compare';

const DAY = new Date(new Date().getFullYear(), 11, 3, 14, 5).getTime();
const param = (name: string, rest: object) => ({ name, path: [name], ...rest });

function sweep(o: {
  method: string;
  t0: number;
  done: number;
  failed?: number;
  metric?: string;
  file?: string;
  space: object[];
}): SweepState {
  const s = createState();
  let seq = 0;
  const metric = o.metric ?? 'test_loss';
  const ops: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 'x',
      file: o.file ?? '/w/mnist/sweep.yaml',
      text: '',
      spaceKey: JSON.stringify({ params: o.space }),
      seed: 1,
      metric: { name: metric, goal: 'minimize' },
      method: o.method,
      runCap: 6,
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/w' },
    },
  ];
  let trial = 0;
  for (let i = 0; i < o.done; i++) {
    trial++;
    ops.push(
      { op: 'trial_asked', trial, params: { lr: trial * 1.1, batch: 32 * trial }, source: o.method },
      { op: 'trial_started', trial, attempt: 1, pid: trial, pgid: trial, argv: [] },
      { op: 'metric', trial, attempt: 1, step: 1, values: { [metric]: 1 / (trial + (o.method === 'bayes' ? 10 : 0)) } },
      { op: 'trial_completed', trial, attempt: 1, exitCode: 0 },
    );
  }
  for (let i = 0; i < (o.failed ?? 0); i++) {
    trial++;
    ops.push(
      { op: 'trial_asked', trial, params: { lr: 9, batch: 64 }, source: o.method },
      { op: 'trial_started', trial, attempt: 1, pid: trial, pgid: trial, argv: [] },
      { op: 'trial_failed', trial, attempt: 1, kind: 'crash', exitCode: 2, signal: null, stderrTail: 'boom', willRetry: false },
    );
  }
  for (const i of ops) applyOp(s, { ...i, seq: ++seq, w: 'w', t: o.t0 + seq } as Op);
  return s;
}

const LR = param('lr', { kind: 'numeric', distribution: 'uniform', min: 0, max: 10, integer: false });
const BATCH = param('batch', { kind: 'categorical', values: [32, 64, 96, 128] });
const EPOCHS = param('epochs', { kind: 'constant', value: 5 });

test('one column per sweep: method and start, counts as finished / total, the best trial starred, its config; fixed and absent parameters said so', () => {
  const random = sweep({ method: 'random', t0: DAY, done: 4, failed: 2, space: [LR, EPOCHS] });
  const bayes = sweep({ method: 'bayes', t0: DAY + 3600_000, done: 2, space: [LR, BATCH] });
  const md = compareMarkdown('2 sweeps of main.py', [
    { id: 'r-id', state: random },
    { id: 'b-id', state: bayes },
  ]);
  const lines = md.split('\n');
  assert.equal(lines[0], '# 2 sweeps of main.py');
  assert.ok(lines.includes('|  | random · Dec 3 14:05 | bayes · Dec 3 15:05 |'), md);
  assert.ok(lines.includes('| sweep | `r-id` | `b-id` |'));
  assert.ok(lines.includes('| trials | 6/6 finished (2 failed) | 2/6 finished |'), md);
  assert.ok(lines.includes('| metric | minimize test_loss | minimize test_loss |'));
  assert.ok(lines.includes('| **best** | **0.25** (trial 4) | **0.08333** (trial 2) ★ |'), md);
  assert.ok(lines.includes('| `lr` | 4.4 | 2.2 |'), md);
  assert.ok(lines.includes('| `epochs` | 5 (fixed) | — |'), md);
  assert.ok(lines.includes('| `batch` | — | 64 |'), md);
});

test('no star across different metrics; a sweep without a result says so; pipes in cells are escaped', () => {
  const a = sweep({ method: 'random', t0: DAY, done: 1, space: [LR], file: '/w/a|b/sweep.yaml' });
  const b = sweep({ method: 'grid', t0: DAY, done: 0, failed: 1, metric: 'acc', space: [LR] });
  const md = compareMarkdown('t', [
    { id: 'a', state: a },
    { id: 'b', state: b },
  ]);
  assert.doesNotMatch(md, /★/);
  assert.match(md, /\| \*\*best\*\* \| \*\*1\*\* \(trial 1\) \| no result \|/);
  assert.match(md, /\| sweep file \| \/w\/a\\\|b\/sweep\.yaml \| \/w\/mnist\/sweep\.yaml \|/);
});
