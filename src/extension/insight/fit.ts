/**
 * Fit diagnosis for the tree and the dashboard table (pure, no vscode): which metric names hold
 * the training and validation losses and the rule's thresholds come from the `knobs.diagnosis.*`
 * settings; core/analysis/diagnosis.ts holds the rule. A trial's tag is "overfitting",
 * "underfitting" or "ok"; with too little data there is no tag.
 */
import {
  type DIAGNOSIS_DEFAULTS,
  DIAGNOSIS_METRICS,
  type Diagnosis,
  type DiagnosisThresholds,
  diagnoseFit,
  fitSeriesOf,
  sweepReferenceTrainLoss,
} from '../../core/analysis/diagnosis';
import type { FitTag } from '../../core/analysis/fitTag';
import type { SweepState, TrialRecord } from '../../core/journal/reducer';

export interface FitSettings {
  /** Whether tags are shown at all (knobs.diagnosis.enabled). */
  enabled: boolean;
  train: string;
  val: string;
  thresholds: DiagnosisThresholds;
}

export const DEFAULT_FIT_SETTINGS: FitSettings = {
  enabled: true,
  train: DIAGNOSIS_METRICS.train,
  val: DIAGNOSIS_METRICS.val,
  thresholds: {},
};

/** Setting keys under `knobs.diagnosis.` that map onto thresholds, with their valid ranges. */
export const THRESHOLD_SETTINGS: Record<keyof typeof DIAGNOSIS_DEFAULTS | 'maxTrainLoss', { min: number; max: number; integer?: boolean }> =
  {
    window: { min: 2, max: 1000, integer: true },
    minPoints: { min: 2, max: 1000, integer: true },
    valRise: { min: 0, max: 100 },
    gapRatio: { min: 0, max: 1 },
    gapGrowth: { min: 0, max: 100 },
    maxTrainLoss: { min: -1e300, max: 1e300 },
    trainLossRatio: { min: 1, max: 1e6 },
    minTrainDrop: { min: 0, max: 1 },
    stillFalling: { min: 0, max: 1 },
  };

const METRIC_NAME = /^[\w.\-/:]{1,200}$/;

/**
 * Reads the settings through `get('trainMetric')` etc. (keys relative to `knobs.diagnosis`).
 * Untrusted values (hand-edited settings.json) are checked: a bad value falls back to the
 * default and is named in `problems`.
 */
export function readFitSettings(get: (key: string) => unknown): { settings: FitSettings; problems: string[] } {
  const problems: string[] = [];
  const s: FitSettings = { ...DEFAULT_FIT_SETTINGS, thresholds: {} };
  const enabled = get('enabled');
  if (enabled !== undefined && enabled !== null) {
    if (typeof enabled === 'boolean') s.enabled = enabled;
    else problems.push('knobs.diagnosis.enabled must be true or false');
  }
  for (const [key, field] of [
    ['trainMetric', 'train'],
    ['valMetric', 'val'],
  ] as const) {
    const v = get(key);
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string' && METRIC_NAME.test(v)) s[field] = v;
    else problems.push(`knobs.diagnosis.${key} must be a metric name such as "${DEFAULT_FIT_SETTINGS[field]}"`);
  }
  for (const [key, range] of Object.entries(THRESHOLD_SETTINGS)) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max || (range.integer && !Number.isInteger(v))) {
      problems.push(
        `knobs.diagnosis.${key} is ${JSON.stringify(v)} but must be ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`,
      );
      continue;
    }
    (s.thresholds as Record<string, number>)[key] = v;
  }
  return { settings: s, problems };
}

/** The sweep's reference training loss (rule 3a), as `knobs status` computes it. */
export function sweepReference(state: SweepState, settings: FitSettings): number | undefined {
  return sweepReferenceTrainLoss(state.trials, settings.train);
}

export function trialDiagnosis(t: TrialRecord, settings: FitSettings, reference?: number): Diagnosis | undefined {
  if (!settings.enabled) return undefined;
  const series = fitSeriesOf(t.series, { train: settings.train, val: settings.val });
  if (!series.train?.length || !series.val?.length) return undefined;
  return diagnoseFit(series, reference === undefined ? settings.thresholds : { ...settings.thresholds, referenceTrainLoss: reference });
}

/** The tag shown next to a trial, or undefined (no data, or diagnosis off). */
export function fitTag(d: Diagnosis | undefined): FitTag | undefined {
  return d && d.tag !== 'unknown' ? d.tag : undefined;
}

/** Tooltip lines: the tag, why, and the Goodfellow-style next moves. */
export function diagnosisLines(d: Diagnosis | undefined): string[] {
  if (!d || d.tag === 'unknown') return [];
  const lines = [`fit: ${d.tag} — ${d.reason}`];
  if (d.advice.length) lines.push('next:', ...d.advice.map((a) => `  • ${a}`));
  return lines;
}
