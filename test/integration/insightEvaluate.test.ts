/**
 * `evaluate:` end to end through the CLI bundle: a short sweep whose script writes a checkpoint,
 * then the runner evaluates the best trial's checkpoint once and journals its test metrics apart
 * from the validation metrics; `knobs evaluate --trial N` reruns it on demand; a stopped sweep
 * is not evaluated.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onlySweep, ops, runCli, state, sweepFolder } from '../support/cli';

// Trains a fake model: val_loss = (x − 0.3)², writes checkpoints/model.json; with --evaluate DIR
// it reads the model back and reports test metrics that depend on it (and on KNOBS_EVALUATE).
const SCRIPT = `import argparse, json, os, sys
import knobs
p = argparse.ArgumentParser()
p.add_argument("--x", type=float, required=True)
p.add_argument("--evaluate", default=None)
p.add_argument("--slow", type=float, default=0)
a = p.parse_args()
if a.evaluate:
    with open(os.path.join(a.evaluate, "model.json")) as f:
        m = json.load(f)
    assert os.environ.get("KNOBS_EVALUATE") == "1", "KNOBS_EVALUATE not set"
    knobs.report(step=0, test_loss=m["loss"] + 0.5, test_acc=1.0 - m["loss"], val_loss=123.0)
    sys.exit(0)
if a.slow and a.x > 0.5:
    import time
    time.sleep(a.slow)
ck = os.environ["KNOBS_CHECKPOINT_DIR"]
loss = (a.x - 0.3) ** 2
for step in range(3):
    knobs.report(step=step, val_loss=loss + (2 - step) * 0.01)
with open(os.path.join(ck, "model.json"), "w") as f:
    json.dump({"loss": loss + 0.0, "trial": int(os.environ["KNOBS_TRIAL_ID"])}, f)
`;

const YAML = (extra: string) => `program: fake_train.py
method: grid
metric:
  name: val_loss
  goal: minimize
parameters:
  x:
    values: [0.0, 0.25, 0.9]
evaluate: ["\${env}", "\${interpreter}", "\${program}", "\${args}", "--evaluate", "\${checkpoint}"]
${extra}`;

function folder(extra = ''): string {
  const { dir } = sweepFolder(YAML(extra));
  fs.writeFileSync(path.join(dir, 'fake_train.py'), SCRIPT);
  return dir;
}

test('evaluate: runs once on the best trial after the sweep; test metrics are stored apart and shown as "test"', () => {
  const dir = folder();
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const sweep = onlySweep(dir);
  const s = state(sweep);
  assert.equal(s.finished?.reason, 'exhausted');
  const evals = ops(sweep).filter((o) => o.op === 'evaluate_started');
  assert.equal(evals.length, 1, 'evaluated once');
  // best trial: x = 0.25 (trial 2)
  assert.ok(s.evaluation, 'state.evaluation');
  assert.equal(s.evaluation.trial, 2);
  assert.equal(s.evaluation.status, 'completed');
  assert.ok(Math.abs(s.evaluation.metrics.test_loss - (0.0025 + 0.5)) < 1e-9, JSON.stringify(s.evaluation));
  assert.ok(Math.abs(s.evaluation.metrics.test_acc - (1 - 0.0025)) < 1e-9);
  // a non-test name is namespaced, and validation metrics of the trial are untouched
  assert.equal(s.evaluation.metrics['test/val_loss'], 123);
  assert.ok(Math.abs(s.byId.get(2)!.value! - 0.0025) < 1e-9);
  assert.equal(s.byId.get(2)!.series.test_loss, undefined);
  // sweep_finished comes after the evaluation
  const kinds = ops(sweep).map((o) => o.op);
  assert.ok(kinds.lastIndexOf('evaluate_result') < kinds.lastIndexOf('sweep_finished'));
  assert.match(r.stdout, /test: test/);
  assert.match(r.stdout, /test_acc=0\.9975/);
  const st = runCli(['status', '--json'], { cwd: dir });
  assert.equal(st.code, 0, st.stderr);
  const j = JSON.parse(st.stdout);
  assert.equal(j.evaluation.trial, 2);
  assert.equal(j.evaluation.metrics.test_acc, 0.9975);
});

test('knobs evaluate --trial N reruns it on demand and journals the new result', () => {
  const dir = folder();
  assert.equal(runCli(['run', 'sweep.yaml'], { cwd: dir }).code, 0);
  const r = runCli(['evaluate', '--trial', '3'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^test: test\/val_loss=123 test_acc=0\.64 test_loss=0\.86 \(trial 3/);
  const s = state(onlySweep(dir));
  assert.equal(s.evaluation?.trial, 3);
  assert.equal(s.evaluation?.by, 'user');
  // a trial that does not exist: a usage error with a hint
  const bad = runCli(['evaluate', '--trial', '9'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no trial 9[\s\S]*fix:/);
});

test('a failing evaluate command is recorded as failed, and a stopped sweep (sweep_timeout) is not evaluated', () => {
  const dir = folder();
  fs.writeFileSync(path.join(dir, 'sweep.yaml'), YAML('').replace('"--evaluate", "${checkpoint}"', '"--evaluate", "/nonexistent"'));
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const s = state(onlySweep(dir));
  assert.equal(s.evaluation?.status, 'failed');
  assert.match(s.evaluation?.error ?? '', /exit code 1/);
  assert.match(r.stdout, /test: failed/);

  // the third trial sleeps 120 s, so the 1 s sweep_timeout stops the sweep
  const dir2 = folder('sweep_timeout: 1\n');
  fs.writeFileSync(
    path.join(dir2, 'sweep.yaml'),
    YAML('sweep_timeout: 1\n').replace('values: [0.0, 0.25, 0.9]', 'values: [0.0, 0.25, 0.9]\n  slow:\n    value: 120'),
  );
  const r2 = runCli(['run', 'sweep.yaml'], { cwd: dir2 });
  assert.equal(r2.code, 0, r2.stderr + r2.stdout);
  const s2 = state(onlySweep(dir2));
  assert.equal(s2.finished?.reason, 'sweep_timeout');
  assert.equal(s2.evaluation, undefined, 'no evaluation after a timeout');
});
