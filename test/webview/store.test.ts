import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialRow } from '../../src/protocol/messages';
import { METRIC_AXIS } from '../../webview/src/charts/axes';
import { TrialStore } from '../../webview/src/state/store';
import { syntheticMeta, syntheticSweep } from '../../webview/src/state/synthetic';

function row(id: number, value: number | null, extra: Partial<TrialRow> = {}): TrialRow {
  return {
    id,
    status: 'completed',
    attempt: 1,
    params: { lr: 0.01, dropout: 0.1, weight_decay: 1e-4, hidden: 64, batch_size: 64, optimizer: 'adam', epochs: 20 },
    value,
    best: value,
    last: {},
    step: 1,
    ...extra,
  };
}

test('snapshot fills rows, columns, counts and the best trial', () => {
  const s = new TrialStore();
  const meta = syntheticMeta();
  s.apply({
    type: 'snapshot',
    meta,
    trials: [row(1, 0.5), row(2, 0.2, { status: 'running' }), row(3, null, { status: 'failed' })],
    series: [],
  });
  assert.equal(s.size, 3);
  assert.equal(s.best?.id, 2);
  assert.equal(s.counts.completed, 1);
  assert.equal(s.counts.running, 1);
  assert.equal(s.counts.failed, 1);
  // constants are not chart axes; the metric is the last axis
  assert.deepEqual(
    s.scales.map((x) => x.name),
    ['lr', 'dropout', 'weight_decay', 'hidden', 'batch_size', 'optimizer', METRIC_AXIS],
  );
  assert.equal(s.cols[s.axisIndex('optimizer')][0], 0, 'adam is category 0');
  assert.equal(s.cols[s.axisIndex('batch_size')][0], 1, '64 is category 1');
  assert.ok(Number.isNaN(s.metric[2]));
  assert.equal(s.scales.at(-1)!.lo, 0.2);
  assert.equal(s.scales.at(-1)!.hi, 0.5);
});

test('appends update a trial in place, move the status counts and grow the columns', () => {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials: [row(1, 0.5, { status: 'running' })], series: [] });
  for (let id = 2; id <= 40; id++) s.apply({ type: 'append', trials: [row(id, 1 + id)], series: [] });
  assert.equal(s.size, 40);
  assert.ok(s.status.length >= 40, 'columns grew past the initial capacity');
  const ch = s.apply({ type: 'append', trials: [row(1, 0.1, { status: 'completed' })], series: [] })!;
  assert.deepEqual(ch.trials, [0]);
  assert.equal(s.counts.running, 0);
  assert.equal(s.counts.completed, 40);
  assert.equal(s.best?.id, 1);
  assert.equal(s.metric[0], 0.1);
  assert.equal(s.scales.at(-1)!.hi, 41, 'metric range refits to the data');
});

test('the best trial getting worse hands "best" to the next one (maximize too)', () => {
  const s = new TrialStore();
  const meta = { ...syntheticMeta(), metric: { name: 'acc', goal: 'maximize' as const } };
  s.apply({ type: 'snapshot', meta, trials: [row(1, 0.9), row(2, 0.8), row(3, 0.7)], series: [] });
  assert.equal(s.best?.id, 1);
  s.apply({ type: 'append', trials: [row(1, 0.1)], series: [] });
  assert.equal(s.best?.id, 2);
  s.apply({ type: 'append', trials: [row(2, null)], series: [] });
  assert.equal(s.best?.id, 3);
});

test('series: appended points concatenate; a newer attempt replaces; older attempts are ignored', () => {
  const s = new TrialStore();
  s.apply({
    type: 'snapshot',
    meta: syntheticMeta(),
    trials: [row(1, 0.5)],
    series: [{ trial: 1, attempt: 1, name: 'val_loss', steps: [1, 2], values: [1, 0.8] }],
  });
  s.apply({ type: 'append', trials: [], series: [{ trial: 1, attempt: 1, name: 'val_loss', steps: [3], values: [NaN] }] });
  assert.deepEqual([...s.seriesOf(1)!.steps], [1, 2, 3]);
  assert.ok(Number.isNaN(s.seriesOf(1)!.values[2]));
  assert.equal(s.points, 3);
  s.apply({ type: 'append', trials: [], series: [{ trial: 1, attempt: 2, name: 'val_loss', steps: [1], values: [0.9] }] });
  assert.deepEqual([...s.seriesOf(1)!.values], [0.9]);
  s.apply({ type: 'append', trials: [], series: [{ trial: 1, attempt: 1, name: 'val_loss', steps: [4], values: [0.1] }] });
  assert.deepEqual([...s.seriesOf(1)!.values], [0.9]);
  assert.equal(s.points, 1);
});

test('unknown categorical values get new categories; a new snapshot resets everything', () => {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials: [row(1, 0.5, { params: { optimizer: 'lion' } })], series: [] });
  const a = s.axisIndex('optimizer');
  assert.deepEqual(s.scales[a].categories, ['adam', 'sgd', 'adamw', 'lion']);
  assert.equal(s.cols[a][0], 3);
  assert.ok(Number.isNaN(s.cols[s.axisIndex('lr')][0]), 'missing param is NaN');
  const grew = s.apply({ type: 'append', trials: [row(2, 0.5, { params: { optimizer: 'lamb' } })], series: [] })!;
  assert.equal(grew.axes, true, 'a new category moves every position on that axis');
  const same = s.apply({ type: 'append', trials: [row(3, 0.5, { params: { optimizer: 'lamb' } })], series: [] })!;
  assert.equal(same.axes, false);
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials: [], series: [] });
  assert.equal(s.size, 0);
  assert.equal(s.best, undefined);
  assert.deepEqual(s.scales[a].categories, ['adam', 'sgd', 'adamw']);
});

test('error messages hold no state', () => {
  const s = new TrialStore();
  assert.equal(s.apply({ type: 'error', message: 'x' }), undefined);
});

test('100k trials: snapshot then 1k incremental appends of single trials stay exact', () => {
  const sw = syntheticSweep({ trials: 100_000, points: 0, seed: 3 });
  const s = new TrialStore();
  s.apply({ type: 'snapshot', ...sw });
  for (let k = 0; k < 1000; k++) {
    const t = { ...sw.trials[99_000 + k], status: 'completed' as const };
    s.apply({ type: 'append', trials: [t], series: [] });
  }
  assert.equal(s.size, 100_000);
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  assert.equal(total, 100_000);
  let best = Infinity;
  for (const t of sw.trials) if (t.value !== null && t.value < best) best = t.value;
  assert.equal(s.best?.value, best);
  // ranges stay exact with incremental refits: the metric axis spans every value
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < s.size; i++) if (!Number.isNaN(s.metric[i])) (lo = Math.min(lo, s.metric[i])), (hi = Math.max(hi, s.metric[i]));
  assert.equal(s.scales.at(-1)!.lo, lo);
  assert.equal(s.scales.at(-1)!.hi, hi);
});

test('ranges shrink back when the trial on the edge of the metric range changes', () => {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials: [row(1, 0.5), row(2, 0.2), row(3, 0.9)], series: [] });
  assert.deepEqual([s.scales.at(-1)!.lo, s.scales.at(-1)!.hi], [0.2, 0.9]);
  s.apply({ type: 'append', trials: [row(4, 0.3)], series: [] });
  assert.deepEqual([s.scales.at(-1)!.lo, s.scales.at(-1)!.hi], [0.2, 0.9], 'an inner value moves nothing');
  const ch = s.apply({ type: 'append', trials: [row(3, 0.6)], series: [] })!;
  assert.equal(ch.axes, true);
  assert.deepEqual([s.scales.at(-1)!.lo, s.scales.at(-1)!.hi], [0.2, 0.6], 'the old maximum was replaced');
  s.apply({ type: 'append', trials: [row(5, 1.5)], series: [] });
  assert.equal(s.scales.at(-1)!.hi, 1.5);
});

test('rows built from the columns equal what the host sent (params of every kind, reasons, fit)', () => {
  const s = new TrialStore();
  const rows = [
    row(1, 0.5, {
      params: { lr: 0.01, optimizer: 'adam', flag: true, layers: [64, 32], nested: { a: 1 } },
      reason: 'exit code 1',
      fit: 'overfitting',
      fitReason: 'val rose',
      startedAt: 10,
      endedAt: 20,
      last: { val_loss: 0.5, acc: 0.9 },
    }),
    row(2, null, { status: 'failed', params: { lr: '1e-3', optimizer: 'sgd' }, step: null, last: {} }),
  ];
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials: rows, series: [] });
  assert.deepEqual(s.rowAt(0), rows[0]);
  assert.deepEqual(s.rowAt(1), rows[1]);
  assert.equal(s.hasFit, true);
  assert.ok(Number.isNaN(s.cols[s.axisIndex('lr')][1]), 'a string lr is not a number on the lr axis');
  s.apply({ type: 'append', trials: [{ ...rows[1], status: 'completed', value: 0.1, reason: undefined }], series: [] });
  assert.equal(s.rowAt(1).status, 'completed');
  assert.equal(s.rowAt(1).reason, undefined);
  assert.equal(s.best?.id, 2);
});

test('lazy series: trials the snapshot left out are fetched on demand; the reply replaces, appends in between are kept', () => {
  const s = new TrialStore();
  const pts = (trial: number, steps: number[], attempt = 1) => ({
    trial,
    attempt,
    name: 'val_loss',
    steps,
    values: steps.map((x) => 1 / x),
  });
  // trial 1 has its series; trial 2 reported (step 3) but its series was left out; trial 3 never reported
  const trials = [row(1, 0.5, { step: 2 }), row(2, 0.4, { step: 3 }), row(3, null, { step: null, status: 'running' })];
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials, series: [pts(1, [1, 2])] });
  assert.equal(s.lazy.size, 0, 'a whole snapshot: nothing is lazy (trial 2 simply has no series)');
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials, series: [pts(1, [1, 2])], partialSeries: true });
  assert.deepEqual([...s.lazy], [2]);
  // an append for a lazy trial waits for the whole series
  s.apply({ type: 'append', trials: [], series: [pts(2, [4])] });
  assert.equal(s.seriesOf(2), undefined);
  assert.deepEqual(s.takeLazy([2, 1]), [2], 'only lazy trials are asked for');
  assert.equal(s.lazy.size, 0);
  assert.ok(s.pending.has(2));
  // asked: points appended before the reply are kept, then the reply replaces them
  s.apply({ type: 'append', trials: [], series: [pts(2, [5])] });
  assert.deepEqual([...s.seriesOf(2)!.steps], [5]);
  const ch = s.apply({ type: 'series', series: [pts(2, [1, 2, 3, 4, 5])] })!;
  assert.deepEqual(ch.series, [2]);
  assert.deepEqual([...s.seriesOf(2)!.steps], [1, 2, 3, 4, 5]);
  assert.equal(s.pending.size, 0);
  s.apply({ type: 'append', trials: [], series: [pts(2, [6]), pts(3, [1])] });
  assert.deepEqual([...s.seriesOf(2)!.steps], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...s.seriesOf(3)!.steps], [1], 'a trial that had not reported is not lazy');
  assert.equal(s.points, 2 + 6 + 1);
});

test("another metric (the curves' chooser): appends are kept only for trials asked for; report times follow the points", () => {
  const s = new TrialStore();
  const acc = (trial: number, steps: number[]) => ({
    trial,
    attempt: 1,
    name: 'acc',
    steps,
    values: steps.map((x) => x / 10),
    times: steps.map((x) => 1000 * x),
  });
  const trials = [row(1, 0.5, { last: { val_loss: 0.5, acc: 0.2 } }), row(2, 0.4, { last: { val_loss: 0.4, acc: 0.3 } })];
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials, series: [] });
  assert.deepEqual(s.metricNames, ['val_loss', 'acc'], 'the sweep metric first, then what the trials reported');
  // not asked for: a part of a series would draw a wrong curve, so it is dropped
  s.apply({ type: 'append', trials: [], series: [acc(1, [3])] });
  assert.equal(s.seriesOf(1, 'acc'), undefined);
  assert.deepEqual(s.takeUnfetched('acc', [1, 2]), [1, 2]);
  assert.deepEqual(s.takeUnfetched('acc', [1, 2]), [], 'asked once');
  s.apply({ type: 'series', series: [acc(1, [1, 2, 3])] });
  s.apply({ type: 'append', trials: [], series: [acc(1, [4]), acc(2, [1])] });
  assert.deepEqual([...s.seriesOf(1, 'acc')!.steps], [1, 2, 3, 4]);
  assert.deepEqual([...s.seriesOf(1, 'acc')!.times!], [1000, 2000, 3000, 4000]);
  assert.deepEqual([...s.seriesOf(2, 'acc')!.steps], [1], 'asked for before it reported: its points from the first are kept');
  // an append without times after timed points: NaN for those
  s.apply({ type: 'append', trials: [], series: [{ trial: 1, attempt: 1, name: 'acc', steps: [5], values: [0.5] }] });
  assert.ok(Number.isNaN(s.seriesOf(1, 'acc')!.times![4]));
  // a new snapshot forgets what was asked for
  s.apply({ type: 'snapshot', meta: syntheticMeta(), trials, series: [] });
  assert.deepEqual(s.takeUnfetched('acc', [1]), [1]);
});
