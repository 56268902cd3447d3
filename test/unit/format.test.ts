/** One style per thing for every face (CLI, tree, status bar, webview): numbers, learning rates, durations. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../src/core/format/duration';
import { formatLr, formatNumber, MISSING } from '../../src/core/format/number';

test('formatNumber: integers as they are, 4 significant digits, an exponent without + for tiny or huge', () => {
  const cases: [number | null | undefined, string][] = [
    [3.2e-4, '3.2e-4'],
    [0.00032156, '3.22e-4'],
    [0.083456, '0.08346'],
    [0.123456, '0.1235'],
    [64, '64'],
    [42, '42'],
    [0, '0'],
    [1234567, '1.23e6'],
    [1.5e7, '1.5e7'],
    [123456.7, '123500'],
    [-0.5, '-0.5'],
    [NaN, 'NaN'],
    [Infinity, '∞'],
    [-Infinity, '-∞'],
    [null, '–'],
    [undefined, '–'],
  ];
  for (const [v, want] of cases) assert.equal(formatNumber(v), want, String(v));
  assert.equal(formatNumber(0.123456, 3), '0.123');
  assert.equal(MISSING, '–');
});

test('formatLr: 2 significant digits with an exponent, plain from 1 to 1000', () => {
  assert.deepEqual([0.003, 0.00075, 1, 10, 2.5e-7, 1e-7, 0.0123456, 1000].map(formatLr), [
    '3e-3',
    '7.5e-4',
    '1',
    '10',
    '2.5e-7',
    '1e-7',
    '1.2e-2',
    '1e3',
  ]);
  assert.equal(formatLr(NaN), 'NaN');
});

test('formatDuration: 850ms, 42s, 3m05s, 2h07m, 3d04h; unknown is MISSING', () => {
  const cases: [number | null | undefined, string][] = [
    [850, '850ms'],
    [4_400, '4s'],
    [42_000, '42s'],
    [59_600, '1m00s'],
    [125_000, '2m05s'],
    [185_000, '3m05s'],
    [3_725_000, '1h02m'],
    [100 * 3600_000, '4d04h'],
    [-1, '–'],
    [NaN, '–'],
    [undefined, '–'],
    [null, '–'],
  ];
  for (const [v, want] of cases) assert.equal(formatDuration(v), want, String(v));
});
