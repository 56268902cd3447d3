/** The dashboard's LR finder tab shows the newest saved range test of the sweep's own file. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { newestLrFindOf } from '../../src/extension/insight/lrFind';

function save(root: string, stamp: string, result: Record<string, unknown> | string): string {
  const dir = path.join(root, '.knobs', 'lr-find', stamp);
  fs.mkdirSync(dir, { recursive: true });
  const f = path.join(dir, 'result.json');
  fs.writeFileSync(f, typeof result === 'string' ? result : JSON.stringify(result));
  return f;
}

function result(sweepFile: string, createdAt: string, maxLr: number): Record<string, unknown> {
  const points = [1e-5, 1e-4, 1e-3, 1e-2].map((lr, i) => ({ lr, loss: [2, 1.2, 0.8, 5][i], smoothed: [2, 1.4, 1, 3][i] }));
  return {
    kind: 'knobs.lrFind',
    sweepFile,
    param: 'lr',
    createdAt,
    points,
    stopIndex: 4,
    diverged: true,
    minLr: 1e-3,
    suggestion: { maxLr, baseLr: maxLr / 4, method: 'steepest', baseLrLow: maxLr / 10, baseLrHigh: maxLr / 4 },
    sweepRange: { min: maxLr / 10, max: maxLr },
    cyclicLr: { base_lr: maxLr / 4, max_lr: maxLr },
  };
}

test("newestLrFindOf: the newest result of that sweep file; other files' and broken results are passed over", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrnew-'));
  const sweep = path.join(root, 'sweep.yaml');
  const other = path.join(root, 'other.sweep.yaml');
  assert.equal(newestLrFindOf(sweep), undefined, 'none yet');
  save(root, '20261101-100000', result(sweep, '2026-11-01T10:00:00.000Z', 1e-3));
  const newest = save(root, '20261102-100000', result(sweep, '2026-11-02T10:00:00.000Z', 2e-3));
  save(root, '20261103-100000', result(other, '2026-11-03T10:00:00.000Z', 9e-3));
  save(root, '20261104-100000', '{"kind": "knobs.lrFind", "points": [tor');
  const got = newestLrFindOf(sweep);
  assert.ok(got, 'found one');
  assert.equal(got.file, newest);
  assert.equal(got.suggestion?.maxLr, 2e-3);
  assert.equal(newestLrFindOf(other)?.suggestion?.maxLr, 9e-3);
  fs.rmSync(root, { recursive: true, force: true });
});
