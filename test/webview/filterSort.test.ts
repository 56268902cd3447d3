import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRIC_AXIS } from '../../webview/src/charts/axes';
import { applyMask, computeMask, countByState, emptyFilters, isFiltering, withRange, withStates } from '../../webview/src/state/filter';
import { sortOrder, toggleSort } from '../../webview/src/state/sort';
import { TrialStore } from '../../webview/src/state/store';
import { syntheticSweep } from '../../webview/src/state/synthetic';

const rowsOf = (s: TrialStore) => Array.from({ length: s.size }, (_, i) => s.rowAt(i));

function store(n = 500) {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', ...syntheticSweep({ trials: n, points: 0, seed: 11 }) });
  return s;
}

test('no filters pass everything', () => {
  const s = store();
  const mask = new Uint8Array(s.size);
  assert.equal(computeMask(s, emptyFilters(), mask), s.size);
  assert.equal(isFiltering(emptyFilters()), false);
});

test('state + range filters agree with a brute-force count over the rows', () => {
  const s = store(2000);
  let f = withStates(emptyFilters(), ['completed', 'pruned']);
  f = withRange(f, 'lr', [0.01, 0.001]); // reversed on purpose
  f = withRange(f, 'optimizer', [1, 2]); // sgd, adamw
  f = withRange(f, METRIC_AXIS, [0, 0.6]);
  assert.deepEqual(f.ranges.lr, [0.001, 0.01]);
  const mask = new Uint8Array(s.size);
  const n = computeMask(s, f, mask);
  const expected = rowsOf(s).filter(
    (r) =>
      (r.status === 'completed' || r.status === 'pruned') &&
      (r.params.lr as number) >= 0.001 &&
      (r.params.lr as number) <= 0.01 &&
      r.params.optimizer !== 'adam' &&
      r.value !== null &&
      r.value <= 0.6,
  );
  assert.equal(n, expected.length);
  assert.ok(n > 0 && n < s.size);
  const byState = countByState(s, mask);
  assert.equal(byState.completed + byState.pruned, n);
  assert.equal(byState.running, 0);
  for (const r of expected) assert.equal(mask[s.indexById.get(r.id)!], 1);
  // clearing a brush widens the set
  const wider = computeMask(s, withRange(f, 'lr', undefined), mask);
  assert.ok(wider > n);
});

test('brushes on unknown axes are ignored; inputs are not mutated', () => {
  const s = store(100);
  const f = emptyFilters();
  const g = withRange(f, 'nope', [0, 1]);
  assert.deepEqual(f.ranges, {});
  assert.equal(computeMask(s, g, new Uint8Array(s.size)), 100);
});

test('applyMask keeps the order of the rows that pass', () => {
  const order = Int32Array.from([4, 2, 0, 3, 1]);
  const mask = Uint8Array.from([1, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(applyMask(order, mask, 3)), [2, 0, 3]);
  assert.deepEqual(Array.from(applyMask(order, mask, 1)), [2, 0, 3], 'a stale count still gives every row');
});

test('sort by value: best first for minimize, NaN last in both directions, ties by id', () => {
  const s = store(300);
  const asc = sortOrder(s, { key: 'value', dir: 'asc' });
  const vals = Array.from(asc, (i) => s.metric[i]);
  const firstNaN = vals.findIndex((v) => Number.isNaN(v));
  assert.ok(firstNaN > 0, 'some failed trials have no value');
  for (let k = 1; k < firstNaN; k++) assert.ok(vals[k - 1] <= vals[k]);
  assert.ok(vals.slice(firstNaN).every((v) => Number.isNaN(v)));
  assert.equal(s.rowAt(asc[0]).id, s.best!.id);
  const desc = sortOrder(s, { key: 'value', dir: 'desc' });
  assert.ok(Number.isNaN(s.metric[desc[desc.length - 1]]));
  assert.ok(s.metric[desc[0]] >= s.metric[desc[1]]);
  const byId = sortOrder(s, { key: 'id', dir: 'desc' });
  assert.equal(s.rowAt(byId[0]).id, 300);
});

test('sort by param, status and categorical', () => {
  const s = store(200);
  const o = sortOrder(s, { key: 'param:lr', dir: 'asc' });
  for (let k = 1; k < o.length; k++) assert.ok((s.rowAt(o[k - 1]).params.lr as number) <= (s.rowAt(o[k]).params.lr as number));
  const st = sortOrder(s, { key: 'status', dir: 'asc' });
  assert.equal(s.rowAt(st[0]).status, 'running');
  const cat = sortOrder(s, { key: 'param:optimizer', dir: 'asc' });
  assert.equal(s.rowAt(cat[0]).params.optimizer, 'adam');
  assert.equal(s.rowAt(cat[cat.length - 1]).params.optimizer, 'adamw');
  const c = sortOrder(s, { key: 'param:epochs', dir: 'asc' });
  assert.equal(s.rowAt(c[0]).id, 1, 'constant params keep id order');
});

test('toggleSort flips the same key and starts the metric best-first', () => {
  assert.deepEqual(toggleSort({ key: 'id', dir: 'asc' }, 'id', true), { key: 'id', dir: 'desc' });
  assert.deepEqual(toggleSort({ key: 'id', dir: 'asc' }, 'value', false), { key: 'value', dir: 'desc' });
  assert.deepEqual(toggleSort({ key: 'id', dir: 'asc' }, 'param:lr', true), { key: 'param:lr', dir: 'asc' });
});

test('100k trials: repeated brushes + refilters give exact counts', () => {
  const s = store(100_000);
  const mask = new Uint8Array(s.size);
  const order = sortOrder(s, { key: 'value', dir: 'asc' });
  for (let k = 0; k < 20; k++) {
    const n = computeMask(s, withRange(emptyFilters(), 'dropout', [0, 0.01 * (k + 1)]), mask);
    assert.equal(applyMask(order, mask, n).length, n);
  }
});

test('argsort (radix) matches a comparator sort: negatives, zeros, ties, NaN, descending', async () => {
  const { argsort } = await import('../../webview/src/state/sort');
  const keys = Float64Array.from([3, -1, 0, -0, NaN, 1e-300, -1e300, 3, 2.5, -2.5, Infinity, -Infinity, NaN, 0.1 + 0.2, 0.3]);
  const ref = (desc: boolean) => {
    const idx = Array.from(keys, (_, i) => i);
    return idx.sort((a, b) => {
      const x = keys[a],
        y = keys[b];
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
      if (x !== y) return desc ? (x < y ? 1 : -1) : x < y ? -1 : 1;
      return a - b;
    });
  };
  assert.deepEqual(Array.from(argsort(keys)), ref(false));
  assert.deepEqual(Array.from(argsort(keys, true)), ref(true));
  // random keys with many ties
  let seed = 1;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const big = Float64Array.from({ length: 5000 }, () => (rnd() < 0.05 ? NaN : Math.round(rnd() * 200) / 7 - 10));
  const idx = Array.from(big, (_, i) => i);
  const want = idx.sort((a, b) => {
    const x = big[a],
      y = big[b];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
    return x === y ? a - b : x - y;
  });
  assert.deepEqual(Array.from(argsort(big)), want);
  assert.deepEqual(Array.from(argsort(new Float64Array(0))), []);
});
