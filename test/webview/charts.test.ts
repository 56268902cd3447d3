import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitRange, fromUnit, METRIC_AXIS, niceStep, paramScale, ticks, toUnit } from '../../webview/src/charts/axes';
import { colorRange, colorUnit, scaleColor } from '../../webview/src/charts/colorScale';
import { curvePoints, nearestCurve, pickCurveTrials, segDist2, suggestLogY } from '../../webview/src/charts/curveData';
import { decimate, lttb, minMax } from '../../webview/src/charts/decimate';
import {
  axisAt,
  binColumns,
  brushRange,
  density,
  densityFromBins,
  rangeUnits,
  sampleRows,
  unitColumns,
} from '../../webview/src/charts/pcpData';
import { blendCounts, pixelIndex } from '../../webview/src/charts/scatter';
import { nearestPoint, project } from '../../webview/src/charts/scatterData';
import { smoothEma } from '../../webview/src/charts/smooth';
import { TrialStore } from '../../webview/src/state/store';
import { syntheticSweep } from '../../webview/src/state/synthetic';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('lttb keeps first/last, returns ascending indices, and at most the threshold', () => {
  const xs = range(10_000);
  const ys = xs.map((x) => Math.sin(x / 300) + (x === 5000 ? 10 : 0));
  const idx = lttb(xs, ys, 200);
  assert.equal(idx.length, 200);
  assert.equal(idx[0], 0);
  assert.equal(idx.at(-1), 9999);
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
  assert.ok(idx.includes(5000), 'LTTB keeps a big spike (largest triangle)');
});

test('lttb: short inputs unchanged, NaN skipped, tiny thresholds', () => {
  assert.deepEqual(lttb([0, 1, 2], [1, 2, 3], 10), [0, 1, 2]);
  assert.deepEqual(lttb([0, 1, 2, 3], [1, NaN, 3, 4], 10), [0, 2, 3]);
  assert.deepEqual(lttb(range(10), range(10), 2), [0, 9]);
});

test('minMax keeps every bucket extreme', () => {
  const xs = range(5000);
  const ys: number[] = xs.map((x) => (x % 97 === 0 ? -5 : x % 89 === 0 ? 5 : 0));
  const idx = minMax(xs, ys, 50);
  assert.ok(idx.length <= 200);
  const kept = idx.map((i) => ys[i]);
  assert.ok(kept.includes(-5) && kept.includes(5));
  // every bucket's min and max are present
  for (let b = 0; b < 50; b++) {
    const inB = xs.filter((x) => Math.min(49, Math.floor(x / (4999 / 50))) === b);
    const mn = Math.min(...inB.map((x) => ys[x]));
    const keptB = idx.filter((i) => inB.includes(i)).map((i) => ys[i]);
    assert.ok(keptB.includes(mn), `bucket ${b} keeps its min`);
  }
  assert.deepEqual(decimate(xs, ys, 400, 'minmax'), minMax(xs, ys, 100));
});

function storeWithSeries(n: number, points: number) {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', ...syntheticSweep({ trials: n, points, seed: 5, running: 0.1 }) });
  return s;
}

test('pickCurveTrials: best first, then the selected, running, then best by value, capped', () => {
  const s = storeWithSeries(300, 20);
  const ids = pickCurveTrials(s, { max: 30, selected: 7 });
  assert.equal(ids.length, 30);
  assert.equal(ids[0], s.best!.id);
  assert.equal(ids[1], 7);
  assert.equal(new Set(ids).size, 30);
  const running = ids.filter((id) => s.row(id)!.status === 'running');
  assert.ok(running.length >= 1 && running.length <= 15);
  // the by-value tail is the best remaining values
  const rest = ids.filter((id) => id !== 7 && s.row(id)!.status !== 'running').slice(1);
  const vals = rest.map((id) => s.row(id)!.value!);
  for (let k = 1; k < vals.length; k++) assert.ok(vals[k - 1] <= vals[k]);
  const mask = new Uint8Array(s.size);
  mask[10] = 1;
  mask[20] = 1;
  assert.deepEqual(
    pickCurveTrials(s, { max: 30, mask }).sort((a, b) => a - b),
    [11, 21],
  );
});

test('curvePoints decimates long curves and drops NaN; suggestLogY', () => {
  const steps = range(1000).map((x) => x + 1);
  const values = steps.map((x) => (x === 3 ? NaN : 1 / x));
  const short = curvePoints({ steps: steps.slice(0, 10), values: values.slice(0, 10) }, 100);
  assert.equal(short.length, 9);
  const long = curvePoints({ steps, values }, 100);
  assert.equal(long.length, 100);
  assert.deepEqual(long[0], { x: 1, y: 1, step: 1, raw: 1 });
  assert.equal(suggestLogY([long]), true);
  assert.equal(
    suggestLogY([
      [
        { x: 1, y: 1 },
        { x: 2, y: 2 },
      ],
    ]),
    false,
  );
  assert.equal(
    suggestLogY([
      [
        { x: 1, y: -1 },
        { x: 2, y: 2000 },
      ],
    ]),
    false,
  );
});

test("smoothEma is TensorBoard's debiased EMA: 0 changes nothing, the first point stays, NaN passes", () => {
  const v = [1, 2, 3, NaN, 4];
  assert.deepEqual(Array.from(smoothEma(v, 0)), v);
  const s = smoothEma(v, 0.6);
  assert.equal(s[0], 1, 'debiased: the first point is not pulled toward 0');
  // by hand: last = 0.6·0.4 + 0.4·2 = 1.04 → / (1 − 0.36) = 1.625
  assert.ok(Math.abs(s[1] - 1.625) < 1e-12);
  assert.ok(Number.isNaN(s[3]));
  assert.ok(s[4] < 4 && s[4] > s[2], 'smoothed values lag the raw ones');
});

test('curvePoints: smoothing keeps the raw value for the hover; wall time is seconds since the trial started', () => {
  const series = { steps: [1, 2, 3], values: [1, 3, 2], times: [10_000, 12_000, 15_000] };
  const sm = curvePoints(series, 100, { x: 'step', smoothing: 0.5 });
  assert.deepEqual(
    sm.map((p) => p.raw),
    [1, 3, 2],
  );
  assert.notEqual(sm[1].y, 3);
  const t = curvePoints(series, 100, { x: 'time', smoothing: 0, t0: 9_000 });
  assert.deepEqual(
    t.map((p) => [p.x, p.step]),
    [
      [1, 1],
      [3, 2],
      [6, 3],
    ],
  );
  assert.deepEqual(curvePoints({ steps: [1], values: [1] }, 100, { x: 'time', smoothing: 0 }), [], 'no times: nothing on a time axis');
});

test('colour scale: best is 1 (minimize flips), log over decades, missing is NaN', () => {
  const r = colorRange([0.1, 0.5, NaN, 1.1], true)!;
  assert.deepEqual([r.lo, r.hi, r.log], [0.1, 1.1, false]);
  assert.equal(colorUnit(0.1, r), 1);
  assert.equal(colorUnit(1.1, r), 0);
  assert.ok(Number.isNaN(colorUnit(NaN, r)));
  const l = colorRange([1, 10, 1000], false)!;
  assert.equal(l.log, true);
  assert.ok(Math.abs(colorUnit(10, l) - 1 / 3) < 1e-12);
  assert.equal(colorRange([NaN], true), undefined);
  assert.notEqual(scaleColor(0), scaleColor(1));
});

test('nearestCurve finds the curve under the pointer, between points too', () => {
  const curves = [
    {
      id: 1,
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
    },
    {
      id: 2,
      points: [
        { x: 0, y: 10 },
        { x: 10, y: 10 },
      ],
    },
  ];
  const id = (x: number) => x * 10;
  assert.equal(nearestCurve(curves, 50, 95, id, id)?.id, 2);
  assert.equal(nearestCurve(curves, 50, 3, id, id)?.id, 1);
  assert.equal(nearestCurve(curves, 50, 50, id, id), undefined);
  assert.equal(segDist2(0, 0, 10, 0, 5, 3), 9);
});

test('axes: log and linear unit mapping round-trips; categorical spacing; ticks', () => {
  const lr = paramScale({ name: 'lr', kind: 'numeric', min: 1e-4, max: 1e-1, log: true });
  assert.equal(toUnit(lr, 1e-4), 0);
  assert.ok(Math.abs(toUnit(lr, 1e-2) - 2 / 3) < 1e-12);
  assert.ok(Math.abs(fromUnit(lr, 2 / 3) - 1e-2) < 1e-12);
  assert.ok(Number.isNaN(toUnit(lr, -1)));
  assert.deepEqual(
    ticks(lr).map((t) => t.label),
    ['1e-4', '0.001', '0.01', '0.1'],
  );
  const cat = paramScale({ name: 'opt', kind: 'categorical', values: ['a', 'b', 'c'] });
  assert.equal(toUnit(cat, 1), 0.5);
  assert.deepEqual(
    ticks(cat).map((t) => t.label),
    ['a', 'b', 'c'],
  );
  const lin = paramScale({ name: 'd', kind: 'numeric', min: 0, max: 0.5 });
  assert.deepEqual(
    ticks(lin).map((t) => t.label),
    ['0', '0.1', '0.2', '0.3', '0.4', '0.5'],
  );
  assert.equal(niceStep(0.07), 0.1);
  const m = { ...lin, name: METRIC_AXIS, kind: 'metric' as const, lo: NaN, hi: NaN };
  assert.equal(fitRange(m, 2, 5, false), true);
  assert.deepEqual([m.lo, m.hi], [2, 5]);
  assert.equal(fitRange(lin, 0.1, 0.2, true), false, 'declared bounds that cover the data stay');
  assert.equal(fitRange(lin, -1, 0.2, true), true);
  assert.equal(lin.lo, -1);
});

test('density bins count every masked line exactly once per axis pair', () => {
  const s = storeWithSeries(5000, 0);
  const axes = s.scales.map((_, a) => a);
  const units = unitColumns(s, axes);
  const d = density(units, s.size, 32);
  assert.equal(d.counts.length, axes.length - 1);
  // pair (lr, dropout): both always present
  assert.equal(
    d.counts[0].reduce((a, b) => a + b, 0),
    5000,
  );
  // the last pair ends on the metric: rows with a NaN metric are not drawn
  const finite = Array.from(s.metric.subarray(0, s.size)).filter((v) => !Number.isNaN(v)).length;
  assert.equal(
    d.counts.at(-1)!.reduce((a, b) => a + b, 0),
    finite,
  );
  const mask = new Uint8Array(s.size);
  for (let i = 0; i < s.size; i += 2) mask[i] = 1;
  assert.equal(
    density(units, s.size, 32, mask).counts[0].reduce((a, b) => a + b, 0),
    2500,
  );
  // incremental update of a few rows equals a full rebuild
  const again = unitColumns(s, axes, units, [0, 1, 2]);
  assert.equal(again[0][1], units[0][1]);
});

test('sampleRows: evenly spread, only masked rows, capped', () => {
  const mask = new Uint8Array(100);
  for (let i = 0; i < 100; i += 3) mask[i] = 1;
  const s = sampleRows(100, 10, mask);
  assert.equal(s.length, 10);
  assert.ok(Array.from(s).every((i) => mask[i] === 1));
  assert.ok(s[9] > 80, 'spread over the whole range');
  assert.equal(sampleRows(5, 10).length, 5);
});

test('brushRange / rangeUnits round-trip; categorical brushes snap to categories', () => {
  const lr = paramScale({ name: 'lr', kind: 'numeric', min: 1e-4, max: 1e-1, log: true });
  const [lo, hi] = brushRange(lr, 2 / 3, 1 / 3);
  assert.ok(Math.abs(lo - 1e-3) < 1e-12 && Math.abs(hi - 1e-2) < 1e-12);
  const u = rangeUnits(lr, [lo, hi]);
  assert.ok(Math.abs(u[0] - 1 / 3) < 1e-9 && Math.abs(u[1] - 2 / 3) < 1e-9);
  const cat = paramScale({ name: 'o', kind: 'categorical', values: ['a', 'b', 'c', 'd'] });
  assert.deepEqual(brushRange(cat, 0.2, 0.7), [1, 2]);
  assert.deepEqual(brushRange(cat, 0.4, 0.5), [1, 1]);
  assert.equal(axisAt([10, 100, 200], 104, 8), 1);
  assert.equal(axisAt([10, 100, 200], 150, 8), -1);
});

test('scatter projection and nearest point respect the mask', () => {
  const ux = [0, 0.5, 1, NaN],
    uy = [0, 0.5, 1, 0.5];
  const { px, py } = project(ux, uy, 4, { x: 10, y: 10, w: 100, h: 100 });
  assert.deepEqual([px[1], py[1]], [60, 60]);
  assert.equal(py[0], 110, 'y grows downwards');
  assert.ok(Number.isNaN(px[3]));
  assert.equal(nearestPoint(px, py, 4, 62, 58, 5), 1);
  assert.equal(nearestPoint(px, py, 4, 62, 58, 5, Uint8Array.from([1, 0, 1, 1])), -1);
  assert.equal(nearestPoint(px, py, 4, 40, 40, 5), -1);
});

test('rasterDensity: a bin pair becomes a gap-free 1-px line weighted by its count', async () => {
  const { rasterDensity } = await import('../../webview/src/charts/pcpData');
  const bins = 2;
  // one pair of axes at x=0 and x=10; 3 lines from the low bin to the high bin
  const counts = [new Uint32Array([0, 3, 0, 0])]; // l=0 → r=1
  const W = 12,
    H = 20;
  const yOf = (u: number) => 19 - u * 19; // unit 0.25 → y 14.25, 0.75 → y 4.75
  const acc = rasterDensity({ bins, counts, max: 3 }, [0, 10], yOf, W, H);
  // every column 0..9 has a pixel set, with the count as weight
  for (let x = 0; x < 10; x++) {
    let col = 0;
    for (let y = 0; y < H; y++) col += acc[y * W + x] > 0 ? 1 : 0;
    assert.ok(col >= 1, `column ${x} is drawn`);
  }
  assert.equal(acc[14 * W + 0], 3, 'starts at the low bin centre');
  assert.ok(acc[5 * W + 9] === 3 || acc[4 * W + 9] === 3, 'ends at the high bin centre');
  assert.equal(acc[0 * W + 11], 0, 'nothing past the right axis');
  // the steep part has no vertical gaps: rows 5..14 are all covered somewhere
  for (let y = 5; y <= 14; y++)
    assert.ok(
      Array.from({ length: 10 }, (_, x) => acc[y * W + x]).some((v) => v > 0),
      `row ${y} covered`,
    );
  // reusing the buffer clears it first
  const again = rasterDensity({ bins, counts: [new Uint32Array(4)], max: 0 }, [0, 10], yOf, W, H, acc);
  assert.equal(again, acc);
  assert.ok(again.every((v) => v === 0));
});

test('density from precomputed bins equals density from units, with and without a mask', () => {
  const s = new TrialStore();
  s.apply({ type: 'snapshot', ...syntheticSweep({ trials: 3000, points: 0, seed: 9 }) });
  const units = unitColumns(
    s,
    s.scales.map((_, a) => a),
  );
  const bins = binColumns(units, s.size, 64);
  assert.deepEqual(densityFromBins(bins, s.size, 64), density(units, s.size, 64));
  const mask = new Uint8Array(s.size).map((_, i) => (i % 3 === 0 ? 1 : 0));
  assert.deepEqual(densityFromBins(bins, s.size, 64, mask), density(units, s.size, 64, mask));
});

test('scatter pixels: squares land where the points are; counts blend like stacked squares', () => {
  const px = new Float32Array([10, 0, NaN, 99.6]),
    py = new Float32Array([5, 0, 3, 49.6]);
  const W = 100,
    H = 50;
  const pix = pixelIndex(px, py, 4, 1, W, H, 2);
  assert.deepEqual([...pix], [4 * W + 9, 0, -1, 48 * W + 98], 'centred, clamped inside the canvas, -1 for missing');
  const d = new Uint8ClampedArray(4 * 3);
  // pixel 0: one muted hit; pixel 1: one muted and one matching; pixel 2: nothing
  blendCounts(d, new Uint32Array([1, 1, 0]), new Uint32Array([0, 1, 0]), [100, 100, 100], [0, 0, 200], 0.5, 0.5);
  assert.deepEqual([...d.slice(0, 4)], [100, 100, 100, 128]);
  // blue at 0.5 over grey at 0.5: alpha 0.75, colour (0.5·blue + 0.25·grey) / 0.75
  assert.deepEqual([...d.slice(4, 8)], [33, 33, 167, 191]);
  assert.deepEqual([...d.slice(8, 12)], [0, 0, 0, 0]);
});
