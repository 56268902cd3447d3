/** The lr-find result format has one owner: built from a run, written, read back and checked. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyseLrFind } from '../../src/core/analysis/lrFinder';
import { lrFindResult, parseLrFindResult, readLrFindResult, writeLrFindResult } from '../../src/core/analysis/lrFindResult';

const points = Array.from({ length: 60 }, (_, i) => {
  const lr = 1e-6 * 1e7 ** (i / 59);
  const x = Math.log10(lr);
  return { lr, loss: x < -2 ? 2.3 - 1.8 / (1 + Math.exp(-(x + 3.5) * 3)) : 0.5 + (x + 2) ** 2 * 3 };
});

test('a result written by the CLI reads back as itself (a diverged NaN loss comes back as NaN)', () => {
  const pts = [...points, { lr: 20, loss: NaN }];
  const r = lrFindResult(
    {
      source: '/w/sweep.yaml',
      sweepFile: '/w/sweep.yaml',
      param: 'lr',
      argv: ['python3', 'train.py'],
      ramp: { minLr: 1e-6, maxLr: 20, steps: 61 },
      createdAt: new Date(0),
    },
    { points: pts, analysis: analyseLrFind(pts), exitCode: 0, stoppedBy: 'diverged' },
  );
  assert.ok(r.suggestion && r.sweepRange && r.cyclicLr);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrres-'));
  try {
    const f = path.join(dir, 'result.json');
    writeLrFindResult(f, r);
    const back = readLrFindResult(f);
    assert.ok(typeof back === 'object', String(back));
    assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(fs.readFileSync(f, 'utf8')), 'nothing lost or added');
    assert.ok(Number.isNaN(back.points[pts.length - 1].loss));
    assert.equal(back.createdAt, '1970-01-01T00:00:00.000Z');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseLrFindResult: lenient about data, strict about what a button would write', () => {
  const base = {
    kind: 'knobs.lrFind',
    points: [
      { lr: 1e-4, loss: 2 },
      { lr: -1, loss: 1 },
      { lr: 1e-3, loss: null },
    ],
    stopIndex: 3,
  };
  const r = parseLrFindResult(base, 'r.json');
  assert.ok(typeof r === 'object');
  assert.deepEqual(
    r.points.map((p) => p.lr),
    [1e-4, 1e-3],
    'a point without a positive lr is dropped',
  );
  assert.equal(r.stopIndex, 2, 'the stop index follows the dropped point');
  assert.deepEqual(r.smoothed, [null, null]);
  const s = parseLrFindResult({ ...base, suggestion: { maxLr: 1e-3, baseLr: 2.5e-4 } }, 'r.json');
  assert.ok(typeof s === 'object');
  assert.deepEqual(
    s.suggestion,
    { maxLr: 1e-3, baseLr: 2.5e-4, method: 'steepest', baseLrRange: { low: 1e-4, high: 2.5e-4 } },
    'the documented band by default',
  );
  assert.equal(parseLrFindResult({ ...base, kind: 'other' }, 'r.json'), 'r.json is not a knobs lr-find result');
  assert.equal(parseLrFindResult({ ...base, points: {} }, 'r.json'), 'r.json: points must be an array of at most 100000');
  assert.equal(
    parseLrFindResult({ ...base, suggestion: { maxLr: 0, baseLr: 1 } }, 'r.json'),
    'r.json: suggestion needs positive maxLr and baseLr',
  );
  assert.equal(parseLrFindResult({ ...base, sweepRange: { min: 1, max: 1 } }, 'r.json'), 'r.json: sweepRange needs 0 < min < max');
  assert.equal(
    parseLrFindResult({ ...base, cyclicLr: { base_lr: 1, max_lr: '2' } }, 'r.json'),
    'r.json: cyclicLr needs positive base_lr and max_lr',
  );
  assert.equal(parseLrFindResult({ ...base, cyclicLr: 3 }, 'r.json'), 'r.json: cyclicLr needs positive base_lr and max_lr');
});
