import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFuzzReport, fuzzSweepFiles } from '../reliability/fuzzSweeps';

test('100 hostile sweep files: each a clear error with a line or a sane spec; no throw, no hang', () => {
  // no timing here: `npm run reliability` reports how many took over 1 s
  const r = fuzzSweepFiles({ count: 100, seed: 99, hangMs: Infinity });
  console.log(formatFuzzReport(r));
  assert.deepEqual(r.failures.slice(0, 5), []);
  assert.equal(r.files, 100);
  assert.ok(r.errors > 50, 'most hostile files are errors');
  assert.ok(r.peakHeapMiB < 1024, 'bounded memory');
});
