/**
 * The fit diagnosis against curves labelled by construction
 * (test/fixtures/curves/diagnosis/{pytorch,tfjs}-labelled.json, written by record_labelled.py
 * there): each example's curves are diagnosed as one sweep (diagnoseSweep, as `knobs status`,
 * the tree and the dashboard do), and the tags are counted against the labels.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnoseSweep, type CurvePoint, type DiagnosisThresholds, type FitTag } from '../../src/core/analysis/diagnosis';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const LABELLED_DIR = path.join(ROOT, 'test', 'fixtures', 'curves', 'diagnosis');

/** The examples: PyTorch calibrates the thresholds, tfjs is held apart to measure them. */
export const EXAMPLES = ['pytorch', 'tfjs'] as const;
export type Example = (typeof EXAMPLES)[number];

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
  example: Example;
  file: string;
  source: string;
  command: string;
  curves: LabelledCurve[];
}

export function loadLabelled(example: Example): LabelledSet {
  const file = path.join(LABELLED_DIR, `${example}-labelled.json`);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<LabelledSet, 'example' | 'file'>;
  return { ...doc, example, file: path.relative(ROOT, file) };
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
  const trials = set.curves.map((c) => ({ id: c.id, status: 'completed', series: { train_loss: points(c.train_loss), val_loss: points(c.val_loss) } }));
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
