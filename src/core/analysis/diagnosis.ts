/**
 * Under-/overfitting diagnosis of one trial from its training and validation curves
 * (Goodfellow, Bengio & Courville, Deep Learning, ch. 5.2 and 11.4: high training error means
 * underfitting, a growing train/validation gap means overfitting). Losses: lower is better
 * (pass `-acc` or `1 - acc` for accuracies).
 *
 * The rule, checked in this order (k = `window`, default 5 reports):
 * 1. unknown: no training or no validation series, or fewer than `minPoints` (default 4)
 *    finite points in either.
 * 2. overfitting, when either
 *    a. validation rises while training falls: the validation loss's last value is more than
 *       `valRise` (default 5%) above its minimum, the least-squares slope of the last k
 *       validation points is positive, and the slope of the last k training points is ≤ 0; or
 *    b. the gap grows past a ratio: (val − train) / val at the end is above `gapRatio`
 *       (default 0.5: training loss less than half the validation loss), and the gap has grown
 *       by more than `gapGrowth` (default 20%) since the validation minimum.
 * 3. underfitting, when either
 *    a. the training error is high: the final training loss is above `maxTrainLoss` (an
 *       absolute setting, off by default), or above `trainLossRatio` (default 2) × the best
 *       final training loss among the sweep's trials (`referenceTrainLoss`, when given), or
 *       the training loss barely fell: its final value is above (1 − `minTrainDrop`) × its
 *       first value (default `minTrainDrop` 0.5: it did not even halve); or
 *    b. both curves are still falling at the end: the last k points of each have a
 *       least-squares slope below −`stillFalling` (default 1%) of their mean level per report
 *       (training stopped too early; more epochs or a larger learning rate).
 * 4. ok otherwise.
 * Series are sorted by step; non-finite values are dropped (a NaN loss is a divergence, not a
 * fit problem).
 */
import type { FitVerdict } from './fitTag';

export interface CurvePoint {
  step: number;
  value: number;
}

export interface FitSeries {
  train?: readonly CurvePoint[];
  val?: readonly CurvePoint[];
}

export interface DiagnosisThresholds {
  window?: number;
  minPoints?: number;
  valRise?: number;
  gapRatio?: number;
  gapGrowth?: number;
  maxTrainLoss?: number;
  trainLossRatio?: number;
  referenceTrainLoss?: number;
  minTrainDrop?: number;
  stillFalling?: number;
}

export const DIAGNOSIS_DEFAULTS = {
  window: 5,
  minPoints: 4,
  valRise: 0.05,
  gapRatio: 0.5,
  gapGrowth: 0.2,
  trainLossRatio: 2,
  minTrainDrop: 0.5,
  stillFalling: 0.01,
} as const;

/** Metric names the tags read by default (the extension exposes them as settings). */
export const DIAGNOSIS_METRICS = { train: 'train_loss', val: 'val_loss' } as const;

export interface Diagnosis {
  tag: FitVerdict;
  /** Which rule fired, with the numbers. */
  reason: string;
  /** Goodfellow-style next moves (empty for ok/unknown). */
  advice: string[];
  /** The rule's id: 'val-rising', 'gap-growing', 'high-train-loss', 'still-falling', 'ok', 'no-data'. */
  rule: 'val-rising' | 'gap-growing' | 'high-train-loss' | 'still-falling' | 'ok' | 'no-data';
}

export const ADVICE = {
  overfitting: [
    'more regularisation: raise dropout, weight decay (L2) or an L1 penalty',
    'more training data, or data augmentation',
    'early stopping at the validation minimum (keep that checkpoint)',
    'less capacity: fewer or narrower layers',
  ],
  underfitting: [
    'more capacity: more or wider layers, a better-suited architecture',
    'less regularisation: lower dropout and weight decay',
    'train longer, or tune the learning rate (an lr range test finds its range)',
  ],
  stillFalling: [
    'train longer (more epochs): both losses were still falling',
    'a larger learning rate or a cyclical schedule (an lr range test finds the bounds)',
  ],
} as const;

function clean(s: readonly CurvePoint[] | undefined): CurvePoint[] {
  return (s ?? [])
    .filter((p) => Number.isFinite(p.value) && Number.isFinite(p.step))
    .slice()
    .sort((a, b) => a.step - b.step);
}

/** Least-squares slope of value on report index (not step), over the points given. */
function slope(points: readonly CurvePoint[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  let my = 0;
  for (const p of points) my += p.value;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  points.forEach((p, i) => {
    sxy += (i - mx) * (p.value - my);
    sxx += (i - mx) * (i - mx);
  });
  return sxy / sxx;
}

function mean(points: readonly CurvePoint[]): number {
  return points.reduce((s, p) => s + p.value, 0) / points.length;
}

/** The training value at (or last before) a step. */
function valueAt(points: readonly CurvePoint[], step: number): number {
  let v = points[0].value;
  for (const p of points) {
    if (p.step > step) break;
    v = p.value;
  }
  return v;
}

const fmt = (x: number) => (Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toFixed(3) : x.toExponential(2));

export function diagnoseFit(series: FitSeries, thresholds: DiagnosisThresholds = {}): Diagnosis {
  const t = { ...DIAGNOSIS_DEFAULTS, ...thresholds };
  const train = clean(series.train);
  const val = clean(series.val);
  if (train.length < t.minPoints || val.length < t.minPoints) {
    const what = !series.train?.length
      ? 'no training loss'
      : !series.val?.length
        ? 'no validation loss'
        : `fewer than ${t.minPoints} reports`;
    return {
      tag: 'unknown',
      rule: 'no-data',
      reason: `${what}: report both ${DIAGNOSIS_METRICS.train} and ${DIAGNOSIS_METRICS.val} each epoch`,
      advice: [],
    };
  }
  const k = Math.max(2, t.window);
  const trainTail = train.slice(-k);
  const valTail = val.slice(-k);
  const trainEnd = train[train.length - 1].value;
  const valEnd = val[val.length - 1].value;
  let valMinIdx = 0;
  val.forEach((p, i) => {
    if (p.value < val[valMinIdx].value) valMinIdx = i;
  });
  const valMin = val[valMinIdx];
  const trainSlope = slope(trainTail);
  const valSlope = slope(valTail);

  // 2a. validation rising while training falls
  if (valEnd > valMin.value * (1 + t.valRise) + 1e-12 && valSlope > 0 && trainSlope <= 0) {
    return {
      tag: 'overfitting',
      rule: 'val-rising',
      reason: `validation loss rose from its minimum ${fmt(valMin.value)} (step ${valMin.step}) to ${fmt(valEnd)} while training loss kept falling (to ${fmt(trainEnd)})`,
      advice: [...ADVICE.overfitting],
    };
  }
  // 2b. a growing gap
  const gapEnd = valEnd - trainEnd;
  const gapAtMin = valMin.value - valueAt(train, valMin.step);
  if (valEnd > 0 && gapEnd / valEnd > t.gapRatio && gapEnd > Math.max(0, gapAtMin) * (1 + t.gapGrowth)) {
    return {
      tag: 'overfitting',
      rule: 'gap-growing',
      reason: `the validation − training gap grew to ${fmt(gapEnd)} (${Math.round((gapEnd / valEnd) * 100)}% of the validation loss ${fmt(valEnd)}; ${fmt(gapAtMin)} at the validation minimum)`,
      advice: [...ADVICE.overfitting],
    };
  }
  // 3a. high training error
  if (t.maxTrainLoss !== undefined && trainEnd > t.maxTrainLoss) {
    return {
      tag: 'underfitting',
      rule: 'high-train-loss',
      reason: `the final training loss ${fmt(trainEnd)} is above the limit ${fmt(t.maxTrainLoss)}`,
      advice: [...ADVICE.underfitting],
    };
  }
  if (t.referenceTrainLoss !== undefined && t.referenceTrainLoss > 0 && trainEnd > t.trainLossRatio * t.referenceTrainLoss) {
    return {
      tag: 'underfitting',
      rule: 'high-train-loss',
      reason: `the final training loss ${fmt(trainEnd)} is ${(trainEnd / t.referenceTrainLoss).toFixed(1)}× the sweep's best ${fmt(t.referenceTrainLoss)} (limit ${t.trainLossRatio}×)`,
      advice: [...ADVICE.underfitting],
    };
  }
  const trainStart = train[0].value;
  if (trainStart > 0 && trainEnd > (1 - t.minTrainDrop) * trainStart) {
    return {
      tag: 'underfitting',
      rule: 'high-train-loss',
      reason: `the training loss barely fell: from ${fmt(trainStart)} to ${fmt(trainEnd)} (it should at least fall by ${Math.round(t.minTrainDrop * 100)}%)`,
      advice: [...ADVICE.underfitting],
    };
  }
  // 3b. both still falling
  const fallingTrain = trainSlope < -t.stillFalling * Math.abs(mean(trainTail));
  const fallingVal = valSlope < -t.stillFalling * Math.abs(mean(valTail));
  if (fallingTrain && fallingVal) {
    return {
      tag: 'underfitting',
      rule: 'still-falling',
      reason: `training and validation loss were both still falling at the end (${fmt(trainSlope)} and ${fmt(valSlope)} per report over the last ${trainTail.length})`,
      advice: [...ADVICE.stillFalling, ...ADVICE.underfitting.slice(0, 1)],
    };
  }
  return {
    tag: 'ok',
    rule: 'ok',
    reason: `no sign of under- or overfitting: validation ${fmt(valEnd)} (best ${fmt(valMin.value)}), training ${fmt(trainEnd)}`,
    advice: [],
  };
}

/** The series for diagnoseFit from a trial's metric series (TrialRecord.series). */
export function fitSeriesOf(
  series: Readonly<Record<string, readonly CurvePoint[]>>,
  names: { train?: string; val?: string } = {},
): FitSeries {
  return { train: series[names.train ?? DIAGNOSIS_METRICS.train], val: series[names.val ?? DIAGNOSIS_METRICS.val] };
}

/** The best (lowest) final training loss among trials: the reference for rule 3a. */
export function referenceTrainLoss(
  trials: readonly { series: Readonly<Record<string, readonly CurvePoint[]>> }[],
  trainName: string = DIAGNOSIS_METRICS.train,
): number | undefined {
  let best: number | undefined;
  for (const t of trials) {
    const s = t.series[trainName];
    const last = s?.length ? s[s.length - 1].value : undefined;
    if (last !== undefined && Number.isFinite(last) && (best === undefined || last < best)) best = last;
  }
  return best;
}

/** What the sweep-level diagnosis reads: the metric names and the rule's thresholds. */
export interface SweepFitOptions {
  train?: string;
  val?: string;
  thresholds?: DiagnosisThresholds;
}

interface DiagnosedTrial {
  id: number;
  status: string;
  series: Readonly<Record<string, readonly CurvePoint[]>>;
}

/**
 * The sweep's reference training loss (rule 3a): the best final training loss of the trials
 * that did not fail. A failed trial's last report is where it crashed, not where training
 * ended, so it never sets the bar for the others. Running, stopped, pruned and completed trials
 * count. The one rule for `knobs status`, the tree and the dashboard.
 */
export function sweepReferenceTrainLoss(
  trials: readonly DiagnosedTrial[],
  trainName: string = DIAGNOSIS_METRICS.train,
): number | undefined {
  return referenceTrainLoss(
    trials.filter((t) => t.status !== 'failed'),
    trainName,
  );
}

/**
 * Every trial's diagnosis (diagnoseFit on its series against the sweep's reference), keyed by
 * trial id; trials that report neither curve get tag `unknown`. Every face shows these.
 */
export function diagnoseSweep(trials: readonly DiagnosedTrial[], opts: SweepFitOptions = {}): Map<number, Diagnosis> {
  const names = { train: opts.train ?? DIAGNOSIS_METRICS.train, val: opts.val ?? DIAGNOSIS_METRICS.val };
  const reference = sweepReferenceTrainLoss(trials, names.train);
  const thresholds = reference === undefined ? (opts.thresholds ?? {}) : { ...opts.thresholds, referenceTrainLoss: reference };
  const out = new Map<number, Diagnosis>();
  for (const t of trials) out.set(t.id, diagnoseFit(fitSeriesOf(t.series, names), thresholds));
  return out;
}
