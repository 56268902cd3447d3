/**
 * Fit diagnosis on curves recorded from examples/pytorch-digits/train.py
 * (test/fixtures/curves/diagnosis/*.json) and on small hand-made curves, one per rule.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type CurvePoint, diagnoseFit, fitSeriesOf, referenceTrainLoss } from '../../src/core/analysis/diagnosis';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/curves/diagnosis');

function recorded(name: string): { series: Record<string, CurvePoint[]>; source: string } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

const curve = (values: number[]): CurvePoint[] => values.map((value, i) => ({ step: i + 1, value }));

describe('diagnoseFit on recorded PyTorch curves', () => {
  it('a huge MLP without regularisation overfits: validation rises from its minimum while training falls', () => {
    const d = diagnoseFit(fitSeriesOf(recorded('huge').series));
    assert.equal(d.tag, 'overfitting');
    assert.equal(d.rule, 'val-rising');
    assert.match(d.reason, /validation loss rose from its minimum 0\.054/);
    assert.ok(d.advice.some((a) => /dropout/.test(a) && /weight decay/.test(a)));
  });

  it('a 2-unit MLP underfits: its training loss barely falls', () => {
    const d = diagnoseFit(fitSeriesOf(recorded('tiny').series));
    assert.equal(d.tag, 'underfitting');
    assert.equal(d.rule, 'high-train-loss');
    assert.ok(d.advice.some((a) => /more capacity/.test(a)));
  });

  it("the tiny model is also far above the sweep's best training loss (reference rule)", () => {
    const trials = ['tiny', 'regularised'].map((n) => ({ series: recorded(n).series }));
    const ref = referenceTrainLoss(trials)!;
    assert.equal(ref, recorded('regularised').series.train_loss.at(-1)!.value);
    const d = diagnoseFit(fitSeriesOf(recorded('tiny').series), { referenceTrainLoss: ref, minTrainDrop: 0 });
    assert.equal(d.rule, 'high-train-loss');
    assert.match(d.reason, /the sweep's best/);
  });

  it('a regularised model stopped early is still improving: train longer', () => {
    const d = diagnoseFit(fitSeriesOf(recorded('regularised').series));
    assert.equal(d.tag, 'underfitting');
    assert.equal(d.rule, 'still-falling');
    assert.ok(d.advice.some((a) => /train longer/.test(a)));
  });
});

describe('diagnoseFit on a well-regularised recorded curve', () => {
  it('reads as still improving with the default 1%/report, and ok with a looser stillFalling setting', () => {
    const s = fitSeriesOf(recorded('balanced').series);
    assert.equal(diagnoseFit(s).rule, 'still-falling');
    const d = diagnoseFit(s, { stillFalling: 0.05 });
    assert.equal(d.tag, 'ok');
    assert.deepEqual(d.advice, []);
  });
});

describe('diagnoseFit rules on hand-made curves', () => {
  it('unknown without both series or with too few points', () => {
    assert.equal(diagnoseFit({ train: curve([1, 0.5, 0.3, 0.2]) }).tag, 'unknown');
    assert.equal(diagnoseFit({ train: curve([1, 0.5]), val: curve([1, 0.6]) }).tag, 'unknown');
  });

  it('overfitting by a growing gap even when validation is flat', () => {
    const d = diagnoseFit({ train: curve([1, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04]), val: curve([1, 0.7, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) });
    assert.equal(d.tag, 'overfitting');
    assert.equal(d.rule, 'gap-growing');
  });

  it('thresholds are options: a looser gap ratio lets the same curve pass', () => {
    const s = { train: curve([1, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04]), val: curve([1, 0.7, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) };
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

  it('ignores NaN points and sorts by step', () => {
    const train = [...curve([2, 1.2, 0.9, 0.85, 0.84, 0.84, 0.84, 0.84, 0.84]), { step: 10, value: NaN }].reverse();
    const val = curve([2, 1.3, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]).reverse();
    assert.equal(diagnoseFit({ train, val }).tag, 'ok');
  });
});
