/** A journal that stops accepting writes mid-sweep (disk full, folder turned read-only). */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { readJournal } from '../../src/core/journal/reader';
import { LocalExecutor } from '../../src/core/runner/localExecutor';
import { loadSweepFile } from '../../src/core/space/parse';
import { createSweep } from '../../src/core/sweep/create';
import { SweepRunner } from '../../src/core/sweep/runner';
import { groupAlive, PYTHON, sweepFolder } from '../support/cli';

for (const [code, words] of [
  ['ENOSPC', /disk is full/],
  ['EROFS', /read-only/],
] as const) {
  test(`${code} mid-sweep: the runner stops cleanly with a clear error, kills its trials, and the journal stays readable`, async () => {
    const { dir, file } = sweepFolder(
      `program: slow_report.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 100}
  interval: {value: 0.05}
run_cap: 10
max_concurrent: 2
seed: 3
`,
      ['slow_report.py'],
    );
    const spec = loadSweepFile(file);
    const paths = createSweep({ spec, knobsDir: path.join(dir, '.knobs'), seed: 3 });
    let writes = 0;
    const io = {
      write(fd: number, data: string) {
        if (++writes > 12) throw Object.assign(new Error(`${code}: injected`), { code });
        fs.writeSync(fd, data);
      },
      fsync(fd: number) {
        fs.fsyncSync(fd);
      },
    };
    const runner = new SweepRunner({
      sweepDir: paths.dir,
      spec,
      executor: new LocalExecutor({ graceMs: 1000 }),
      env: { ...process.env, KNOBS_PYTHON: PYTHON },
      journalIo: io,
      graceMs: 1000,
    });
    await assert.rejects(runner.run(), (e: unknown) => e instanceof KnobsError && e.code === 'E_DISK' && words.test(e.message) && !!e.hint);
    const { ops, bad } = readJournal(paths.journal);
    assert.deepEqual(bad, [], 'no corrupt lines');
    assert.ok(ops.length >= 5 && ops[0].op === 'sweep_created');
    const pgids = ops.flatMap((o) => (o.op === 'trial_started' ? [o.pgid] : []));
    assert.ok(pgids.length >= 1, 'trials had started');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      pgids.filter((g) => groupAlive(g)),
      [],
      'no trial left running',
    );
    assert.equal(fs.existsSync(paths.lock), false, 'the lock is released, so `knobs resume` can continue');
  });
}
