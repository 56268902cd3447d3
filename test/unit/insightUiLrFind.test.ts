/** "Knobs: Find Learning Rate": the CLI argv (no shell) and the checked JSON result. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lrFindArgv, lrFindSummary, parseLrFindOutput } from '../../src/extension/insight/lrFind';

const RESULT = {
  kind: 'knobs.lrFind',
  version: 1,
  points: [
    { lr: 1e-6, loss: 2.3, step: 0 },
    { lr: 1e-3, loss: 1.1, step: 50 },
    { lr: 1, loss: NaN },
  ],
  suggestion: { maxLr: 0.003, baseLr: 0.0003, method: 'steepest', baseLrRange: { low: 3e-4, high: 7.5e-4 }, index: 40 },
  sweepRange: { distribution: 'log_uniform_values', min: 0.0003, max: 0.003 },
  param: 'lr',
  dir: '/w/.knobs/lr-find/x',
};

test('lrFindArgv: the bundled CLI, the sweep file, --json, and --write only when asked', () => {
  assert.deepEqual(lrFindArgv('/ext/dist/cli.js', '/w/sweep.yaml'), ['/ext/dist/cli.js', 'lr-find', '/w/sweep.yaml', '--json']);
  assert.deepEqual(lrFindArgv('/ext/dist/cli.js', '/w/a b.yaml', true), [
    '/ext/dist/cli.js',
    'lr-find',
    '/w/a b.yaml',
    '--json',
    '--write',
  ]);
});

test('parseLrFindOutput reads the last JSON line and checks each field', () => {
  const v = parseLrFindOutput(`noise\n${JSON.stringify(RESULT)}\n`);
  assert.ok(typeof v === 'object');
  assert.deepEqual(
    v.points.map((p) => p.loss),
    [2.3, 1.1, NaN],
    'a non-finite loss (JSON null) is NaN',
  );
  assert.deepEqual(v.suggestion, { maxLr: 0.003, baseLr: 0.0003, method: 'steepest', baseLrRange: { low: 3e-4, high: 7.5e-4 }, index: 40 });
  assert.deepEqual(v.sweepRange, { distribution: 'log_uniform_values', min: 0.0003, max: 0.003 });
  assert.equal(v.dir, '/w/.knobs/lr-find/x');
  assert.equal(lrFindSummary(v), 'max_lr 3e-3, base_lr 3e-4 (steepest); sweep range 3e-4 … 3e-3');
  assert.match(String(parseLrFindOutput('')), /no JSON/);
  assert.match(String(parseLrFindOutput('{"kind":"other"}')), /not a knobs lr-find result/);
  assert.match(String(parseLrFindOutput(JSON.stringify({ ...RESULT, sweepRange: { min: 1, max: 0.1 } }))), /0 < min < max/);
  assert.match(String(parseLrFindOutput(JSON.stringify({ ...RESULT, suggestion: { maxLr: -1, baseLr: 1 } }))), /positive/);
  const none = parseLrFindOutput(JSON.stringify({ kind: 'knobs.lrFind', points: [], note: 'fewer than 2 usable points' }));
  assert.ok(typeof none === 'object');
  assert.equal(lrFindSummary(none), 'no suggestion: fewer than 2 usable points (0 points)');
});
