/**
 * NaN and ±Infinity parameter values (`values: [.nan, .inf, -.inf]`) reach a real script as W&B
 * gives them (`--x=nan` in argv, float('nan') in the config) and are recorded as NaN, not null:
 * in KNOBS_PARAMS (read by knobs.py, knobs.mjs and the W&B shim), the journal (resume) and the
 * export.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { trialDir } from '../../src/core/sweep/paths';
import { onlySweep, runCli, state, sweepFolder } from '../support/cli';

const SCRIPT = `import json, os, subprocess, sys
import knobs, wandb
node = subprocess.run(["node", "--input-type=module", "-e",
    "const k = await import(process.env.KNOBS_HELPERS_NODE); const x = k.params().x; console.log(JSON.stringify([String(x), typeof x]))"],
    capture_output=True, text=True, check=True).stdout.strip()
got = {"argv": sys.argv[1:], "knobs": repr(knobs.params()["x"]), "wandb": repr(wandb.config.x),
       "nested": repr(knobs.params()["y"]), "node": json.loads(node), "env": os.environ["KNOBS_PARAMS"]}
with open(os.path.join(os.environ["KNOBS_TRIAL_DIR"], "got.json"), "w") as f:
    json.dump(got, f)
knobs.report(step=0, loss=1.0)
`;

const SWEEP = `program: got.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [null, .nan, .inf, -.inf, 'NaN']}
  y: {value: {eps: .nan, list: [-.inf]}}
`;

test('NaN and ±Infinity parameter values reach the script and are recorded as such', () => {
  const { dir } = sweepFolder(SWEEP);
  fs.writeFileSync(path.join(dir, 'got.py'), SCRIPT);
  const run = runCli(['run', 'sweep.yaml', '--wandb-shim'], { cwd: dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const sweepDir = onlySweep(dir);
  const s = state(sweepDir); // replayed from the journal file, as on resume
  assert.equal(s.trials.length, 5, 'null, NaN, Infinity, -Infinity and the string "NaN" are five grid values');

  const got = s.trials.map((t) => JSON.parse(fs.readFileSync(path.join(trialDir(sweepDir, t.id), 'got.json'), 'utf8')));
  assert.deepEqual(
    got.map((g) => g.argv[0]),
    ['--x=None', '--x=nan', '--x=inf', '--x=-inf', '--x=NaN'],
  );
  assert.deepEqual(
    got.map((g) => g.knobs),
    ['None', 'nan', 'inf', '-inf', "'NaN'"],
  );
  assert.deepEqual(
    got.map((g) => g.wandb),
    ['None', 'nan', 'inf', '-inf', "'NaN'"],
  );
  assert.deepEqual(
    got.map((g) => g.node),
    [
      ['null', 'object'],
      ['NaN', 'number'],
      ['Infinity', 'number'],
      ['-Infinity', 'number'],
      ['NaN', 'string'],
    ],
  );
  assert.equal(got[0].nested, "{'eps': nan, 'list': [-inf]}");
  assert.match(got[1].env, /"x":NaN/);

  const x = s.trials.map((t) => t.params.x);
  assert.deepEqual(x, [null, NaN, Infinity, -Infinity, 'NaN']);
  assert.deepEqual(s.trials[0].params.y, { eps: NaN, list: [-Infinity] });

  const csv = runCli(['export', '--csv'], { cwd: dir }).stdout.trim().split('\n');
  assert.deepEqual(csv[0].split(',').slice(3, 5), ['x', 'y']);
  assert.deepEqual(
    csv.slice(1).map((r) => r.split(',')[3]),
    ['', 'NaN', 'inf', '-inf', 'NaN'],
  );
  assert.match(csv[1], /"\{""eps"":NaN,""list"":\[-Infinity\]\}"/);

  const json = JSON.parse(runCli(['export', '--json'], { cwd: dir }).stdout);
  assert.deepEqual(
    json.trials.map((t: { params: { x: unknown } }) => t.params.x),
    [null, 'NaN', 'Infinity', '-Infinity', 'NaN'],
  );
  assert.deepEqual(json.trials[0].config.y, { eps: 'NaN', list: ['-Infinity'] });
});
