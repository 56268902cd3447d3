/**
 * The learning-rate range test (Leslie Smith, "Cyclical Learning Rates for Training Neural
 * Networks", 2017; the fastai `lr_find` recipe). One run of the user's script, whose learning
 * rate the helpers ramp exponentially from KNOBS_LR_MIN to KNOBS_LR_MAX over KNOBS_LR_STEPS
 * optimizer steps; the script reports `loss` (and `lr`) at every step.
 *
 *   lr(step) = min · (max / min) ^ (step / (steps − 1)),  step = 0 … steps − 1 (clamped)
 *
 * The same formula is in helpers/python/knobs.py (`lr_at`) and helpers/node/knobs.mjs (`lrAt`).
 *
 * Analysis (`analyseLrFind`), all documented choices:
 * - Smoothing: an exponential moving average with β = 0.98 and bias correction,
 *   avg_i = β·avg_{i−1} + (1 − β)·loss_i, smoothed_i = avg_i / (1 − β^(i+1)).
 *   Non-finite losses (NaN, ∞) count as divergence.
 * - Stop: the first point (after the first) whose smoothed loss exceeds 4× the best smoothed
 *   loss so far (`divergeFactor`), or whose loss is not finite. `stopIndex` is that index (the
 *   curve used is points[0 … stopIndex − 1]); points.length when the run never diverged.
 * - max_lr, method 'steepest': the lr where the smoothed loss falls fastest per decade of lr
 *   (the most negative central difference d smoothed / d log10 lr), searched after skipping the
 *   first `skipStart` share of the used curve (default 10%: the EMA's warm-up) and up to the
 *   minimum of the smoothed curve. It is used when that slope is negative and the window holds
 *   at least `minPoints` (default 5) points.
 * - max_lr, method 'min/10': otherwise (a flat or noisy curve, a run too short to have a
 *   descent): one decade below the lr of the smoothed minimum, the fastai "minimum / 10" rule.
 * - base_lr = max_lr / 4 (`baseDivisor`, Smith 2017 §3.3 "base_lr 1/3 or 1/4 of max_lr");
 *   `baseLrRange` gives the whole documented band [max_lr / 10, max_lr / 4] (the one-cycle
 *   papers use /10).
 * - `sweepRange` turns a suggestion into a `log_uniform_values` range for the sweep file:
 *   min = max_lr / 10 and max = max_lr · 3, capped at the lr of the smoothed minimum (past it
 *   training diverges), both rounded to 2 significant digits.
 */

import * as path from 'node:path';
import { KnobsError } from '../errors';
import { buildArgv, nestConfig } from '../runner/command';
import { helperPaths } from '../runner/helpersPath';
import { fromUnit, searchDims } from '../space/transform';
import type { Config, FlatParams, SweepSpec } from '../space/types';
import { valueJson } from '../space/valueJson';

/** Environment variables the finder sets; the helpers read them. */
export const LR_ENV = {
  find: 'KNOBS_LR_FIND',
  min: 'KNOBS_LR_MIN',
  max: 'KNOBS_LR_MAX',
  steps: 'KNOBS_LR_STEPS',
} as const;

export const LR_FIND_DEFAULTS = {
  minLr: 1e-7,
  maxLr: 10,
  steps: 100,
  beta: 0.98,
  divergeFactor: 4,
  skipStart: 0.1,
  minPoints: 5,
  baseDivisor: 4,
  lossMetric: 'loss',
  lrMetric: 'lr',
} as const;

export interface LrRamp {
  minLr: number;
  maxLr: number;
  steps: number;
}

export interface LrPoint {
  lr: number;
  loss: number;
}

/** The ramp's lr at a 0-based step (clamped to [0, steps − 1]), as the helpers compute it. */
export function lrAt(ramp: LrRamp, step: number): number {
  const n = Math.max(1, ramp.steps - 1);
  const s = Math.min(n, Math.max(0, step));
  return ramp.minLr * (ramp.maxLr / ramp.minLr) ** (s / n);
}

export function checkRamp(ramp: LrRamp): void {
  const { minLr, maxLr, steps } = ramp;
  if (!(Number.isFinite(minLr) && minLr > 0))
    throw new KnobsError('E_USAGE', `the lr range test's min lr is ${minLr} but must be a number > 0`, { hint: 'e.g. 1e-7' });
  if (!(Number.isFinite(maxLr) && maxLr > minLr))
    throw new KnobsError('E_USAGE', `the lr range test's max lr is ${maxLr} but must be a number > min lr (${minLr})`, { hint: 'e.g. 10' });
  if (!(Number.isInteger(steps) && steps >= 2))
    throw new KnobsError('E_USAGE', `the lr range test's steps is ${steps} but must be an integer ≥ 2`, { hint: 'e.g. 100' });
}

export interface PlanLrFindOptions {
  minLr?: number;
  maxLr?: number;
  steps?: number;
  /** The base environment (process.env); KNOBS_* and the helper paths are added. */
  env: NodeJS.ProcessEnv;
  /**
   * Either a sweep (its `command` is expanded with one config: `params`, else the centre of the
   * space, i.e. fromUnit(space, 0.5…)) …
   */
  sweep?: SweepSpec;
  /** Parameter values overriding the centre of the space (sweep mode). */
  params?: FlatParams;
  /** ${interpreter} (sweep mode) or the interpreter for `script` (python for .py, node for .mjs/.js). */
  interpreter?: string;
  /** Path for ${args_json_file} (sweep mode); the caller writes `argsJsonText` there. */
  argsJsonFile?: string;
  /** … or a script run as `interpreter script ...scriptArgs`. */
  script?: string;
  scriptArgs?: string[];
}

export interface LrFindPlan {
  argv: string[];
  env: NodeJS.ProcessEnv;
  ramp: LrRamp;
  /** The config passed to the script (sweep mode), also in KNOBS_PARAMS. */
  config?: Config;
  params?: FlatParams;
}

/** The argv and environment of one lr range test run. Pure apart from locating the helpers. */
export function planLrFind(o: PlanLrFindOptions): LrFindPlan {
  const ramp: LrRamp = {
    minLr: o.minLr ?? LR_FIND_DEFAULTS.minLr,
    maxLr: o.maxLr ?? LR_FIND_DEFAULTS.maxLr,
    steps: o.steps ?? LR_FIND_DEFAULTS.steps,
  };
  checkRamp(ramp);
  const h = helperPaths();
  const env: NodeJS.ProcessEnv = { ...o.env };
  for (const k of [
    'KNOBS_TRIAL_ID',
    'KNOBS_ATTEMPT',
    'KNOBS_SWEEP_DIR',
    'KNOBS_TRIAL_DIR',
    'KNOBS_RESUME_FROM',
    'KNOBS_CHECKPOINT_DIR',
    'KNOBS_PARAMS',
  ])
    delete env[k];
  env[LR_ENV.find] = '1';
  env[LR_ENV.min] = String(ramp.minLr);
  env[LR_ENV.max] = String(ramp.maxLr);
  env[LR_ENV.steps] = String(ramp.steps);
  env.KNOBS_HELPERS_NODE = h.nodeModule;
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONPATH = [h.python, ...(o.env.PYTHONPATH ? o.env.PYTHONPATH.split(path.delimiter).filter(Boolean) : [])].join(path.delimiter);
  env.NODE_PATH = [h.node, ...(o.env.NODE_PATH ? o.env.NODE_PATH.split(path.delimiter).filter(Boolean) : [])].join(path.delimiter);
  delete env.ELECTRON_RUN_AS_NODE;

  if (o.sweep) {
    const space = o.sweep.space;
    const centre = fromUnit(
      space,
      searchDims(space).map(() => 0.5),
    );
    // readable argv: 3 significant digits for continuous values (0.0010000000000000002 → 0.001)
    for (const p of space.params) {
      const v = centre[p.name];
      if (p.kind === 'numeric' && !p.integer && typeof v === 'number') centre[p.name] = roundSig(v, 3);
    }
    const params: FlatParams = { ...centre, ...(o.params ?? {}) };
    const config = nestConfig(space, params);
    env.KNOBS_PARAMS = valueJson(config);
    if (!o.interpreter) throw new KnobsError('E_INTERNAL', 'planLrFind: sweep mode needs `interpreter`');
    const argv = buildArgv({
      command: o.sweep.command,
      program: o.sweep.program,
      interpreter: o.interpreter,
      space,
      flat: params,
      config,
      argsJsonFile: o.argsJsonFile ?? '',
      env: o.env,
      sweepFile: o.sweep.file,
    });
    return { argv, env, ramp, config, params };
  }
  if (!o.script)
    throw new KnobsError('E_USAGE', 'the lr range test needs a sweep file or a script', {
      hint: 'knobs lr-find sweep.yaml, or knobs lr-find train.py',
    });
  const interpreter = o.interpreter ?? (/\.(mjs|cjs|js)$/.test(o.script) ? process.execPath : 'python3');
  return { argv: [interpreter, o.script, ...(o.scriptArgs ?? [])], env, ramp };
}

export interface AnalyseLrFindOptions {
  beta?: number;
  divergeFactor?: number;
  /** Share of the used curve skipped at the start when looking for the steepest descent. */
  skipStart?: number;
  minPoints?: number;
  baseDivisor?: number;
  /** Force a method instead of the rule above. */
  method?: 'steepest' | 'min/10';
}

export interface LrSuggestion {
  maxLr: number;
  baseLr: number;
  method: 'steepest' | 'min/10';
  /** [max_lr / 10, max_lr / 4]. */
  baseLrRange: { low: number; high: number };
  /** Index (into points) of the point max_lr was read at ('steepest'), or of the minimum. */
  index: number;
}

export interface LrFindAnalysis {
  /** Bias-corrected EMA of the loss, one per point (NaN after a non-finite loss). */
  smoothed: number[];
  /** First index past the used curve (see the module doc). */
  stopIndex: number;
  diverged: boolean;
  /** Index and lr of the smoothed minimum (within the used curve). */
  minIndex: number;
  minLr: number;
  minLoss: number;
  /** d smoothed / d log10(lr) per point of the used curve (NaN at the ends). */
  slopes: number[];
  /** Undefined when fewer than 2 usable points. */
  suggestion?: LrSuggestion;
  /** Why there is no suggestion, or why min/10 was used. */
  note?: string;
}

/** EMA with bias correction; NaN from the first non-finite loss on. */
export function smoothLosses(losses: readonly number[], beta: number = LR_FIND_DEFAULTS.beta): number[] {
  const out: number[] = [];
  let avg = 0;
  let bad = false;
  for (let i = 0; i < losses.length; i++) {
    const l = losses[i];
    if (bad || !Number.isFinite(l)) {
      bad = true;
      out.push(NaN);
      continue;
    }
    avg = beta * avg + (1 - beta) * l;
    out.push(avg / (1 - beta ** (i + 1)));
  }
  return out;
}

/** Loss vs lr → smoothed curve, stop index and the max_lr / base_lr suggestion. */
export function analyseLrFind(points: readonly LrPoint[], opts: AnalyseLrFindOptions = {}): LrFindAnalysis {
  const beta = opts.beta ?? LR_FIND_DEFAULTS.beta;
  const factor = opts.divergeFactor ?? LR_FIND_DEFAULTS.divergeFactor;
  const skipStart = opts.skipStart ?? LR_FIND_DEFAULTS.skipStart;
  const minPoints = opts.minPoints ?? LR_FIND_DEFAULTS.minPoints;
  const divisor = opts.baseDivisor ?? LR_FIND_DEFAULTS.baseDivisor;
  for (let i = 0; i < points.length; i++) {
    if (!(points[i].lr > 0 && Number.isFinite(points[i].lr))) {
      throw new KnobsError('E_USAGE', `lr range test point ${i} has lr ${points[i].lr} but lrs must be finite and > 0`);
    }
  }
  const smoothed = smoothLosses(
    points.map((p) => p.loss),
    beta,
  );

  let stopIndex = points.length;
  let best = Infinity;
  for (let i = 0; i < smoothed.length; i++) {
    const s = smoothed[i];
    if (!Number.isFinite(s) || (i > 0 && s > factor * best)) {
      stopIndex = i;
      break;
    }
    if (s < best) best = s;
  }
  const diverged = stopIndex < points.length;
  let minIndex = -1;
  for (let i = 0; i < stopIndex; i++) if (minIndex < 0 || smoothed[i] < smoothed[minIndex]) minIndex = i;

  const slopes: number[] = new Array(stopIndex).fill(NaN);
  const x = points.map((p) => Math.log10(p.lr));
  for (let i = 1; i < stopIndex - 1; i++) {
    const dx = x[i + 1] - x[i - 1];
    if (dx > 0) slopes[i] = (smoothed[i + 1] - smoothed[i - 1]) / dx;
  }
  const base = {
    smoothed,
    stopIndex,
    diverged,
    minIndex,
    minLr: minIndex >= 0 ? points[minIndex].lr : NaN,
    minLoss: minIndex >= 0 ? smoothed[minIndex] : NaN,
    slopes,
  };
  if (stopIndex < 2 || minIndex < 0)
    return {
      ...base,
      note: `only ${stopIndex} usable point(s) before the loss diverged: widen the ramp downwards (a smaller min lr) or add steps`,
    };

  const make = (maxLr: number, method: LrSuggestion['method'], index: number): LrSuggestion => ({
    maxLr,
    baseLr: maxLr / divisor,
    method,
    baseLrRange: { low: maxLr / 10, high: maxLr / 4 },
    index,
  });
  const minTen = (note: string): LrFindAnalysis => ({ ...base, suggestion: make(points[minIndex].lr / 10, 'min/10', minIndex), note });

  if (opts.method === 'min/10') return minTen('min/10 requested');
  const start = Math.max(1, Math.floor(skipStart * stopIndex));
  const end = Math.min(minIndex, stopIndex - 2);
  let steep = -1;
  for (let i = start; i <= end; i++) if (Number.isFinite(slopes[i]) && (steep < 0 || slopes[i] < slopes[steep])) steep = i;
  const windowSize = end - start + 1;
  let anyDescent = false;
  for (let i = 1; i <= Math.min(minIndex, stopIndex - 2); i++) if (slopes[i] < 0) anyDescent = true;
  if (steep >= 0 && slopes[steep] < 0 && (windowSize >= minPoints || opts.method === 'steepest')) {
    return { ...base, suggestion: make(points[steep].lr, 'steepest', steep) };
  }
  if (opts.method === 'steepest') return { ...base, note: 'no descending part of the smoothed curve to read a steepest point from' };
  return minTen(
    anyDescent && windowSize < minPoints
      ? `the descent before the minimum has ${Math.max(0, windowSize)} point(s) (< ${minPoints}): used one decade below the minimum`
      : 'the smoothed curve never descends: used one decade below the minimum',
  );
}

/** Rounds to `digits` significant digits (1.2345e-3 → 0.0012). */
export function roundSig(x: number, digits = 2): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/**
 * A `log_uniform_values` range for the learning rate around a suggestion: [max_lr / 10,
 * min(3 · max_lr, lr at the smoothed minimum)] (the cap applies only when it is above max_lr),
 * rounded to 2 significant digits.
 */
export function sweepRange(
  s: LrSuggestion,
  analysis?: Pick<LrFindAnalysis, 'minLr'>,
): { distribution: 'log_uniform_values'; min: number; max: number } {
  let hi = s.maxLr * 3;
  if (analysis && Number.isFinite(analysis.minLr) && analysis.minLr > s.maxLr) hi = Math.min(hi, analysis.minLr);
  const min = roundSig(s.maxLr / 10);
  let max = roundSig(hi);
  if (!(max > min)) max = roundSig(min * 10);
  return { distribution: 'log_uniform_values', min, max };
}

/**
 * The arguments of a `torch.optim.lr_scheduler.CyclicLR(...)` call for a suggestion (for promote):
 * `base_lr=…, max_lr=…` with 2 significant digits.
 */
export function cyclicLrArgs(s: LrSuggestion): { base_lr: number; max_lr: number } {
  return { base_lr: roundSig(s.baseLr), max_lr: roundSig(s.maxLr) };
}
