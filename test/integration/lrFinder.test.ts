/**
 * The lr range test on a real short run of examples/pytorch-digits/train.py (planned from its
 * sweep file, run by runLrFind), and `evaluate:` on a real trained checkpoint of that example.
 * Python is $KNOBS_PYTHON or /usr/bin/python3 (numpy, torch, scikit-learn).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lrAt, planLrFind } from '../../src/core/analysis/lrFinder';
import { runLrFind } from '../../src/core/analysis/runLrFind';
import { helperPaths } from '../../src/core/runner/helpersPath';
import { ReportParser } from '../../src/core/runner/reportParser';
import { loadSweepFile } from '../../src/core/space/parse';
import { buildEvaluateArgv } from '../../src/core/sweep/evaluate';

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = process.env.KNOBS_PYTHON || '/usr/bin/python3';
const EXAMPLE = path.join(ROOT, 'examples', 'pytorch-digits');

describe('lr range test on the PyTorch example', () => {
  it('ramps the lr, records loss vs lr and suggests a max_lr inside the ramp', async () => {
    const sweep = loadSweepFile(path.join(EXAMPLE, 'sweep.yaml'));
    const plan = planLrFind({
      sweep,
      interpreter: PYTHON,
      env: process.env,
      minLr: 1e-6,
      maxLr: 10,
      steps: 80,
      argsJsonFile: path.join(os.tmpdir(), 'knobs-lrf-args.json'),
    });
    assert.ok(plan.argv.includes('train.py'), plan.argv.join(' '));
    const r = await runLrFind({ argv: plan.argv, cwd: EXAMPLE, env: plan.env, timeoutMs: 120_000 });
    assert.notEqual(r.stoppedBy, 'timeout', r.stderrTail);
    assert.ok(r.points.length >= 20, `${r.points.length} points; stderr: ${r.stderrTail}`);
    r.points.forEach((p, i) => assert.ok(Math.abs(p.lr / lrAt(plan.ramp, i) - 1) < 1e-9, `point ${i}: lr ${p.lr}`));
    const s = r.analysis.suggestion;
    assert.ok(s, r.analysis.note);
    assert.ok(s.maxLr > 1e-6 && s.maxLr < 10, `max_lr ${s.maxLr}`);
    assert.ok(s.baseLr < s.maxLr);
    // the loss does fall somewhere on the ramp (Adam on digits: chance level 2.3 → well below)
    assert.ok(r.analysis.minLoss < 2.2, `min smoothed loss ${r.analysis.minLoss}`);
  });
});

describe('evaluate: on a trained checkpoint of the PyTorch example', () => {
  it('trains 2 epochs, then the evaluate command reports test_loss and test_acc from the checkpoint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-eval-'));
    const trialDir = path.join(dir, 'trials', '3');
    const ckpt = path.join(trialDir, 'checkpoints');
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: helperPaths().python, PYTHONUNBUFFERED: '1' };
    delete env.KNOBS_TRIAL_ID;
    const train = spawnSync(PYTHON, ['train.py', '--epochs=2', '--hidden=32', `--checkpoint_dir=${ckpt}`], {
      cwd: EXAMPLE,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(train.status, 0, train.stderr);
    assert.ok(fs.existsSync(path.join(ckpt, 'last.pt')));

    const sweep = loadSweepFile(path.join(EXAMPLE, 'sweep.yaml'));
    const argv = buildEvaluateArgv({
      evaluate: ['${interpreter}', '${program}', '${args}', '--evaluate', '${checkpoint}'],
      program: sweep.program,
      interpreter: PYTHON,
      space: sweep.space,
      flat: { lr: 0.001, dropout: 0.2, weight_decay: 1e-4, l1: 1e-6, batch_size: 64, hidden: 32, epochs: 2 },
      argsJsonFile: path.join(dir, 'args.json'),
      env: process.env,
      bestTrialDir: trialDir,
      checkpointDir: ckpt,
    });
    assert.deepEqual(argv.slice(-2), ['--evaluate', ckpt]);
    const ev = spawnSync(argv[0], argv.slice(1), { cwd: EXAMPLE, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(ev.status, 0, ev.stderr);
    const parser = new ReportParser({ metricName: 'test_loss', metrics: ['test_acc'] });
    const reports = ev.stdout
      .split('\n')
      .map((l) => parser.parse(l))
      .filter((r) => r !== null);
    assert.equal(reports.length, 1);
    const m = reports[0]!.values;
    assert.equal(reports[0]!.step, 2, 'the checkpoint epoch');
    assert.ok(m.test_loss > 0 && m.test_loss < 2.3, `test_loss ${m.test_loss}`);
    assert.ok(m.test_acc > 0.5 && m.test_acc <= 1, `test_acc ${m.test_acc}`);
  });
});
