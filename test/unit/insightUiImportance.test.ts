/** Importance in the dashboard: when to recompute, the worker, the validated message, the bars. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImportanceReport } from '../../src/core/analysis/importance';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import { ImportanceFeed, importanceView, shouldRecompute, usableTrials } from '../../src/extension/insight/importanceFeed';
import { type ImportanceMessage, parseImportanceMessage } from '../../src/protocol/messages';

const SPACE = JSON.stringify({
  params: [
    { name: 'x1', path: ['x1'], kind: 'numeric', distribution: 'uniform', min: 0, max: 1, integer: false },
    { name: 'x2', path: ['x2'], kind: 'numeric', distribution: 'uniform', min: 0, max: 1, integer: false },
  ],
});

let seq = 0;
function sweep(): SweepState {
  const s = createState();
  applyOp(s, {
    op: 'sweep_created',
    sweepId: 'sw',
    file: '/w/s.yaml',
    text: '',
    spaceKey: SPACE,
    seed: 1,
    metric: { name: 'loss', goal: 'minimize' },
    method: 'random',
    provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
    seq: ++seq,
    w: 'w',
    t: seq,
  } as Op);
  return s;
}
/** Completes trial `id` with f = 10·x1 + 0.1·x2 (deterministic pseudo-random x). */
function complete(s: SweepState, id: number): void {
  const x1 = (((id * 0.6180339887) % 1) + 1) % 1;
  const x2 = (((id * 0.41421356) % 1) + 1) % 1;
  const ops: OpInput[] = [
    { op: 'trial_asked', trial: id, params: { x1, x2 }, source: 'random' },
    { op: 'trial_started', trial: id, attempt: 1, pid: 1, pgid: 1, argv: [] },
    { op: 'metric', trial: id, attempt: 1, step: 1, values: { loss: 10 * x1 + 0.1 * x2 } },
    { op: 'trial_completed', trial: id, attempt: 1, exitCode: 0 },
  ];
  for (const o of ops) applyOp(s, { ...o, seq: ++seq, w: 'w', t: seq } as Op);
}

test('shouldRecompute: after the first few trials, then every 10 more', () => {
  assert.equal(shouldRecompute(4, undefined), false);
  assert.equal(shouldRecompute(5, undefined), true);
  assert.equal(shouldRecompute(14, 5), false);
  assert.equal(shouldRecompute(15, 5), true);
  assert.equal(shouldRecompute(7, 5, 2), true);
});

test('importanceView sorts by importance, clamps, and drops non-finite correlations', () => {
  const r: ImportanceReport = {
    method: 'fanova',
    n: 12,
    transform: 'none',
    explained: 0.9,
    params: [
      { name: 'b', kind: 'numeric', importance: 0.1, correlation: NaN, spearman: null },
      { name: 'a', kind: 'numeric', importance: 0.8, correlation: -1.0000001, spearman: null },
      { name: 'c', kind: 'categorical', importance: 0.1, correlation: null, spearman: null },
    ],
  };
  const v = importanceView(r);
  assert.deepEqual(
    v.params.map((p) => p.name),
    ['a', 'b', 'c'],
  );
  assert.equal(v.params[0].correlation, -1);
  assert.equal(v.params[1].correlation, null);
  assert.equal(typeof parseImportanceMessage({ type: 'importance', importance: v }), 'object');
});

test('the feed computes in the worker thread, recomputes every 10 completed trials, and ranks x1 first', async () => {
  const s = sweep();
  for (let i = 1; i <= 4; i++) complete(s, i);
  const got: ImportanceMessage[] = [];
  const feed = new ImportanceFeed(() => s, { onResult: (m) => got.push(m), debounceMs: 0 });
  await feed.run();
  assert.equal(got.length, 0, 'fewer than 5 completed trials: nothing yet');
  for (let i = 5; i <= 40; i++) complete(s, i);
  assert.equal(usableTrials(s), 40);
  await feed.run();
  assert.equal(got.length, 1);
  const v = got[0].importance!;
  assert.equal(v.n, 40);
  assert.equal(v.params[0].name, 'x1');
  assert.ok(v.params[0].importance > v.params[1].importance * 5, JSON.stringify(v));
  assert.ok(v.params[0].correlation! > 0.9);
  await feed.run();
  assert.equal(got.length, 1, 'no new trials: no recompute');
  for (let i = 41; i <= 50; i++) complete(s, i);
  await feed.run();
  assert.equal(got.length, 2);
  assert.equal(got[1].importance!.n, 50);
  assert.equal(feed.latest(), got[1]);
  feed.dispose();
});

test('a failing computation is reported as a message, not thrown', async () => {
  const s = sweep();
  for (let i = 1; i <= 6; i++) complete(s, i);
  const got: ImportanceMessage[] = [];
  const errors: unknown[] = [];
  const feed = new ImportanceFeed(() => s, {
    onResult: (m) => got.push(m),
    onError: (e) => errors.push(e),
    compute: () => Promise.reject(new Error('boom')),
  });
  await feed.run();
  assert.equal(got[0].importance, null);
  assert.match(got[0].message!, /importance failed: boom/);
  assert.equal(errors.length, 1);
});

test('parseImportanceMessage rejects what it cannot draw', () => {
  const ok = { type: 'importance', importance: { method: 'fanova', n: 3, params: [{ name: 'lr', importance: 0.5, correlation: -0.2 }] } };
  assert.deepEqual(parseImportanceMessage(ok), ok);
  assert.deepEqual(parseImportanceMessage({ type: 'importance', importance: null, message: 'x' }), {
    type: 'importance',
    importance: null,
    message: 'x',
  });
  const bad = (imp: unknown) => parseImportanceMessage({ type: 'importance', importance: imp });
  assert.match(String(bad({ method: 'magic', n: 1, params: [] })), /method/);
  assert.match(String(bad({ method: 'fanova', n: 1, params: [{ name: 'lr', importance: 2, correlation: 0 }] })), /0…1/);
  assert.match(String(bad({ method: 'fanova', n: 1, params: [{ name: 'lr', importance: 0.1, correlation: 'high' }] })), /correlation/);
  assert.match(String(bad({ method: 'fanova', n: 1, params: [{ importance: 0.1, correlation: 0 }] })), /name/);
  assert.equal(typeof parseImportanceMessage([]), 'string');
});
