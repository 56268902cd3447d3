/**
 * The fit diagnosis against curves labelled by how they were made
 * (test/fixtures/curves/diagnosis/*-labelled*.json: under-fit, over-fit, fit well, stopped
 * early). The thresholds were calibrated on the PyTorch curves only; the tfjs curves were held
 * apart (bench/diagnosis/labelled.ts says how each set was used), and the targets are asserted on
 * them: no fit-well curve tagged underfitting or overfitting, at least 80% agreement. The
 * confusion matrices are printed.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confusion, confusionMarkdown, diagnoseLabelled, LABELS, loadLabelled, SETS, type SetName } from '../../bench/diagnosis/labelled';

function meetsTargets(name: SetName): void {
  const set = loadLabelled(name);
  const c = confusion(diagnoseLabelled(set));
  console.log(`\n${name} (${set.curves.length} curves; rows: label, columns: tag)\n${confusionMarkdown(c)}`);
  assert.deepEqual(
    c.fitWellMisread.map((s) => `curve ${s.curve.id} (${s.curve.why}): ${s.tag}, ${s.reason}`),
    [],
  );
  assert.ok(c.agree / c.total >= 0.8, `${c.agree} of ${c.total} agree (${Math.round((100 * c.agree) / c.total)}%), below 80%`);
}

describe('fit diagnosis on labelled curves', () => {
  it('every label has at least 8 recorded curves in each set', () => {
    for (const { name } of SETS) {
      const { curves } = loadLabelled(name);
      for (const label of LABELS) assert.ok(curves.filter((c) => c.label === label).length >= 8, `${name}: fewer than 8 ${label} curves`);
    }
  });

  it('held apart (tfjs, recorded after the rule was final): no fit-well curve tagged under- or overfitting, at least 80% agree', () => {
    meetsTargets('tfjs-labelled-s200');
  });

  it('tfjs (the earlier held-apart sets, seen since): the same targets', () => {
    meetsTargets('tfjs-labelled');
    meetsTargets('tfjs-labelled-s100');
  });

  it('calibration (PyTorch): the same targets hold on the curves the thresholds were chosen on', () => {
    meetsTargets('pytorch-labelled');
  });
});
