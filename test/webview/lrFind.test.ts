/** The lr-finder chart's data (webview/src/lrfind/plot.ts), without a browser. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { LrFindData } from '../../src/protocol/lrFindMessages';
import {
  buildLrFindPlot,
  cyclicLrText,
  fromPxX,
  linTicks,
  logTicks,
  nearestIndex,
  smoothedAt,
  suggestionText,
  sweepBlockText,
  toPx,
} from '../../webview/src/lrfind/plot';

const ROOT = path.resolve(__dirname, '../../..');

/** A ramp 1e-6 … 10 over 71 points: loss falls around 1e-3, bottoms at 1e-1, then diverges. */
function curve(): LrFindData {
  const lrs = Array.from({ length: 71 }, (_, i) => 1e-6 * 10 ** (i / 10));
  const losses = lrs.map((lr) => {
    const x = Math.log10(lr);
    return x <= -1 ? 2.3 - 2 / (1 + Math.exp(-(x + 3) * 2.5)) : 0.3 + (x + 1) * 4;
  });
  const smoothed = losses.map((l, i) => (i < 66 ? l * 1.01 : null));
  return {
    title: 'sweep.yaml · lr',
    lrs,
    losses: losses.map((l, i) => (i === 70 ? null : l)),
    smoothed,
    stopIndex: 62,
    diverged: true,
    minLr: 0.1,
    suggestion: { maxLr: 1e-3, baseLr: 2.5e-4, method: 'steepest', baseLrLow: 1e-4, baseLrHigh: 2.5e-4 },
    sweepRange: { min: 1e-4, max: 3e-3 },
    cyclicLr: { base_lr: 0.00025, max_lr: 0.001 },
    canWriteSweep: true,
    canWriteCode: true,
    param: 'optimizer.lr',
  };
}

test('the plot spans the ramp on a log axis; y covers the used smoothed curve, so the tail is clipped', () => {
  const d = curve();
  const p = buildLrFindPlot(d);
  assert.equal(p.empty, undefined);
  assert.ok(Math.abs(p.x.lo - -6) < 1e-9 && Math.abs(p.x.hi - 1) < 1e-9);
  const used = d.smoothed.slice(0, d.stopIndex) as number[];
  assert.ok(p.y.lo < Math.min(...used) && p.y.hi > Math.max(...used), 'the used curve fits');
  assert.ok(p.y.hi < Math.max(...(d.losses.filter((l) => l !== null) as number[])), 'the diverging raw tail is clipped');
  assert.equal(p.smooth.x.length, 62, 'the used curve is the points before stopIndex');
  assert.equal(p.tail.x.length, 1 + (66 - 62), 'the tail starts at the last used point and runs to the last finite smoothed value');
  assert.equal(p.raw.x.length, 70, 'non-finite raw losses are left out');
  assert.deepEqual(
    p.xTicks.map((t) => t.label),
    ['1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1', '1', '10'],
  );
});

test('max_lr and base_lr sit on the smoothed curve; the sweep range and base band are marked', () => {
  const d = curve();
  const p = buildLrFindPlot(d);
  const by = Object.fromEntries(p.markers.map((m) => [m.kind, m]));
  assert.equal(by.maxLr.label, 'max_lr 1e-3');
  assert.equal(by.baseLr.label, 'base_lr 2.5e-4');
  assert.ok(Math.abs(by.maxLr.x - -3) < 1e-12);
  // on the curve: the interpolated smoothed loss between its neighbours
  assert.ok(by.maxLr.y !== null && Math.abs(by.maxLr.y - (d.smoothed[30] as number)) < 1e-9, 'lr 1e-3 is point 30');
  assert.ok(by.baseLr.y !== null && by.baseLr.y > by.maxLr.y!, 'the loss is higher at base_lr, before the descent');
  assert.equal(by.min.label, 'min 1e-1');
  assert.deepEqual(p.band && [p.band.lo, p.band.hi], [-4, Math.log10(3e-3)]);
  assert.equal(p.band?.label, 'sweep range 1e-4 … 3e-3');
  assert.deepEqual(p.baseBand && [p.baseBand.lo, p.baseBand.hi], [-4, Math.log10(2.5e-4)]);
});

test('pixel mapping round-trips and hover finds the nearest point', () => {
  const d = curve();
  const p = buildLrFindPlot(d);
  const f = { left: 50, top: 20, width: 700, height: 300 };
  const [px, py] = toPx(p, f, -3, p.y.lo);
  assert.equal(py, 320);
  assert.ok(Math.abs(fromPxX(p, f, px) - -3) < 1e-12);
  assert.deepEqual(toPx(p, f, p.x.lo, p.y.hi), [50, 20]);
  assert.equal(nearestIndex(d, -3.04), 30);
  assert.equal(nearestIndex({ ...d, lrs: [] }, 0), -1);
});

test('ticks and formats', () => {
  assert.deepEqual(
    logTicks(-3.2, -2.1).map((t) => t.label),
    ['1e-3', '2e-3', '5e-3'],
  );
  assert.equal(logTicks(-20, 2).length, 12, 'every other decade over a wide ramp');
  const lt = linTicks(0.27, 2.51, 5);
  assert.deepEqual(
    lt.map((t) => t.v),
    [0.5, 1, 1.5, 2, 2.5],
  );
  assert.equal(smoothedAt({ x: [0, 1], y: [1, 3] }, 0.25), 1.5);
  assert.equal(smoothedAt({ x: [0, 1], y: [1, 3] }, 2), null);
});

test('texts say what each button writes; empty and suggestion-less results draw a reason', () => {
  const d = curve();
  assert.equal(sweepBlockText(d), 'lr:\n  distribution: log_uniform_values\n  min: 0.0001\n  max: 0.003');
  assert.equal(cyclicLrText(d), 'CyclicLR(optimizer, base_lr=0.00025, max_lr=0.001)');
  assert.match(suggestionText(d), /^max_lr 1e-3 \(at the steepest descent/);
  const none = { ...d, suggestion: undefined, sweepRange: undefined, cyclicLr: undefined, note: 'the curve never descends' };
  assert.equal(suggestionText(none), 'No suggestion: the curve never descends.');
  assert.equal(sweepBlockText(none), undefined);
  assert.deepEqual(
    buildLrFindPlot(none).markers.map((m) => m.kind),
    ['min'],
  );
  const empty = buildLrFindPlot({ ...d, lrs: [], losses: [], smoothed: [], stopIndex: 0, minLr: null, note: 'only 0 usable point(s)' });
  assert.equal(empty.empty, 'No points: only 0 usable point(s)');
  const flat = buildLrFindPlot({ ...d, losses: d.losses.map(() => 1), smoothed: d.smoothed.map(() => 1) });
  assert.ok(flat.y.hi > flat.y.lo, 'a flat curve still has a y range');
});

test('the renderer reads colours only from the theme, and the panel is its own bundle', () => {
  const draw = fs.readFileSync(path.join(ROOT, 'webview', 'src', 'lrfind', 'draw.ts'), 'utf8');
  assert.match(draw, /export function drawLrFind\(canvas: HTMLCanvasElement, data: LrFindData, theme: Theme/);
  assert.doesNotMatch(draw.replace(/\/\*[\s\S]*?\*\//g, ''), /#[0-9a-fA-F]{3,8}\b|rgba?\(|\b(black|white|red|green|blue)'/);
  assert.doesNotMatch(draw, /from '\.\.\/app'|from '\.\/main'/, 'the renderer does not depend on the panel or the dashboard app');
  const css = fs.readFileSync(path.join(ROOT, 'webview', 'src', 'lrfind', 'lrFind.css'), 'utf8');
  for (const decl of css.match(/(?:^|[;{\s])(?:color|background)\s*:[^;]+/g) ?? [])
    assert.match(decl, /var\(--vscode-|transparent/, decl.trim());
  const js = path.join(ROOT, 'dist', 'lrFind.js');
  assert.ok(fs.existsSync(js), 'dist/lrFind.js is built (npm run build)');
  assert.doesNotMatch(fs.readFileSync(js, 'utf8'), /\bnew Function\s*\(|[^.\w]eval\s*\(/);
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'lrFind.css')));
});
