/**
 * The parsed sweep file: a W&B-compatible superset. `parseSweep` (parse.ts) builds a `SweepSpec`
 * from text; samplers work on `Space`; `transform.ts` maps params to and from the unit cube.
 */

export type Scalar = string | number | boolean | null;
export type Value = Scalar | Value[] | { [key: string]: Value };
/** Leaf parameter values keyed by dotted name ("optimizer.lr"). */
export type FlatParams = Record<string, Value>;
/** The nested config the script sees (W&B nests `parameters: {a: {parameters: {...}}}`). */
export type Config = { [key: string]: Value };

/** 1-based line and column in the sweep file. */
export interface SourceLoc {
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export const NUMERIC_DISTRIBUTIONS = [
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
] as const;
export type NumericDistribution = (typeof NUMERIC_DISTRIBUTIONS)[number];
export const DISTRIBUTIONS = ['constant', 'categorical', ...NUMERIC_DISTRIBUTIONS] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

interface ParamBase {
  /** Dotted path, unique in the space: "lr", "optimizer.momentum". */
  name: string;
  path: string[];
  loc?: SourceLoc;
}
export interface ConstantParam extends ParamBase {
  kind: 'constant';
  value: Value;
  /** The YAML literal was a float (`1.0`): `${args}` prints it as Python prints a float. */
  float?: boolean;
}
export interface CategoricalParam extends ParamBase {
  kind: 'categorical';
  values: Value[];
  /** Per value: the YAML literal was a float (`1.0`, `2e-3`), so `${args}` prints `1.0`. */
  floatValues?: boolean[];
  /** Same length as values, sums to 1 (normalised by the parser). */
  probabilities?: number[];
}
export interface NumericParam extends ParamBase {
  kind: 'numeric';
  distribution: NumericDistribution;
  /** As written in the file (for log_uniform: natural-log exponents, as W&B). */
  min?: number;
  max?: number;
  q?: number;
  mu?: number;
  sigma?: number;
  a?: number;
  b?: number;
  /** The sampled value is an integer (int_uniform, or a q-distribution whose q is an integer literal). */
  integer: boolean;
}
export type ParamSpec = ConstantParam | CategoricalParam | NumericParam;

export interface Space {
  /** Leaves in file order (constants included). */
  params: ParamSpec[];
}

export type Method = 'grid' | 'random' | 'sobol' | 'bayes' | 'tpe' | 'gp';
export type Goal = 'minimize' | 'maximize';

export interface MetricSpec {
  name: string;
  goal: Goal;
  target?: number;
}

/** early_terminate as written; acted on by schedulers (registry decides what is valid). */
export interface EarlyTerminateSpec {
  type: 'hyperband' | 'asha' | 'median' | 'patience' | 'none';
  [key: string]: unknown;
}

export interface ExecutorSpec {
  type: 'local' | 'slurm';
  [key: string]: unknown;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** Stable machine code, e.g. "unknown-key", "ignored-key", "bad-type". */
  code: string;
  loc?: SourceLoc;
  /** What would be valid. */
  hint?: string;
  /** An obvious quick fix: replace the text at `loc` with this. */
  fix?: { title: string; replacement: string };
}

/** Everything the engine needs from a sweep file, normalised. Durations in ms. */
export interface SweepSpec {
  /** Absolute path of the sweep file, if it came from one. */
  file?: string;
  text: string;
  name?: string;
  description?: string;
  program?: string;
  /** W&B `command`, default ["${env}", "${interpreter}", "${program}", "${args}"]. */
  command: string[];
  method: Method;
  metric: MetricSpec;
  /** Extra metric names captured from free text (`extra_metrics:`). */
  metrics: string[];
  space: Space;
  earlyTerminate?: EarlyTerminateSpec;
  runCap?: number;
  maxConcurrent: number;
  seed?: number;
  pointsToEvaluate: FlatParams[];
  gpusPerTrial: number;
  gpus?: number[];
  /** GPU memory a trial needs (MiB), admitted against nvidia-smi's free memory. */
  gpuMemoryPerTrialMiB?: number;
  /** Keep the checkpoint folders of the best N trials only (undefined: keep all). */
  keepCheckpoints?: number;
  /** SIGTERM→SIGKILL grace for stops and prunes (ms). */
  stopGraceMs?: number;
  /** A JS regex source with named groups, or one group for metric.name. */
  metricRegex?: string;
  trialTimeoutMs?: number;
  sweepTimeoutMs?: number;
  maxFailures: number;
  maxConsecutiveFailures: number;
  /** Overrides ${interpreter}. */
  interpreter?: string;
  wandbShim: boolean;
  executor: ExecutorSpec;
  /**
   * `evaluate:`: a command list (the same macros as `command`, plus ${best_trial_dir} and
   * ${checkpoint}) run once on the best trial after the sweep, on held-out test data.
   */
  evaluate?: string[];
  /** Warnings and notices found while parsing (errors throw). */
  diagnostics: Diagnostic[];
  /** Source position of each key path ("parameters.lr.max"), for editors. */
  locs: Record<string, SourceLoc>;
}
