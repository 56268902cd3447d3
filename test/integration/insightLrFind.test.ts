/**
 * `knobs lr-find` through the CLI bundle on a copy of the real PyTorch example (a short ramp):
 * a suggestion inside the ramp, the result saved under .knobs/lr-find/<stamp>/, and --write
 * rewrites only the lr block's min/max values of the sweep file.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadSweepFile } from '../../src/core/space/parse';
import { ROOT, runCli } from '../support/cli';

test('knobs lr-find on the PyTorch example: suggestion inside the ramp, result.json, --write edits only lr min/max', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-lrfind-'));
  for (const f of ['train.py', 'sweep.yaml']) fs.copyFileSync(path.join(ROOT, 'examples', 'pytorch-digits', f), path.join(dir, f));
  const before = fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8');
  const r = runCli(['lr-find', 'sweep.yaml', '--min', '1e-6', '--max', '10', '--steps', '60', '--write', '--json'], {
    cwd: dir,
    timeoutMs: 300_000,
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const j = JSON.parse(r.stdout);
  assert.ok(j.points.length >= 20, `${j.points.length} points`);
  assert.ok(j.suggestion, j.note);
  assert.ok(j.suggestion.maxLr > 1e-6 && j.suggestion.maxLr < 10, `max_lr ${j.suggestion.maxLr}`);
  assert.ok(j.suggestion.baseLr < j.suggestion.maxLr);
  assert.equal(j.param, 'lr');
  const saved = JSON.parse(fs.readFileSync(path.join(j.dir, 'result.json'), 'utf8'));
  assert.equal(saved.kind, 'knobs.lrFind');
  assert.deepEqual(saved.points, j.points);
  assert.ok(fs.existsSync(path.join(j.dir, 'stdout.log')));
  assert.equal(path.dirname(j.dir), path.join(dir, '.knobs', 'lr-find'));
  // --write: only the lr block's min and max lines changed, to the saved sweep range
  const after = fs.readFileSync(path.join(dir, 'sweep.yaml'), 'utf8');
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length);
  const changed = a.map((l, i) => (l === b[i] ? -1 : i)).filter((i) => i >= 0);
  assert.ok(changed.length >= 1 && changed.length <= 2, `changed lines ${changed}`);
  for (const i of changed) assert.match(b[i], /^ {4}(min|max): /);
  const spec = loadSweepFile(path.join(dir, 'sweep.yaml'));
  const lr = spec.space.params.find((p) => p.name === 'lr');
  assert.ok(lr && lr.kind === 'numeric');
  assert.equal(lr.min, j.sweepRange.min);
  assert.equal(lr.max, j.sweepRange.max);
  assert.equal(j.written.min, j.sweepRange.min);

  // text output: sparkline, suggestion, a ready-to-paste block and CyclicLR args
  const t = runCli(['lr-find', 'sweep.yaml', '--min', '1e-6', '--steps', '40'], { cwd: dir, timeoutMs: 300_000 });
  assert.equal(t.code, 0, t.stderr + t.stdout);
  assert.match(t.stdout, /suggestion \((steepest|min\/10)\): max_lr = /);
  assert.match(t.stdout, /distribution: log_uniform_values\n {4}min: [0-9.e-]+\n {4}max: [0-9.e-]+/);
  assert.match(t.stdout, /CyclicLR\(optimizer, base_lr=[0-9.e-]+, max_lr=[0-9.e-]+\)/);
  assert.match(t.stdout, /[▁▂▃▄▅▆▇█]{10,}/);
});
