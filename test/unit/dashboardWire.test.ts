/** What the dashboard panel posts: only the sweep metric's points, columnar. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featuredSeries, onlySweepMetric } from '../../src/extension/panel/snapshot';
import type { TrialRow } from '../../src/protocol/messages';
import { encodeHostMessage, type HostMessage, parseHostMessage, type SweepMeta } from '../../src/protocol/messages';

const meta: SweepMeta = {
  id: 's',
  dir: '/s',
  method: 'random',
  seed: 1,
  metric: { name: 'val_loss', goal: 'minimize' },
  state: 'running',
  createdAt: 0,
  updatedAt: 1,
  axes: [],
};
const series = [
  { trial: 1, attempt: 1, name: 'val_loss', steps: [1, 2], values: [0.5, 0.4] },
  { trial: 1, attempt: 1, name: 'train_loss', steps: [1, 2], values: [0.6, 0.3] },
  { trial: 2, attempt: 1, name: 'acc', steps: [1], values: [0.9] },
];

test('only the sweep metric’s series are posted; trial rows keep every metric’s last value', () => {
  const snap: HostMessage = {
    type: 'snapshot',
    meta,
    trials: [
      { id: 1, status: 'running', attempt: 1, params: {}, value: 0.4, best: 0.4, last: { val_loss: 0.4, train_loss: 0.3 }, step: 2 },
    ],
    series,
  };
  const out = onlySweepMetric(snap, 'val_loss');
  assert.equal(out.type, 'snapshot');
  if (out.type !== 'snapshot') return;
  assert.deepEqual(
    out.series.map((p) => p.name),
    ['val_loss'],
  );
  assert.deepEqual(out.trials[0].last, { val_loss: 0.4, train_loss: 0.3 });
  assert.equal(snap.series.length, 3, 'the input is not mutated');
  const wire = encodeHostMessage(out);
  assert.equal(typeof parseHostMessage(wire), 'object');
  if (wire.type === 'snapshot') assert.deepEqual(wire.series.names, ['val_loss']);
  const app: HostMessage = { type: 'append', trials: [], series: series.slice(1) };
  const a = onlySweepMetric(app, 'val_loss');
  assert.deepEqual(a.type === 'append' && a.series, []);
  // the metric the curves' chooser asked for travels too
  const both = onlySweepMetric(app, 'val_loss', 'train_loss');
  assert.deepEqual(both.type === 'append' && both.series.map((p) => p.name), ['train_loss']);
  const err: HostMessage = { type: 'error', message: 'x' };
  assert.equal(onlySweepMetric(err, 'val_loss'), err);
});

test('a large snapshot keeps the series of running trials and of the best ones only', () => {
  const trials: TrialRow[] = Array.from({ length: 50 }, (_, k) => ({
    id: k + 1,
    status: k === 49 ? 'running' : 'completed',
    attempt: 1,
    params: {},
    value: k === 49 ? null : 100 - k,
    best: null,
    last: {},
    step: 10,
  }));
  const series = trials.map((t) => ({
    trial: t.id,
    attempt: 1,
    name: 'val_loss',
    steps: Array.from({ length: 10 }, (_, i) => i + 1),
    values: new Array(10).fill(1),
  }));
  const snap = { type: 'snapshot' as const, meta, trials, series };
  assert.equal(featuredSeries(snap, 1000, 5), snap, 'under the budget: everything');
  const small = featuredSeries(snap, 100, 5);
  // minimize: the best are the lowest values (trials 45..49), plus the running trial 50
  assert.deepEqual(
    small.series.map((p) => p.trial),
    [45, 46, 47, 48, 49, 50],
  );
  assert.equal(small.trials, trials, 'every trial row is still sent');
  assert.equal(small.partialSeries, true);
  assert.equal(featuredSeries(snap, 1000, 5).partialSeries, undefined);
  const wire = encodeHostMessage(small);
  assert.deepEqual(parseHostMessage(wire), wire, 'partialSeries travels and validates');
  assert.match(parseHostMessage({ ...wire, partialSeries: 'yes' }) as string, /partialSeries/);
  assert.match(
    parseHostMessage({ ...encodeHostMessage({ type: 'append', trials: [], series: [] }), partialSeries: true }) as string,
    /unexpected field/,
  );
  const max = featuredSeries({ ...snap, meta: { ...meta, metric: { name: 'val_loss', goal: 'maximize' } } }, 100, 3);
  assert.deepEqual(
    max.series.map((p) => p.trial),
    [1, 2, 3, 50],
  );
});
