/**
 * Fit diagnosis on curves recorded from examples/pytorch-digits/train.py
 * (test/fixtures/curves/diagnosis/*.json) and on small hand-made curves, one per rule.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type CurvePoint, DIAGNOSIS_DEFAULTS, diagnoseFit, fitSeriesOf, referenceLoss } from '../../src/core/analysis/diagnosis';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/curves/diagnosis');

function recorded(name: string): { series: Record<string, CurvePoint[]>; source: string } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

const curve = (values: number[]): CurvePoint[] => values.map((value, i) => ({ step: i + 1, value }));

describe('diagnoseFit on recorded PyTorch curves', () => {
  it('a huge MLP without regularisation overfits: its training loss is a tiny fraction of the validation loss', () => {
    const d = diagnoseFit(fitSeriesOf(recorded('huge').series));
    assert.equal(d.tag, 'overfitting');
    assert.equal(d.rule, 'large-gap');
    assert.match(d.reason, /far below the validation loss 0\.094: the gap is 100% of the validation loss/);
    assert.ok(d.advice.some((a) => /dropout/.test(a) && /weight decay/.test(a)));
  });

  it('a 2-unit MLP underfits: its training loss barely falls', () => {
    const d = diagnoseFit(fitSeriesOf(recorded('tiny').series));
    assert.equal(d.tag, 'underfitting');
    assert.equal(d.rule, 'high-train-loss');
    assert.ok(d.advice.some((a) => /more capacity/.test(a)));
  });

  it("the tiny model's training loss is far above the sweep's best validation loss (reference rule)", () => {
    const trials = ['tiny', 'regularised'].map((n) => ({ series: recorded(n).series }));
    const ref = referenceLoss(trials)!;
    assert.equal(ref, Math.min(...recorded('regularised').series.val_loss.map((p) => p.value)));
    const d = diagnoseFit(fitSeriesOf(recorded('tiny').series), { referenceLoss: ref, minTrainDrop: 0 });
    assert.equal(d.tag, 'underfitting');
    assert.equal(d.rule, 'high-train-loss');
    assert.match(d.reason, /the sweep's best validation loss/);
  });

  it('a regularised model trained 30 epochs at lr 1e-3 is ok; at the old 1%/report it read as still falling', () => {
    const s = fitSeriesOf(recorded('regularised').series);
    assert.equal(diagnoseFit(s).tag, 'ok');
    const d = diagnoseFit(s, { stillFalling: 0.01 });
    assert.equal(d.tag, 'improving');
    assert.equal(d.rule, 'still-falling');
    assert.match(d.reason, /by 4\.0% and 1\.6% of their level per report/);
    assert.ok(d.advice.some((a) => /train longer/.test(a)));
    assert.ok(!d.advice.some((a) => /more capacity/.test(a)), 'still improving says nothing about capacity');
  });
});

describe('diagnoseFit on a well-regularised recorded curve', () => {
  it('is ok with the default 7%/report, and still improving with a stricter stillFalling setting', () => {
    const s = fitSeriesOf(recorded('balanced').series);
    const d = diagnoseFit(s);
    assert.equal(d.tag, 'ok');
    assert.deepEqual(d.advice, []);
    assert.equal(diagnoseFit(s, { stillFalling: 0.02 }).tag, 'improving');
  });
});

describe('diagnoseFit rules on hand-made curves', () => {
  it('unknown without both series or with too few points', () => {
    assert.equal(diagnoseFit({ train: curve([1, 0.5, 0.3, 0.2]) }).tag, 'unknown');
    assert.equal(diagnoseFit({ train: curve([1, 0.5]), val: curve([1, 0.6]) }).tag, 'unknown');
  });

  it('overfitting by a large gap even when validation is flat', () => {
    const d = diagnoseFit({
      train: curve([1, 0.5, 0.2, 0.08, 0.04, 0.02, 0.01, 0.01]),
      val: curve([1, 0.7, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
    });
    assert.equal(d.tag, 'overfitting');
    assert.equal(d.rule, 'large-gap');
  });

  it('overfitting by a steady validation climb while training falls; a noisy blip that ends as high is not', () => {
    const train = curve([1, 0.6, 0.4, 0.3, 0.25, 0.22, 0.2, 0.18]);
    const d = diagnoseFit({ train, val: curve([1, 0.7, 0.5, 0.4, 0.45, 0.55, 0.7, 0.9]) });
    assert.equal(d.rule, 'val-rising');
    assert.match(d.reason, /rose by 0\.500 over the last 5 reports \(125% of its minimum 0\.400 at step 4\)/);
    // the same end, 50% above the minimum, reached through noise: the fitted climb is 30%
    assert.equal(diagnoseFit({ train, val: curve([1, 0.7, 0.5, 0.4, 0.55, 0.42, 0.45, 0.6]) }).tag, 'ok');
  });

  it('thresholds are options: a looser gap ratio lets the same curve pass', () => {
    const s = { train: curve([1, 0.5, 0.2, 0.08, 0.04, 0.02, 0.01, 0.01]), val: curve([1, 0.7, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) };
    assert.equal(diagnoseFit(s, { gapRatio: 0.95 }).tag, 'ok');
  });

  it('an absolute training-loss limit', () => {
    const s = {
      train: curve([2, 1.2, 0.9, 0.85, 0.84, 0.84, 0.84, 0.84, 0.84]),
      val: curve([2, 1.3, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]),
    };
    assert.equal(diagnoseFit(s).tag, 'ok');
    const d = diagnoseFit(s, { maxTrainLoss: 0.5 });
    assert.equal(d.tag, 'underfitting');
    assert.match(d.reason, /above the limit/);
  });

  it('still improving comes before a training loss that barely fell: stopped after 6 reports, falling fast', () => {
    // fell by a third only, but by ~10% of its level per report at the end: train longer
    const d = diagnoseFit({ train: curve([2.3, 2.1, 1.9, 1.75, 1.6, 1.45]), val: curve([2.2, 2.0, 1.8, 1.6, 1.45, 1.3]) });
    assert.equal(d.tag, 'improving');
    assert.equal(d.rule, 'still-falling');
  });

  it("flat curves whose training and validation losses are both above trainLossRatio × the sweep's best validation loss underfit", () => {
    const s = { train: curve([2, 0.6, 0.4, 0.35, 0.34, 0.34, 0.34, 0.34]), val: curve([2, 0.6, 0.42, 0.37, 0.36, 0.36, 0.36, 0.36]) };
    assert.equal(diagnoseFit(s, { referenceLoss: 0.2 }).tag, 'ok'); // 1.7× the best: within 3×
    const d = diagnoseFit(s, { referenceLoss: 0.1 });
    assert.equal(d.tag, 'underfitting');
    assert.match(
      d.reason,
      /0\.342 and 0\.362 \(means of the last 5\) are 3\.4× the sweep's best validation loss 0\.100 or more \(limit 3×\)/,
    );
    // a training loss raised by dropout or a penalty term while validation is near the best: ok
    const regularised = { train: s.train, val: curve([2, 0.5, 0.2, 0.14, 0.12, 0.12, 0.12, 0.12]) };
    assert.equal(diagnoseFit(regularised, { referenceLoss: 0.1 }).tag, 'ok');
  });

  it('ignores NaN points and sorts by step', () => {
    const train = [...curve([2, 1.2, 0.9, 0.85, 0.84, 0.84, 0.84, 0.84, 0.84]), { step: 10, value: NaN }].reverse();
    const val = curve([2, 1.3, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]).reverse();
    assert.equal(diagnoseFit({ train, val }).tag, 'ok');
  });
});

describe('the knobs.diagnosis.* settings', () => {
  it("declare the rule's defaults (package.json contributes what DIAGNOSIS_DEFAULTS holds)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
    for (const [key, value] of Object.entries(DIAGNOSIS_DEFAULTS))
      assert.equal(props[`knobs.diagnosis.${key}`]?.default, value, `knobs.diagnosis.${key}`);
  });
});
