/** A slice of the fault-injection suite (npm run reliability runs the full one). */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { crashSuite, formatCrashReport } from '../reliability/crashSuite';
import { onlySweep, runCli, state, sweepFolder } from '../support/cli';

test('runner killed with SIGKILL at 5 seeded random moments, then resumed: nothing lost, no zombies, no duplicates, same configs', async () => {
  const r = await crashSuite({ crashes: 5, seed: 11 });
  console.log(formatCrashReport(r));
  assert.deepEqual(r.failures, []);
  assert.equal(r.crashes, 5);
  assert.equal(r.lost + r.zombies + r.duplicates + r.running + r.configMismatches, 0);
});

test('hostile trial output (bad JSON, a 5 MB line, binary, broken helper lines, a 200k-line flood) never stops the sweep', () => {
  const { dir } = sweepFolder(`program: garbage.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  flood: {values: [200000]}\n`, [
    'garbage.py',
  ]);
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const sweep = onlySweep(dir);
  const t = state(sweep).trials[0];
  assert.equal(t.status, 'completed');
  assert.deepEqual(
    t.series.loss.map((p) => p.value),
    [0.5, 0.25],
    'only the real reports (the 5 MB line was cut before its tail)',
  );
  const log = fs.statSync(path.join(sweep, 'trials', '0001', 'stdout.log')).size;
  assert.ok(log > 5 * 1024 * 1024 + 200_000 * 40, 'stdout.log kept every byte');
});
