/** Dashboard data from SweepState (pure): snapshot, axes from spaceKey, columnar series, appends. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState } from '../../src/core/journal/reducer';
import { parseSweep, spaceKey } from '../../src/core/space/parse';
import type { RunnerStatus } from '../../src/core/sweep/open';
import {
  buildSnapshot,
  DashboardFeed,
  metricPoints,
  paramAxes,
  type SweepSource,
  sweepMeta,
  trialRow,
} from '../../src/extension/panel/snapshot';

const SWEEP = `program: train.py
method: random
metric: {name: val_loss, goal: minimize}
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  dropout: {min: 0.0, max: 0.5}
  hidden: {values: [64, 128, 256]}
  layers: {distribution: int_uniform, min: 1, max: 4}
  wd: {distribution: log_uniform, min: -9.21, max: -2.3}
  epochs: {value: 20}
  optimizer:
    parameters:
      name: {values: [adam, sgd]}
run_cap: 12
`;

function makeSource(): { src: SweepSource; push: (i: OpInput) => Op } {
  const spec = parseSweep(SWEEP).spec!;
  const state = createState();
  let seq = 0;
  const push = (i: OpInput) => {
    const op = { ...i, seq: ++seq, w: 'w', t: 1_000 + seq } as Op;
    applyOp(state, op);
    return op;
  };
  push({
    op: 'sweep_created',
    sweepId: 'sw',
    file: '/w/sweep.yaml',
    text: SWEEP,
    spaceKey: spaceKey(spec.space),
    seed: 7,
    metric: { name: 'val_loss', goal: 'minimize' },
    method: 'random',
    runCap: 12,
    provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
  });
  const runner: RunnerStatus = { kind: 'running', pid: 9 };
  return { src: { dir: '/w/.knobs/sweeps/sw', id: 'sw', state, runner }, push };
}

const params = (lr: number) => ({ lr, dropout: 0.2, hidden: 128, layers: 2, wd: 0.001, epochs: 20, 'optimizer.name': 'adam' });

test('axes come from created.spaceKey: numeric ranges (log, int), categorical values, constants; file order', () => {
  const { src, push } = makeSource();
  push({ op: 'trial_asked', trial: 1, params: params(0.01), source: 'random' });
  const axes = paramAxes(src.state);
  assert.deepEqual(
    axes.map((a) => a.name),
    ['lr', 'dropout', 'hidden', 'layers', 'wd', 'epochs', 'optimizer.name'],
  );
  const by = Object.fromEntries(axes.map((a) => [a.name, a]));
  assert.deepEqual(by.lr, { name: 'lr', kind: 'numeric', min: 0.0001, max: 0.1, log: true });
  assert.deepEqual(by.dropout, { name: 'dropout', kind: 'numeric', min: 0, max: 0.5 });
  assert.deepEqual(by.hidden, { name: 'hidden', kind: 'categorical', values: [64, 128, 256] });
  assert.deepEqual(by.layers, { name: 'layers', kind: 'numeric', min: 1, max: 4, integer: true });
  assert.equal(by.wd.log, true);
  assert.ok(Math.abs(by.wd.min! - Math.exp(-9.21)) < 1e-12, 'log_uniform bounds are exp of the exponents');
  assert.deepEqual(by.epochs, { name: 'epochs', kind: 'constant', values: [20] });
  assert.deepEqual(by['optimizer.name'].values, ['adam', 'sgd']);
});

test('axes widen to values outside the written range (points_to_evaluate)', () => {
  const { src, push } = makeSource();
  push({ op: 'trial_asked', trial: 1, params: { ...params(0.5), dropout: 0.9 }, source: 'points_to_evaluate' });
  const by = Object.fromEntries(paramAxes(src.state).map((a) => [a.name, a]));
  assert.equal(by.lr.max, 0.5);
  assert.equal(by.dropout.max, 0.9);
});

test('meta: id, dir, method, seed, metric, run cap, state, times; paused reason', () => {
  const { src, push } = makeSource();
  push({ op: 'runner_started', pid: 9, host: 'h', resumed: false });
  push({ op: 'launch_paused', reason: '3 crashes in a row', kind: 'crash' });
  const m = sweepMeta(src);
  assert.equal(m.id, 'sw');
  assert.equal(m.dir, '/w/.knobs/sweeps/sw');
  assert.equal(m.method, 'random');
  assert.equal(m.seed, 7);
  assert.deepEqual(m.metric, { name: 'val_loss', goal: 'minimize' });
  assert.equal(m.runCap, 12);
  assert.equal(m.state, 'paused (3 crashes in a row)');
  assert.equal(m.paused, '3 crashes in a row');
  assert.equal(m.createdAt, 1001);
  assert.equal(m.updatedAt, 1003);
});

test('trial rows: non-finite values become null; last per metric; latest step; reason and times', () => {
  const { src, push } = makeSource();
  push({ op: 'trial_asked', trial: 1, params: params(0.01), source: 'random' });
  push({ op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] });
  push({ op: 'metric', trial: 1, attempt: 1, step: 1, values: { val_loss: 0.5, acc: 0.8 } });
  push({ op: 'metric', trial: 1, attempt: 1, step: 2, values: { val_loss: 'NaN', acc: 'Infinity' } });
  push({ op: 'trial_failed', trial: 1, attempt: 1, kind: 'oom', exitCode: null, signal: 'SIGKILL', stderrTail: '', willRetry: false });
  const row = trialRow(src.state.byId.get(1)!);
  assert.equal(row.id, 1);
  assert.equal(row.status, 'failed');
  assert.equal(row.attempt, 1);
  assert.equal(row.value, null);
  assert.equal(row.best, 0.5);
  assert.deepEqual(row.last, { val_loss: null, acc: null });
  assert.equal(row.step, 2);
  assert.equal(row.reason, 'out of memory (killed by SIGKILL)');
  assert.equal(row.startedAt, 1003);
  assert.equal(row.endedAt, 1006);
  assert.equal(row.params['optimizer.name'], 'adam');
  const pts = metricPoints(src.state.byId.get(1)!);
  const vl = pts.find((p) => p.name === 'val_loss')!;
  assert.deepEqual(vl.steps, [1, 2]);
  assert.equal(vl.values[0], 0.5);
  assert.ok(Number.isNaN(vl.values[1]), 'NaN stays NaN inside MetricPoints');
  assert.deepEqual(
    metricPoints(src.state.byId.get(1)!, { val_loss: 1, acc: 2 }).map((p) => [p.name, p.steps]),
    [['val_loss', [2]]],
    'from offsets',
  );
});

test('snapshot holds every trial and every series, columnar per trial and metric', () => {
  const { src, push } = makeSource();
  for (let t = 1; t <= 3; t++) {
    push({ op: 'trial_asked', trial: t, params: params(0.01 * t), source: 'random' });
    push({ op: 'trial_started', trial: t, attempt: 1, pid: t, pgid: t, argv: [] });
    for (let s = 1; s <= 4; s++) push({ op: 'metric', trial: t, attempt: 1, step: s, values: { val_loss: 1 / (s * t), acc: s / 10 } });
  }
  const snap = buildSnapshot(src);
  assert.equal(snap.type, 'snapshot');
  assert.equal(snap.trials.length, 3);
  assert.equal(snap.series.length, 6);
  const s2 = snap.series.find((p) => p.trial === 2 && p.name === 'val_loss')!;
  assert.deepEqual(s2.steps, [1, 2, 3, 4]);
  assert.deepEqual(s2.values, [0.5, 0.25, 1 / 6, 0.125]);
  assert.equal(s2.attempt, 1);
  assert.doesNotThrow(() => structuredClone(snap), 'posts via structured clone');
});

test('appends carry only changed trials and new points; nothing changed → undefined', () => {
  const { src, push } = makeSource();
  const feed = new DashboardFeed();
  push({ op: 'trial_asked', trial: 1, params: params(0.01), source: 'random' });
  push({ op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] });
  push({ op: 'metric', trial: 1, attempt: 1, step: 1, values: { val_loss: 0.9 } });
  push({ op: 'trial_asked', trial: 2, params: params(0.02), source: 'random' });
  const snap = feed.snapshot(src);
  assert.equal(snap.trials.length, 2);
  assert.equal(feed.append(src), undefined, 'no change since the snapshot');

  const newOps = [
    push({ op: 'metric', trial: 1, attempt: 1, step: 2, values: { val_loss: 0.7 } }),
    push({ op: 'metric', trial: 1, attempt: 1, step: 3, values: { val_loss: 0.6 } }),
  ];
  const a = feed.append(
    src,
    newOps.map((o) => (o as { trial: number }).trial),
  )!;
  assert.equal(a.type, 'append');
  assert.deepEqual(
    a.trials.map((r) => r.id),
    [1],
    'trial 1 changed (reports, value)',
  );
  assert.equal(a.trials[0].value, 0.6);
  assert.deepEqual(
    a.series,
    [{ trial: 1, attempt: 1, name: 'val_loss', steps: [2, 3], values: [0.7, 0.6], times: [1006, 1007] }],
    'only the new points, with their report times',
  );
  assert.equal(feed.append(src), undefined);

  push({ op: 'trial_completed', trial: 1, attempt: 1, exitCode: 0 });
  const b = feed.append(src, [1])!;
  assert.deepEqual(
    b.trials.map((r) => [r.id, r.status]),
    [[1, 'completed']],
  );
  assert.deepEqual(b.series, []);

  // a new trial, found by a full scan (no hint)
  push({ op: 'trial_asked', trial: 3, params: params(0.03), source: 'random' });
  const c = feed.append(src)!;
  assert.deepEqual(
    c.trials.map((r) => r.id),
    [3],
  );
});

test('a new attempt resends its series from the start (webview replaces by attempt)', () => {
  const { src, push } = makeSource();
  const feed = new DashboardFeed();
  push({ op: 'trial_asked', trial: 1, params: params(0.01), source: 'random' });
  push({ op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] });
  push({ op: 'metric', trial: 1, attempt: 1, step: 1, values: { val_loss: 0.9 } });
  push({ op: 'metric', trial: 1, attempt: 1, step: 2, values: { val_loss: 0.8 } });
  feed.snapshot(src);
  push({ op: 'trial_interrupted', trial: 1, attempt: 1, reason: 'runner crashed' });
  push({ op: 'trial_started', trial: 1, attempt: 2, pid: 2, pgid: 2, argv: [] });
  push({ op: 'metric', trial: 1, attempt: 2, step: 1, values: { val_loss: 0.95 } });
  const a = feed.append(src, [1])!;
  assert.equal(a.trials[0].attempt, 2);
  assert.deepEqual(a.series, [{ trial: 1, attempt: 2, name: 'val_loss', steps: [1], values: [0.95], times: [1008] }]);
});

test('meta rides along when the sweep state changes', () => {
  const { src, push } = makeSource();
  const feed = new DashboardFeed();
  push({ op: 'runner_started', pid: 9, host: 'h', resumed: false });
  feed.snapshot(src);
  push({ op: 'stop_requested' });
  const a = feed.append(src, [])!;
  assert.ok(a, 'a meta-only change is sent');
  assert.equal(a.meta?.state, 'stopping');
  assert.deepEqual(a.trials, []);
  assert.equal(feed.append(src, []), undefined);
  (src as { runner: RunnerStatus }).runner = { kind: 'stopped' };
  push({ op: 'sweep_finished', reason: 'stopped' });
  assert.equal(feed.append(src, [])!.meta!.state, 'finished (stopped)');
});

test('a snapshot of 20k trials × 50 points builds and appends stay proportional to the change', () => {
  const { src, push } = makeSource();
  const N = 20_000;
  for (let t = 1; t <= N; t++) {
    push({ op: 'trial_asked', trial: t, params: params(0.0001 * t), source: 'random' });
    push({ op: 'trial_started', trial: t, attempt: 1, pid: t, pgid: t, argv: [] });
    for (let s = 1; s <= 50; s++) push({ op: 'metric', trial: t, attempt: 1, step: s, values: { val_loss: 1 / s } });
  }
  const feed = new DashboardFeed();
  const snap = feed.snapshot(src);
  assert.equal(snap.trials.length, N);
  assert.equal(snap.series.length, N);
  assert.equal(snap.series[N - 1].steps.length, 50);
  push({ op: 'metric', trial: 77, attempt: 1, step: 51, values: { val_loss: 0.01 } });
  const a = feed.append(src, [77])!;
  assert.deepEqual(
    a.trials.map((r) => r.id),
    [77],
  );
  assert.deepEqual(
    a.series.map((s) => s.steps),
    [[51]],
  );
});
