/**
 * `knobs importance` through the CLI bundle (its worker is dist/importanceWorker.js, found beside
 * dist/cli.js) on a real small sweep where only x matters: loss = 10·x + 0.1·y.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, sweepFolder } from '../support/cli';

const SCRIPT = `import argparse, knobs
p = argparse.ArgumentParser()
p.add_argument("--x", type=float)
p.add_argument("--y", type=float)
p.add_argument("--kind", default="a")
a = p.parse_args()
knobs.report(step=1, loss=10 * a.x + 0.1 * a.y)
`;

const YAML = `program: f.py
method: sobol
metric:
  name: loss
  goal: minimize
parameters:
  x:
    min: 0.0
    max: 1.0
  y:
    min: 0.0
    max: 1.0
  kind:
    values: [a, b]
run_cap: 16
max_concurrent: 2
seed: 5
`;

test('knobs importance ranks the parameter that matters first, with its correlation', () => {
  const { dir } = sweepFolder(YAML);
  fs.writeFileSync(path.join(dir, 'f.py'), SCRIPT);
  const run = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);

  const j = runCli(['importance', '--json'], { cwd: dir });
  assert.equal(j.code, 0, j.stderr + j.stdout);
  const r = JSON.parse(j.stdout);
  assert.equal(r.method, 'fanova');
  assert.equal(r.n, 16);
  assert.deepEqual(r.params.map((p: { name: string }) => p.name)[0], 'x');
  const x = r.params.find((p: { name: string }) => p.name === 'x');
  const y = r.params.find((p: { name: string }) => p.name === 'y');
  assert.ok(x.importance > 0.9, `x importance ${x.importance}`);
  assert.ok(y.importance < 0.05, `y importance ${y.importance}`);
  assert.ok(x.correlation > 0.99, `x correlation ${x.correlation}`);
  assert.equal(r.params.find((p: { name: string }) => p.name === 'kind').correlation, null);

  const t = runCli(['importance'], { cwd: dir });
  assert.equal(t.code, 0, t.stderr);
  const lines = t.stdout.split('\n');
  const header = lines.findIndex((l) => /^param\s+importance\s+corr\s+spearman/.test(l));
  assert.ok(header >= 0, t.stdout);
  assert.match(lines[header + 1], /^x\s+█{20} 0\.\d{3}\s+\+1\.00/);

  const p = runCli(['importance', '--method', 'ped-anova', '--json'], { cwd: dir });
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).method, 'ped-anova');
  const bad = runCli(['importance', '--method', 'forest'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /fanova or ped-anova[\s\S]*fix:/);
});
