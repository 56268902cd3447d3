/**
 * The one table of keys a sweep file may hold. A later feature that adds a key adds it here (and
 * reads it in parse.ts); anything not listed is an "unknown-key" error with a "did you mean".
 *
 * `source`: who defines the key. `ignored`: a W&B key with no meaning offline — accepted and
 * reported with an info diagnostic ("ignored-key").
 */
import type { Method } from './types';

export interface KeyInfo {
  source: 'wandb' | 'knobs';
  ignored?: boolean;
  doc: string;
}

export const TOP_LEVEL_KEYS: Record<string, KeyInfo> = {
  // W&B
  program: { source: 'wandb', doc: 'the training script' },
  command: { source: 'wandb', doc: 'argv template with ${env} ${interpreter} ${program} ${args} ... macros' },
  method: { source: 'wandb', doc: 'search method: grid, random, bayes (Knobs adds sobol, tpe, gp)' },
  metric: { source: 'wandb', doc: '{name, goal, target}: the value to optimise' },
  metrics: { source: 'wandb', doc: 'multi-objective: a list of {name, goal} with `method: custom` (not supported yet)' },
  parameters: { source: 'wandb', doc: 'the search space' },
  early_terminate: { source: 'wandb', doc: 'early stopping rule (hyperband; Knobs adds asha, median, patience, none)' },
  run_cap: { source: 'wandb', doc: 'stop after this many finished trials' },
  name: { source: 'wandb', ignored: true, doc: 'sweep name' },
  description: { source: 'wandb', ignored: true, doc: 'sweep description' },
  project: { source: 'wandb', ignored: true, doc: 'W&B project' },
  entity: { source: 'wandb', ignored: true, doc: 'W&B entity' },
  controller: { source: 'wandb', doc: 'W&B controller {type: local | cloud}; no meaning offline' },
  scheduler: {
    source: 'wandb',
    doc: 'W&B Launch scheduler {engine, source, optimizer, search_space}; `{engine: wandb}` alone has no meaning offline',
  },
  apiVersion: { source: 'wandb', ignored: true, doc: 'W&B launch API version' },
  kind: { source: 'wandb', ignored: true, doc: 'W&B launch kind' },
  job: { source: 'wandb', ignored: true, doc: 'W&B launch job' },
  image_uri: { source: 'wandb', ignored: true, doc: 'W&B launch image' },
  // Knobs
  max_concurrent: { source: 'knobs', doc: 'trials running at once (default 1)' },
  seed: { source: 'knobs', doc: 'seed of the sampler RNG' },
  points_to_evaluate: { source: 'knobs', doc: 'configs to try first' },
  gpus_per_trial: { source: 'knobs', doc: 'GPUs per trial; fractions pack trials on one GPU' },
  gpus: { source: 'knobs', doc: 'GPU indices the sweep may use' },
  gpu_memory_per_trial: { source: 'knobs', doc: 'GPU memory a trial needs ("8GiB", "6000MiB"); admitted against free memory' },
  keep_checkpoints: { source: 'knobs', doc: 'keep the checkpoints of the best N trials; delete those of pruned and worse ones' },
  stop_grace_period: { source: 'knobs', doc: 'SIGTERM→SIGKILL grace when stopping or pruning a trial (default 10s)' },
  metric_regex: { source: 'knobs', doc: 'JS regex with named groups (or one group for metric.name)' },
  extra_metrics: { source: 'knobs', doc: 'extra metric names captured from free text' },
  trial_timeout: { source: 'knobs', doc: 'per-trial time limit ("30m", "1h30m", or seconds)' },
  sweep_timeout: { source: 'knobs', doc: 'whole-sweep time limit' },
  max_failures: { source: 'knobs', doc: 'retries of a crashed config (default 0)' },
  max_consecutive_failures: { source: 'knobs', doc: 'failures in a row that pause launching (default 3)' },
  interpreter: { source: 'knobs', doc: 'overrides ${interpreter}' },
  wandb: { source: 'knobs', doc: '"shim" puts the offline wandb shim on PYTHONPATH' },
  executor: { source: 'knobs', doc: '{type: local | slurm, ...}' },
  evaluate: {
    source: 'knobs',
    doc: 'command run once on the best trial after the sweep (held-out test data); same macros plus ${best_trial_dir} and ${checkpoint}',
  },
};

export const METRIC_KEYS: Record<string, KeyInfo> = {
  name: { source: 'wandb', doc: 'metric name as the script reports it' },
  goal: { source: 'wandb', doc: 'minimize (default) or maximize' },
  target: { source: 'wandb', doc: 'stop the sweep once a trial reaches this value' },
  impute: { source: 'wandb', ignored: true, doc: 'W&B bayes imputation for failed runs' },
  impute_while_running: { source: 'wandb', ignored: true, doc: 'W&B bayes imputation for running runs' },
};

/** Keys of one parameter. */
export const PARAM_KEYS = [
  'value',
  'values',
  'probabilities',
  'distribution',
  'min',
  'max',
  'q',
  'mu',
  'sigma',
  'a',
  'b',
  'parameters',
] as const;
export type ParamKey = (typeof PARAM_KEYS)[number];

export const METHODS: readonly Method[] = ['grid', 'random', 'bayes', 'sobol', 'tpe', 'gp'];
/** W&B's method for a custom scheduler on its servers (wandbServer.ts): validated, never run. */
export const SERVER_METHOD = 'custom';
/** Methods that never run out of configs by themselves. */
export const UNBOUNDED_METHODS: readonly Method[] = ['random', 'bayes', 'sobol', 'tpe', 'gp'];
export const GOALS = ['minimize', 'maximize'] as const;

/** early_terminate keys per type, with defaults filled when omitted. */
export const EARLY_TERMINATE_KEYS: Record<string, { keys: string[]; doc: string }> = {
  hyperband: {
    keys: ['min_iter', 'max_iter', 's', 'eta', 'strict'],
    doc: 'W&B hyperband: min_iter, or max_iter and s; eta (default 3); strict (default true)',
  },
  asha: {
    keys: ['max_t', 'grace_period', 'reduction_factor', 'brackets'],
    doc: 'ASHA: max_t, grace_period (default 1), reduction_factor (default 4), brackets (default 1)',
  },
  median: {
    keys: ['min_steps', 'startup_trials'],
    doc: 'median stopping: min_steps (default 0), startup_trials (finished trials before it acts, default 5)',
  },
  patience: { keys: ['patience', 'min_delta'], doc: 'stop after `patience` reports without improving by min_delta (defaults 5 and 0)' },
  none: { keys: [], doc: 'no early stopping' },
};

export const EXECUTOR_KEYS: Record<string, string[]> = {
  local: [],
  slurm: ['partition', 'time', 'gres', 'account', 'qos', 'extra_args'],
};

export const DEFAULT_COMMAND = ['${env}', '${interpreter}', '${program}', '${args}'];
