/** Every message the webview sends is untrusted: validated field by field, never cast. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeSeries,
  decodeTrials,
  encodeHostMessage,
  encodeSeries,
  encodeTrials,
  type MetricPoints,
  parseHostMessage,
  parseImportanceMessage,
  parseWebviewMessage,
  type SweepMeta,
  type TrialRow,
} from '../../src/protocol/messages';

test('valid webview messages pass unchanged', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'stopSweep' }), { type: 'stopSweep' });
  for (const type of ['stopTrial', 'promote', 'openLogs', 'rerun'])
    assert.deepEqual(parseWebviewMessage({ type, trial: 7 }), { type, trial: 7 });
  assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'warn', message: 'x' }), { type: 'log', level: 'warn', message: 'x' });
  assert.deepEqual(parseWebviewMessage({ type: 'series', trials: [3, 9] }), { type: 'series', trials: [3, 9] });
  for (const bad of [[], [0], ['1'], [1.5], new Array(1001).fill(1)])
    assert.match(parseWebviewMessage({ type: 'series', trials: bad }) as string, /series.trials/);
  assert.match(parseWebviewMessage({ type: 'series', trials: [1], x: 1 }) as string, /unexpected field/);
  // the curves' metric chooser asks for another metric's series
  assert.deepEqual(parseWebviewMessage({ type: 'series', trials: [3], metric: 'train_loss' }), {
    type: 'series',
    trials: [3],
    metric: 'train_loss',
  });
  for (const bad of ['', 7, 'x'.repeat(600), null])
    assert.match(parseWebviewMessage({ type: 'series', trials: [3], metric: bad }) as string, /series.metric/);
});

test('malformed or hostile webview messages are rejected with a reason', () => {
  const bad: [unknown, RegExp][] = [
    [null, /not an object/],
    ['stopTrial', /not an object/],
    [[{ type: 'ready' }], /not an object/],
    [{ type: 'rm -rf' }, /unknown message type/],
    [{}, /unknown message type/],
    [{ type: 'stopTrial' }, /positive integer/],
    [{ type: 'stopTrial', trial: '3' }, /positive integer/],
    [{ type: 'stopTrial', trial: 0 }, /positive integer/],
    [{ type: 'stopTrial', trial: 1.5 }, /positive integer/],
    [{ type: 'stopTrial', trial: NaN }, /positive integer/],
    [{ type: 'promote', trial: 2, file: '/etc/passwd' }, /unexpected field/],
    [{ type: 'ready', extra: 1 }, /unexpected field/],
    [{ type: 'log', level: 'debug', message: 'x' }, /level/],
    [{ type: 'log', level: 'info', message: 'x'.repeat(20_000) }, /message/],
    [{ type: '__proto__' }, /unknown message type/],
  ];
  for (const [raw, why] of bad) {
    const r = parseWebviewMessage(raw);
    assert.equal(typeof r, 'string', `rejected: ${JSON.stringify(raw)?.slice(0, 60)}`);
    assert.match(r as string, why);
  }
});

test('property: anything random is either rejected or a well-formed message', () => {
  fc.assert(
    fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }), (raw) => {
      const r = parseWebviewMessage(raw);
      if (typeof r === 'string') return true;
      assert.ok(['ready', 'stopSweep', 'stopTrial', 'promote', 'openLogs', 'rerun', 'log', 'series'].includes(r.type));
      if (r.type === 'series') assert.ok(r.trials.every((t) => Number.isInteger(t) && t > 0));
      if ('trial' in r) assert.ok(Number.isInteger(r.trial) && r.trial > 0);
      return true;
    }),
    { seed: 3, numRuns: 2000 },
  );
  // and messages shaped almost right
  fc.assert(
    fc.property(
      fc.record(
        {
          type: fc.constantFrom('stopTrial', 'promote', 'log', 'ready'),
          trial: fc.anything(),
          level: fc.anything(),
          message: fc.anything(),
        },
        { requiredKeys: ['type'] },
      ),
      (raw) => {
        const r = parseWebviewMessage(raw);
        if (typeof r !== 'string' && 'trial' in r) assert.ok(Number.isInteger(r.trial) && r.trial > 0);
        return true;
      },
    ),
    { seed: 4, numRuns: 2000 },
  );
});

test('importance messages are validated before they are drawn', () => {
  const ok = { type: 'importance', importance: { method: 'fanova', n: 20, params: [{ name: 'lr', importance: 0.9, correlation: -0.5 }] } };
  assert.deepEqual(parseImportanceMessage(ok), ok);
  assert.match(
    parseImportanceMessage({ ...ok, importance: { ...ok.importance, params: [{ name: 'lr', importance: 3, correlation: 0 }] } }) as string,
    /0…1/,
  );
  assert.match(parseImportanceMessage({ ...ok, importance: { ...ok.importance, method: 'magic' } }) as string, /method/);
  assert.deepEqual(parseImportanceMessage({ type: 'importance', importance: null }), { type: 'importance', importance: null });
});

// ---- host → webview: the columnar wire format ----------------------------------------------

const META: SweepMeta = {
  id: 's1',
  dir: '/w/.knobs/sweeps/s1',
  method: 'tpe',
  seed: 1,
  metric: { name: 'val_loss', goal: 'minimize' },
  runCap: 10,
  state: 'running',
  createdAt: 1000,
  updatedAt: 2000,
  axes: [
    { name: 'lr', kind: 'numeric', min: 1e-4, max: 0.1, log: true },
    { name: 'opt', kind: 'categorical', values: ['adam', 'sgd'] },
    { name: 'epochs', kind: 'constant', values: [3] },
  ],
};

const paramValue = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }).map((o) => ({ ...o })),
);
const finiteOrNull = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
const trialRow = (id: number) =>
  fc
    .record(
      {
        status: fc.constantFrom('pending', 'running', 'completed', 'failed', 'stopped', 'pruned', 'interrupted'),
        attempt: fc.integer({ min: 1, max: 5 }),
        params: fc.dictionary(fc.constantFrom('lr', 'opt', 'epochs', 'a.b'), paramValue, { maxKeys: 4 }),
        value: finiteOrNull,
        best: finiteOrNull,
        last: fc.dictionary(fc.constantFrom('val_loss', 'acc'), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 2 }),
        step: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
        reason: fc.constantFrom('exit code 1', 'asha: rung 1', 'stopped by user'),
        startedAt: fc.integer({ min: 0, max: 2e12 }),
        endedAt: fc.integer({ min: 0, max: 2e12 }),
        fit: fc.constantFrom('overfitting', 'underfitting', 'ok', 'improving'),
        fitReason: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['status', 'attempt', 'params', 'value', 'best', 'last', 'step'] },
    )
    .map((r) => ({ id, ...r, params: { ...r.params }, last: { ...r.last } }) as TrialRow);

test('property: trial rows and metric points survive the columnar encoding unchanged', () => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(30), { maxLength: 30 }).chain((ids) => fc.tuple(...[...new Set(ids)].map((k) => trialRow(k + 1)))),
      (rows) => {
        const cols = encodeTrials(rows);
        assert.equal(cols.n, rows.length);
        assert.deepEqual(decodeTrials(cols), rows);
        return true;
      },
    ),
    { seed: 5, numRuns: 300 },
  );
  const pts: MetricPoints[] = [
    { trial: 1, attempt: 1, name: 'val_loss', steps: [1, 2, 3], values: [0.5, NaN, 0.25] },
    { trial: 2, attempt: 2, name: 'acc', steps: [], values: [] },
    { trial: 1, attempt: 1, name: 'acc', steps: [7], values: [Infinity] },
  ];
  const enc = encodeSeries(pts);
  assert.deepEqual([...enc.offsets], [0, 3, 3, 4]);
  assert.deepEqual(enc.names, ['val_loss', 'acc']);
  assert.deepEqual(decodeSeries(enc), pts);
  assert.ok(enc.steps instanceof Int32Array, 'integer steps travel as Int32Array');
  const frac = encodeSeries([
    { trial: 1, attempt: 1, name: 'x', steps: [0.5, 1], values: [1, 2] },
    { trial: 2, attempt: 1, name: 'x', steps: [2 ** 40], values: [3] },
  ]);
  assert.ok(frac.steps instanceof Float64Array, 'fractional or huge steps stay Float64Array');
  assert.deepEqual(decodeSeries(frac)[0].steps, [0.5, 1]);
});

test('the columns are typed arrays: numeric params as Float64Array, the rest dictionary-coded', () => {
  const rows: TrialRow[] = [1, 2, 3].map((id) => ({
    id,
    status: 'completed',
    attempt: 1,
    params: { lr: 0.001 * id, opt: id === 2 ? 'sgd' : 'adam', epochs: 3 },
    value: id / 10,
    best: id / 10,
    last: { val_loss: id / 10 },
    step: 3,
  }));
  const wire = encodeHostMessage({ type: 'snapshot', meta: META, trials: rows, series: [] });
  assert.equal(wire.type, 'snapshot');
  if (wire.type !== 'snapshot') return;
  const lr = wire.trials.params.find((p) => p.name === 'lr')!;
  assert.ok('num' in lr && lr.num instanceof Float64Array);
  const opt = wire.trials.params.find((p) => p.name === 'opt')!;
  assert.ok('dict' in opt);
  assert.deepEqual(opt.dict, ['adam', 'sgd']);
  assert.deepEqual([...opt.codes], [0, 1, 0]);
  assert.ok(wire.trials.id instanceof Int32Array && wire.trials.status instanceof Uint8Array);
  // a valid wire message parses to the same content
  assert.deepEqual(parseHostMessage(wire), wire);
  assert.deepEqual(
    parseHostMessage(encodeHostMessage({ type: 'append', trials: [], series: [] })),
    encodeHostMessage({ type: 'append', trials: [], series: [] }),
  );
  assert.deepEqual(parseHostMessage({ type: 'error', message: 'x' }), { type: 'error', message: 'x' });
  const reply = encodeHostMessage({ type: 'series', series: [{ trial: 4, attempt: 1, name: 'val_loss', steps: [1], values: [0.3] }] });
  assert.deepEqual(parseHostMessage(reply), reply);
  assert.match(parseHostMessage({ type: 'series', series: [] }) as string, /columns/);
  // report times travel as one Float64Array parallel to the steps, and are checked
  const timed = encodeHostMessage({
    type: 'series',
    series: [
      { trial: 1, attempt: 1, name: 'x', steps: [1, 2], values: [1, 2], times: [1000, 2000] },
      { trial: 2, attempt: 1, name: 'x', steps: [1], values: [3] },
    ],
  });
  assert.ok(timed.type === 'series' && timed.series.times instanceof Float64Array);
  if (timed.type === 'series') {
    assert.deepEqual(
      Array.from(timed.series.times!).map((t) => (Number.isNaN(t) ? null : t)),
      [1000, 2000, null],
      'a chunk without times: NaN',
    );
    assert.deepEqual(decodeSeries(timed.series)[0].times, [1000, 2000]);
  }
  assert.deepEqual(parseHostMessage(timed), timed);
  if (timed.type === 'series') {
    assert.match(parseHostMessage({ ...timed, series: { ...timed.series, times: new Float64Array(1) } }) as string, /series.times/);
    assert.match(parseHostMessage({ ...timed, series: { ...timed.series, times: [1000, 2000, 3] } }) as string, /series.times/);
  }
});

test('malformed or hostile host messages are rejected with a reason', () => {
  const rows: TrialRow[] = [
    { id: 1, status: 'running', attempt: 1, params: { opt: 'adam' }, value: null, best: null, last: {}, step: null, reason: 'r' },
  ];
  const good = () =>
    encodeHostMessage({
      type: 'snapshot',
      meta: structuredClone(META),
      trials: rows,
      series: [{ trial: 1, attempt: 1, name: 'val_loss', steps: [1, 2], values: [1, 2] }],
    }) as any;
  const cases: [(m: any) => void, RegExp][] = [
    [(m) => (m.trials = rows), /columns/],
    [(m) => (m.trials.status[0] = 7), /not a state/],
    [(m) => (m.trials.id = new Float64Array([1])), /Int32Array/],
    [(m) => (m.trials.id[0] = 0), /positive integer/],
    [(m) => (m.trials.value = new Float64Array(2)), /holds 2 entries, not 1/],
    [(m) => (m.trials.n = 1.5), /count/],
    [(m) => (m.trials.fit[0] = 9), /fit tag/],
    [(m) => (m.trials.params[0].codes[0] = 5), /out of range/],
    [(m) => (m.trials.params[0].dict = [() => 1]), /param values/],
    [(m) => (m.trials.params[0].name = 'x'.repeat(600)), /name must be a string/],
    [(m) => (m.trials.reason.codes[0] = -2), /out of range/],
    [(m) => (m.trials.last = 'x'), /array/],
    [(m) => (m.series.offsets[1] = 5), /offsets/],
    [(m) => (m.series.offsets = new Int32Array([0, 3, 2])), /offsets/],
    [(m) => (m.series.values = new Float64Array(1)), /one length/],
    [(m) => (m.series.steps = new Uint8Array(2)), /Int32Array/],
    [(m) => (m.series.name[0] = 3), /out of range/],
    [(m) => (m.meta = undefined), /meta must be an object/],
    [(m) => (m.meta.metric.goal = 'up'), /metric/],
    [(m) => (m.meta.axes[0].kind = 'weird'), /unknown kind/],
    [(m) => (m.meta.axes[0].min = 'a'), /min must be a number/],
    [(m) => (m.extra = 1), /unexpected field/],
    [(m) => (m.type = 'snapshot2'), /unknown message type/],
  ];
  for (const [mutate, why] of cases) {
    const m = good();
    assert.equal(typeof parseHostMessage(m), 'object', 'the unmutated message is valid');
    mutate(m);
    const r = parseHostMessage(m);
    assert.equal(typeof r, 'string', `rejected: ${mutate.toString()}`);
    assert.match(r as string, why, mutate.toString());
  }
  assert.match(parseHostMessage(null) as string, /not an object/);
  assert.match(parseHostMessage({ type: 'error', message: 3 }) as string, /error.message/);
});

test('property: random host messages are rejected or well-formed', () => {
  fc.assert(
    fc.property(
      fc.record(
        {
          type: fc.constantFrom('snapshot', 'append', 'error', 'importance'),
          meta: fc.anything(),
          trials: fc.anything(),
          series: fc.anything(),
          message: fc.anything(),
        },
        { requiredKeys: ['type'] },
      ),
      (raw) => {
        const r = parseHostMessage(raw);
        if (typeof r !== 'string' && (r.type === 'snapshot' || r.type === 'append')) assert.ok(r.trials.id instanceof Int32Array);
        return true;
      },
    ),
    { seed: 6, numRuns: 1000 },
  );
});

test("the LR finder tab: lrFindAction carries a bare action; lrFind host messages are checked like the panel's", () => {
  for (const action of ['useBounds', 'writeCyclicLr', 'run'])
    assert.deepEqual(parseWebviewMessage({ type: 'lrFindAction', action }), { type: 'lrFindAction', action });
  assert.match(parseWebviewMessage({ type: 'lrFindAction', action: 'rm' }) as string, /action must be one of/);
  assert.match(parseWebviewMessage({ type: 'lrFindAction' }) as string, /action must be one of/);
  assert.match(parseWebviewMessage({ type: 'lrFindAction', action: 'useBounds', range: { min: 1, max: 2 } }) as string, /unexpected field/);

  const data = {
    title: 'sweep.yaml · lr',
    lrs: [1e-5, 1e-4, 1e-3],
    losses: [2, 1, null],
    smoothed: [2, 1.5, null],
    stopIndex: 2,
    diverged: true,
    minLr: 1e-4,
    canWriteSweep: false,
    canWriteCode: false,
  };
  const ok = parseHostMessage({ type: 'lrFind', data });
  assert.equal(typeof ok, 'object', String(ok));
  assert.deepEqual(
    (ok as { data: unknown }).data,
    parseHostMessage({ type: 'lrFind', data: { ...data } }) && (ok as { data: unknown }).data,
  );
  assert.equal((ok as { data: { lrs: number[] } }).data.lrs.length, 3);
  assert.deepEqual(parseHostMessage({ type: 'lrFind', data: null, message: 'none yet' }), {
    type: 'lrFind',
    data: null,
    message: 'none yet',
  });
  assert.deepEqual(encodeHostMessage({ type: 'lrFind', data: null }), { type: 'lrFind', data: null }, 'lrFind travels as it is');
  const bad: [unknown, RegExp][] = [
    [{ type: 'lrFind', data: { ...data, lrs: 'x' } }, /lrFind: /],
    [{ type: 'lrFind', data: null, extra: 1 }, /unexpected field/],
    [{ type: 'lrFind', data: null, message: 5 }, /message/],
    [{ type: 'lrFind' }, /lrFind: /],
  ];
  for (const [raw, why] of bad) assert.match(parseHostMessage(raw) as string, why);
});
