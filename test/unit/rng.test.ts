import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, hashKeys, rngFromState } from '../../src/core/random/rng';

const draw = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

describe('rng', () => {
  test('the same seed gives the same stream; another seed another', () => {
    const a = createRng(42);
    const b = createRng(42);
    assert.deepEqual(
      draw(100, () => a.uint32()),
      draw(100, () => b.uint32()),
    );
    const c = createRng(43);
    assert.notDeepEqual(
      draw(10, () => createRng(42).uint32()),
      draw(10, () => c.uint32()),
    );
  });

  test('snapshot: the streams do not drift', () => {
    const a = createRng(42);
    assert.deepEqual(
      draw(3, () => a.uint32()),
      [2837322924, 544945897, 479756282],
    );
    const c0 = createRng(42).child(0);
    assert.deepEqual(
      draw(2, () => c0.uint32()),
      [632652938, 1576775993],
    );
    const c1 = createRng(42).child('suggest', 1);
    assert.deepEqual(
      draw(2, () => c1.uint32()),
      [3603722887, 1347285373],
    );
    assert.equal(createRng(42).next(), 0.6606157208001621);
  });

  test('child streams depend only on the seed and keys, not on draws from the parent', () => {
    const p = createRng(7);
    const before = draw(5, () => p.child('trial', 3).uint32());
    draw(1000, () => p.next());
    const after = draw(5, () => p.child('trial', 3).uint32());
    assert.deepEqual(after, before);
    // a fresh child each time starts at the same place
    assert.equal(p.child('trial', 3).uint32(), p.child('trial', 3).uint32());
  });

  test('child streams are independent of each other and of the parent', () => {
    const p = createRng(7);
    const streams = [p, p.child(0), p.child(1), p.child('0'), p.child(0, 0), p.child(1, 0)].map((r) => draw(8, () => r.uint32()));
    const keys = new Set(streams.map((s) => s.join(',')));
    // child(0) and child('0') hash the same text by design (keys are stringified)
    assert.equal(keys.size, 5);
    assert.deepEqual(streams[1], streams[3]);
    // neighbouring children are uncorrelated: correlation of 20k draws is near 0
    const n = 20000;
    const x = p.child(100);
    const y = p.child(101);
    let sxy = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const a = x.next();
      const b = y.next();
      sx += a;
      sy += b;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const corr = cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    assert.ok(Math.abs(corr) < 0.03, `correlation ${corr}`);
  });

  test('hashKeys is stable and seed-sensitive', () => {
    assert.equal(hashKeys(1, ['a', 2]), hashKeys(1, ['a', 2]));
    assert.notEqual(hashKeys(1, ['a', 2]), hashKeys(2, ['a', 2]));
    assert.notEqual(hashKeys(1, ['a', 2]), hashKeys(1, ['a', 3]));
  });

  test('getState / rngFromState round trip continues the same stream', () => {
    const a = createRng(99);
    draw(37, () => a.next());
    a.int(10);
    const state = a.getState();
    const json = JSON.parse(JSON.stringify(state)) as typeof state;
    const b = rngFromState(json);
    assert.deepEqual(
      draw(50, () => b.uint32()),
      draw(50, () => a.uint32()),
    );
    // the state is a copy: drawing does not change an earlier snapshot
    const s1 = a.getState();
    a.next();
    assert.notDeepEqual(a.getState().s, s1.s);
    assert.equal(rngFromState(s1).child('x').uint32(), createRng(99).child('x').uint32(), 'children depend on the seed only');
  });

  test('next() is uniform in [0, 1) (chi-square over 20 bins)', () => {
    const r = createRng(2024);
    const bins = new Array<number>(20).fill(0);
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
      bins[Math.floor(u * 20)]++;
    }
    const e = n / 20;
    const chi2 = bins.reduce((s, o) => s + ((o - e) * (o - e)) / e, 0);
    // 19 degrees of freedom: the 99.9% quantile is 43.8
    assert.ok(chi2 < 43.8, `chi2 ${chi2}`);
  });

  test('int(n) covers 0..n-1 evenly and rejects n ≤ 0', () => {
    const r = createRng(5);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[r.int(7)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `count ${c}`);
    assert.throws(() => r.int(0), RangeError);
  });

  test('normal() has mean 0 and variance 1', () => {
    const r = createRng(11);
    const n = 100000;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      ss += z * z;
    }
    const mean = s / n;
    const v = ss / n - mean * mean;
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(v - 1) < 0.02, `variance ${v}`);
  });
});
