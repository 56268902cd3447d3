/** The importance tab's bars (pure part). */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importanceCaption, importanceRows } from '../../webview/src/charts/importance';

test('importance bars: scaled to the largest; correlation from the centre, by sign', () => {
  const rows = importanceRows({
    method: 'fanova',
    n: 20,
    params: [
      { name: 'lr', importance: 0.6, correlation: -0.5 },
      { name: 'dropout', importance: 0.3, correlation: 0.8 },
      { name: 'opt', importance: 0.1, correlation: null },
    ],
  });
  assert.deepEqual(
    rows.map((r) => r.importancePct),
    [100, 50, 16.7],
  );
  assert.deepEqual([rows[0].corrLeftPct, rows[0].corrWidthPct, rows[0].corrSign], [25, 25, 'neg']);
  assert.deepEqual([rows[1].corrLeftPct, rows[1].corrWidthPct, rows[1].corrSign], [50, 40, 'pos']);
  assert.deepEqual([rows[2].corrWidthPct, rows[2].corrText, rows[2].corrSign], [0, '–', 'none']);
  assert.equal(rows[0].importanceText, '60%');
  assert.match(
    importanceCaption({ method: 'fanova', n: 20, explained: 0.91, params: [] }),
    /fANOVA .* 20 completed trials; .* explains 91%/,
  );
  assert.match(importanceCaption(null), /once a few trials/);
});
