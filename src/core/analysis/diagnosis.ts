/**
 * Under-/overfitting diagnosis of one trial from its training and validation curves
 * (Goodfellow, Bengio & Courville, Deep Learning, ch. 5.2 and 11.4: high training error means
 * underfitting, a growing train/validation gap means overfitting; a model whose losses are both
 * still falling has not converged, which says nothing yet about its capacity). Losses: lower is
 * better (pass `-acc` or `1 - acc` for accuracies).
 *
 * The rule, checked in this order (k = `window`, default 5 reports):
 * 1. unknown: no training or no validation series, or fewer than `minPoints` (default 4)
 *    finite points in either.
 * 2. overfitting, when either (single reports of a small validation set are noisy, so both read
 *    the last k reports together)
 *    a. validation rises while training falls: the least-squares line through the last k
 *       validation points climbs by more than `valRise` (default 80%) × the validation minimum,
 *       and the slope of the last k training points is ≤ 0; or
 *    b. the gap is large: (val − train) / val of the means of the last k is above `gapRatio`
 *       (default 0.9: a training loss under a tenth of the validation loss).
 * 3. improving: both curves are still falling fast at the end: the last k points of each have a
 *    least-squares slope below −`stillFalling` (default 7%) of their mean level per report
 *    (stopped too early: train longer, or a larger learning rate).
 * 4. underfitting, when the training error is high: the final training loss is above
 *    `maxTrainLoss` (an absolute setting, off by default); or it barely fell: its final value is
 *    above (1 − `minTrainDrop`) × its first value (default `minTrainDrop` 0.5: it did not even
 *    halve); or the training and the validation loss (means of the last k) are both above
 *    `trainLossRatio` (default 3) × the sweep's best validation loss (`referenceLoss`, when
 *    given): the model fits neither its training data nor unseen data as well as the sweep's
 *    best model fits data it never saw (a training loss raised by dropout or a penalty term
 *    alone, with validation near the best, is regularisation at work).
 * 5. ok otherwise.
 * The defaults were calibrated on labelled curves of the PyTorch example and measured on the
 * tfjs example's (test/fixtures/curves/diagnosis/, `npm run bench:diagnosis`); valRise from
 * the climbs the PyTorch fit-well curves show by noise alone (at most 78% over any 5 reports
 * of their second half).
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
  maxTrainLoss?: number;
  trainLossRatio?: number;
  referenceLoss?: number;
  minTrainDrop?: number;
  stillFalling?: number;
}

export const DIAGNOSIS_DEFAULTS = {
  window: 5,
  minPoints: 4,
  valRise: 0.8,
  gapRatio: 0.9,
  trainLossRatio: 3,
  minTrainDrop: 0.5,
  stillFalling: 0.07,
} as const;

/** Metric names the tags read by default (the extension exposes them as settings). */
export const DIAGNOSIS_METRICS = { train: 'train_loss', val: 'val_loss' } as const;

export interface Diagnosis {
  tag: FitVerdict;
  /** Which rule fired, with the numbers. */
  reason: string;
  /** Goodfellow-style next moves (empty for ok/unknown). */
  advice: string[];
  /** The rule's id: 'val-rising', 'large-gap', 'high-train-loss', 'still-falling', 'ok', 'no-data'. */
  rule: 'val-rising' | 'large-gap' | 'high-train-loss' | 'still-falling' | 'ok' | 'no-data';
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
  improving: [
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
  const trainLevel = mean(trainTail);
  const valLevel = mean(valTail);

  // 2a. validation rising while training falls: the least-squares line through the last k
  // validation points climbs by more than valRise × its minimum (a steady climb, not noise)
  const valClimb = valSlope * (valTail.length - 1);
  if (valClimb > t.valRise * Math.abs(valMin.value) && trainSlope <= 0) {
    return {
      tag: 'overfitting',
      rule: 'val-rising',
      reason:
        `validation loss rose by ${fmt(valClimb)} over the last ${valTail.length} reports ` +
        `(${Math.round((valClimb / Math.abs(valMin.value)) * 100)}% of its minimum ${fmt(valMin.value)} at step ${valMin.step}) ` +
        `while training loss kept falling (to ${fmt(trainEnd)})`,
      advice: [...ADVICE.overfitting],
    };
  }
  // 2b. a large gap
  const gap = valLevel - trainLevel;
  if (valLevel > 0 && gap / valLevel > t.gapRatio) {
    return {
      tag: 'overfitting',
      rule: 'large-gap',
      reason:
        `the training loss ${fmt(trainLevel)} is far below the validation loss ${fmt(valLevel)}: the gap is ` +
        `${Math.round((gap / valLevel) * 100)}% of the validation loss (means of the last ${valTail.length}; ` +
        `limit ${Math.round(t.gapRatio * 100)}%)`,
      advice: [...ADVICE.overfitting],
    };
  }
  // 3. improving: both losses still falling fast: not converged yet (train longer); capacity can
  // only be judged once they flatten
  const trainRate = trainSlope / Math.abs(trainLevel);
  const valRate = valSlope / Math.abs(valLevel);
  if (trainRate < -t.stillFalling && valRate < -t.stillFalling) {
    const pct = (r: number) => `${(-r * 100).toFixed(1)}%`;
    return {
      tag: 'improving',
      rule: 'still-falling',
      reason:
        `training and validation loss were both still falling at the end (by ${pct(trainRate)} and ${pct(valRate)} ` +
        `of their level per report over the last ${trainTail.length}; limit ${pct(-t.stillFalling)}): it has not converged yet`,
      advice: [...ADVICE.improving],
    };
  }
  // 4. underfitting: high training error
  if (t.maxTrainLoss !== undefined && trainEnd > t.maxTrainLoss) {
    return {
      tag: 'underfitting',
      rule: 'high-train-loss',
      reason: `the final training loss ${fmt(trainEnd)} is above the limit ${fmt(t.maxTrainLoss)}`,
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
  // training loss against the sweep's best validation loss
  // (both: a training loss inflated by dropout or a penalty term while validation is near the
  // best is regularisation at work, not a failure to fit)
  const ref = t.referenceLoss;
  if (ref !== undefined && ref > 0 && trainLevel > t.trainLossRatio * ref && valLevel > t.trainLossRatio * ref) {
    return {
      tag: 'underfitting',
      rule: 'high-train-loss',
      reason:
        `the training and validation losses ${fmt(trainLevel)} and ${fmt(valLevel)} (means of the last ${trainTail.length}) ` +
        `are ${(Math.min(trainLevel, valLevel) / ref).toFixed(1)}× the sweep's best validation loss ${fmt(ref)} or more ` +
        `(limit ${t.trainLossRatio}×): it fits neither its training data nor unseen data as well as the best trial`,
      advice: [...ADVICE.underfitting],
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

/**
 * The best (lowest) validation loss any of the trials reached: the reference for rule 4 (what
 * the sweep has shown can be reached on data the model never trained on).
 */
export function referenceLoss(
  trials: readonly { series: Readonly<Record<string, readonly CurvePoint[]>> }[],
  valName: string = DIAGNOSIS_METRICS.val,
): number | undefined {
  let best: number | undefined;
  for (const t of trials) {
    for (const p of t.series[valName] ?? []) if (Number.isFinite(p.value) && (best === undefined || p.value < best)) best = p.value;
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
 * The sweep's reference loss (rule 4): the best validation loss of the trials that did not
 * fail (a failed trial's curve ends where it crashed, so it never sets the bar). Running,
 * stopped, pruned and completed trials count. The one rule for `knobs status`, the tree and the
 * dashboard.
 */
export function sweepReferenceLoss(trials: readonly DiagnosedTrial[], valName: string = DIAGNOSIS_METRICS.val): number | undefined {
  return referenceLoss(
    trials.filter((t) => t.status !== 'failed'),
    valName,
  );
}

/**
 * Every trial's diagnosis (diagnoseFit on its series against the sweep's reference), keyed by
 * trial id; trials that report neither curve get tag `unknown`. Every face shows these.
 */
export function diagnoseSweep(trials: readonly DiagnosedTrial[], opts: SweepFitOptions = {}): Map<number, Diagnosis> {
  const names = { train: opts.train ?? DIAGNOSIS_METRICS.train, val: opts.val ?? DIAGNOSIS_METRICS.val };
  const reference = sweepReferenceLoss(trials, names.val);
  const thresholds = reference === undefined ? (opts.thresholds ?? {}) : { ...opts.thresholds, referenceLoss: reference };
  const out = new Map<number, Diagnosis>();
  for (const t of trials) out.set(t.id, diagnoseFit(fitSeriesOf(t.series, names), thresholds));
  return out;
}
