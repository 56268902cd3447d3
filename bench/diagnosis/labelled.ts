/**
 * The fit diagnosis against curves labelled by construction
 * (test/fixtures/curves/diagnosis/*-labelled*.json, written by record_labelled.py there): each
 * set's curves are diagnosed as one sweep (diagnoseSweep, as `knobs status`, the tree and the
 * dashboard do), and the tags are counted against the labels.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CurvePoint, type DiagnosisThresholds, diagnoseSweep } from '../../src/core/analysis/diagnosis';
import type { FitVerdict as FitTag } from '../../src/core/analysis/fitTag';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const LABELLED_DIR = path.join(ROOT, 'test', 'fixtures', 'curves', 'diagnosis');

/**
 * The curve sets (file stems) and what each was used for: the thresholds were chosen on the
 * PyTorch curves only; the tfjs curves were held apart to measure them.
 */
export const SETS = [
  { name: 'pytorch-labelled', role: 'calibration: the thresholds were chosen on these' },
  {
    name: 'tfjs-labelled',
    role:
      'held apart, then seen: measured blind on the first calibrated rule (33/40 agreed, 2 fit-well curves tagged overfitting); ' +
      'that failure led to the noise-robust overfitting rule, calibrated again on PyTorch only',
  },
  {
    name: 'tfjs-labelled-s100',
    role:
      'held apart, then seen: the same tfjs settings with new seeds and validation split, measured blind on the second rule ' +
      '(39/40 agreed, 1 fit-well curve tagged underfitting: its training loss, which in tfjs includes the L2 penalty, was 3.4× ' +
      'the best validation loss while its validation loss was near the best); that led to underfitting needing both losses high, ' +
      'calibrated again on PyTorch only',
  },
  {
    name: 'tfjs-labelled-s200',
    role: 'held apart: the same tfjs settings with seeds + 200 and split_seed 200, recorded after the rule was final and measured once',
  },
] as const;
export type SetName = (typeof SETS)[number]['name'];

/** Labels, in the order the matrices print them (rows: label, columns: tag). */
export const LABELS = ['underfitting', 'overfitting', 'improving', 'ok'] as const;
export type Label = (typeof LABELS)[number];
const COLUMNS: readonly FitTag[] = [...LABELS, 'unknown'];

export interface LabelledCurve {
  id: number;
  label: Label;
  /** The construction, in words. */
  why: string;
  params: Record<string, number>;
  train_loss: (number | null)[];
  val_loss: (number | null)[];
}

export interface LabelledSet {
  name: SetName;
  file: string;
  source: string;
  command: string;
  curves: LabelledCurve[];
}

export function loadLabelled(name: SetName): LabelledSet {
  const file = path.join(LABELLED_DIR, `${name}.json`);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<LabelledSet, 'name' | 'file'>;
  return { ...doc, name, file: path.relative(ROOT, file) };
}

const points = (values: (number | null)[]): CurvePoint[] => values.map((v, i) => ({ step: i + 1, value: v ?? NaN }));

export interface Scored {
  curve: LabelledCurve;
  tag: FitTag;
  rule: string;
  reason: string;
}

/** Every curve's tag, the set diagnosed as one sweep of completed trials. */
export function diagnoseLabelled(set: LabelledSet, thresholds?: DiagnosisThresholds): Scored[] {
  const trials = set.curves.map((c) => ({
    id: c.id,
    status: 'completed',
    series: { train_loss: points(c.train_loss), val_loss: points(c.val_loss) },
  }));
  const tags = diagnoseSweep(trials, { thresholds });
  return set.curves.map((curve) => {
    const d = tags.get(curve.id)!;
    return { curve, tag: d.tag, rule: d.rule, reason: d.reason };
  });
}

export interface Confusion {
  /** counts[label][tag] */
  counts: Record<Label, Record<FitTag, number>>;
  total: number;
  agree: number;
  /** Curves built to fit well that were tagged underfitting or overfitting. */
  fitWellMisread: Scored[];
}

export function confusion(scored: readonly Scored[]): Confusion {
  const counts = Object.fromEntries(LABELS.map((l) => [l, Object.fromEntries(COLUMNS.map((t) => [t, 0]))])) as Confusion['counts'];
  for (const s of scored) counts[s.curve.label][s.tag]++;
  return {
    counts,
    total: scored.length,
    agree: scored.filter((s) => s.tag === s.curve.label).length,
    fitWellMisread: scored.filter((s) => s.curve.label === 'ok' && (s.tag === 'underfitting' || s.tag === 'overfitting')),
  };
}

/** The matrix as a Markdown table (rows: label by construction, columns: the rule's tag). */
export function confusionMarkdown(c: Confusion): string {
  const lines = [`| label \\ tag | ${COLUMNS.join(' | ')} | agree |`, `|---|${COLUMNS.map(() => '---:').join('|')}|---:|`];
  for (const l of LABELS) {
    const row = c.counts[l];
    const n = COLUMNS.reduce((s, t) => s + row[t], 0);
    lines.push(`| ${l} | ${COLUMNS.map((t) => (t === l ? `**${row[t]}**` : String(row[t]))).join(' | ')} | ${row[l]}/${n} |`);
  }
  lines.push(`| all | | | | | | ${c.agree}/${c.total} (${Math.round((100 * c.agree) / c.total)}%) |`);
  return lines.join('\n');
}
