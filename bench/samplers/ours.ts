/**
 * Drive a Knobs sampler in-process exactly as the runner does (src/core/sweep/runner.ts):
 * one instance per run built by `createSampler(method, { seed })`; for suggestion i,
 * `suggest({ space, index: i, history, rng: createRng(seed).child('sampler', i) })` with the
 * history of every trial so far; then the trial is appended as completed with its value.
 * Sequential (max_concurrent 1).
 */
import { createRng } from '../../src/core/random/rng';
import { createSampler } from '../../src/core/samplers/registry';
import type { TrialView } from '../../src/core/samplers/sampler';
import type { FlatParams, Method, Space } from '../../src/core/space/types';

export const OUR_METHODS: readonly Method[] = ['random', 'sobol', 'tpe', 'gp', 'bayes'];

export interface RunResult {
  /** Objective value of each trial, in order. */
  values: number[];
  /** ms per suggest call. */
  suggestMs: number[];
  /** CPU seconds of the whole run (process.cpuUsage: this process, GC threads included). */
  cpuSeconds: number;
  /** The registry's notice (e.g. the rule `bayes` applied), if any. */
  notice?: string;
}

export interface RunOptions {
  method: Method;
  space: Space;
  objective: (p: FlatParams) => number;
  seed: number;
  budget: number;
}

/**
 * The options a sweep gives the registry: the seed, the space and run_cap (here the budget), which
 * `bayes` uses to choose GP or TPE. Built as a variable so it also type-checks against a registry
 * that takes only the seed.
 */
export function samplerOptions(seed: number, space: Space, runCap: number): { seed: number; space: Space; runCap: number } {
  return { seed, space, runCap };
}

export function runOurs(opts: RunOptions): RunResult {
  const created = samplerOptions(opts.seed, opts.space, opts.budget);
  const { sampler, notice } = createSampler(opts.method, created);
  const history: TrialView[] = [];
  const values: number[] = [];
  const suggestMs: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < opts.budget; i++) {
    const rng = createRng(opts.seed).child('sampler', i);
    const snapshot = history.slice();
    const t0 = performance.now();
    const flat = sampler.suggest({ space: opts.space, index: i, history: snapshot, rng });
    suggestMs.push(performance.now() - t0);
    if (flat === null) break;
    const value = opts.objective(flat);
    if (!Number.isFinite(value)) throw new Error(`${opts.method}: objective is ${value} at ${JSON.stringify(flat)}`);
    history.push({ id: i + 1, flat, state: 'completed', value });
    values.push(value);
  }
  const c = process.cpuUsage(c0);
  return { values, suggestMs, cpuSeconds: (c.user + c.system) / 1e6, notice };
}

/** A space of d parameters uniform on [0, 1] (x1..xd), for latency cells. */
export function latencySpace(d: number): Space {
  return {
    params: Array.from({ length: d }, (_, j) => ({
      kind: 'numeric' as const,
      name: `x${j + 1}`,
      path: [`x${j + 1}`],
      distribution: 'uniform' as const,
      min: 0,
      max: 1,
      integer: false,
    })),
  };
}

export interface LatencyOptions {
  method: Method;
  trials: number;
  params: number;
  reps: number;
  seed: number;
}

/**
 * ms per suggest at exactly `trials` completed trials, in the steady state of a run: for each rep
 * a fresh instance sees a history of trials - 1 completed random points (value Σ(x - 0.3)²) and
 * suggests once untimed (building any incremental state), the suggestion is appended as completed,
 * and the next suggest, at `trials` trials, is timed. The sweep's run_cap is taken as trials + 1.
 */
export function measureLatency(opts: LatencyOptions): { ms: number[]; cpuMs: number[] } {
  const space = latencySpace(opts.params);
  const value = (flat: FlatParams): number => {
    let s = 0;
    for (let j = 0; j < opts.params; j++) s += ((flat[`x${j + 1}`] as number) - 0.3) ** 2;
    return s;
  };
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < opts.reps; r++) {
    const seed = opts.seed + r;
    const created = samplerOptions(seed, space, opts.trials + 1);
    const { sampler } = createSampler(opts.method, created);
    const pointRng = createRng(seed).child('latency-history', opts.trials, opts.params);
    const history: TrialView[] = [];
    for (let i = 0; i < opts.trials - 1; i++) {
      const flat: FlatParams = {};
      for (let j = 0; j < opts.params; j++) flat[`x${j + 1}`] = pointRng.next();
      history.push({ id: i + 1, flat, state: 'completed', value: value(flat) });
    }
    const ask = (): [number, number] => {
      const index = history.length;
      const rng = createRng(seed).child('sampler', index);
      const snapshot = history.slice();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const flat = sampler.suggest({ space, index, history: snapshot, rng });
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (flat === null) throw new Error(`${opts.method} returned no config`);
      history.push({ id: index + 1, flat, state: 'completed', value: value(flat) });
      return [wall, (c.user + c.system) / 1000];
    };
    ask(); // untimed, at trials - 1
    const [wall, cpu] = ask();
    ms.push(wall);
    cpuMs.push(cpu);
  }
  return { ms, cpuMs };
}
