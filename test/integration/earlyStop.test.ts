/** Early stopping and disk hygiene through the real CLI and real trial processes. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onlySweep, ops, runCli, state, sweepFolder } from '../support/cli';

test('ASHA prunes worse trials at their rungs, with the reason in the journal and the CLI', () => {
  const { dir } = sweepFolder(
    `program: report_py.py
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: -1.0, max: 1.0}
  y: {min: -1.0, max: 1.0}
  steps: {value: 8}
  sleep: {value: 0.02}
run_cap: 10
seed: 5
early_terminate: {type: asha, max_t: 8, grace_period: 1, reduction_factor: 2}
stop_grace_period: 2s
`,
    ['report_py.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const s = state(onlySweep(dir));
  const pruned = s.trials.filter((t) => t.status === 'pruned');
  assert.ok(pruned.length >= 2, `some trials pruned (${pruned.length})`);
  for (const t of pruned) {
    assert.match(t.reason!, /rung/);
    assert.ok(t.reports < 8, 'pruned before the end');
  }
  const completed = s.trials.filter((t) => t.status === 'completed');
  assert.ok(completed.length >= 1);
  assert.match(r.stdout, /pruned/);
  // the best trial is never pruned at a rung it leads
  const best = [...s.trials].filter((t) => t.value !== undefined).sort((a, b) => a.value! - b.value!)[0];
  assert.notEqual(best.status, 'pruned');
});

test('keep_checkpoints: 2 keeps the checkpoints of the best two trials and deletes the rest', () => {
  const { dir } = sweepFolder(
    `program: checkpoint.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [0.5, 0.1, 0.9, 0.3, 0.7]}
  hold: {value: 0}
keep_checkpoints: 2
`,
    ['checkpoint.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const sweep = onlySweep(dir);
  const s = state(sweep);
  const kept = s.trials.filter((t) => fs.readdirSync(path.join(sweep, 'trials', String(t.id).padStart(4, '0'), 'checkpoints')).length > 0);
  assert.deepEqual(kept.map((t) => t.params.x).sort(), [0.1, 0.3], 'the two best (lowest loss) keep theirs');
  assert.ok(ops(sweep).some((o) => o.op === 'checkpoints_deleted'));
  assert.equal(s.trials.filter((t) => t.checkpointsDeleted).length, 3);
});
