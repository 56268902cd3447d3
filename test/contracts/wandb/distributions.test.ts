/**
 * Every W&B distribution, drawn by Knobs' random sampler, against reference draws from W&B's own
 * random search (fixtures/distributions.json: W&B's `random_search_next_runs`, run outside this repository): the range, the
 * q-multiples, and a two-sample Kolmogorov–Smirnov test. Seeds are fixed, so the test is
 * deterministic. The critical value is the asymptotic one at α = 0.001: c(α)·√((n + m)/(n m)) with
 * c(α) = √(−ln(α/2)/2) ≈ 1.95, i.e. D < 0.062 for 2000 draws each (conservative for discrete
 * distributions). Planted wrong samplers (log drawn as linear, off by one q, beta's a and b
 * swapped) must fail the same test.
 */

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { roundHalfEven } from '../../../src/core/math/round';
import { createRng } from '../../../src/core/random/rng';
import { RandomSampler } from '../../../src/core/samplers/random';
import { parseSweep } from '../../../src/core/space/parse';
import type { FlatParams, NumericParam, Space, Value } from '../../../src/core/space/types';

/** A parameter as written in the sweep file. */
type Spec = Partial<Pick<NumericParam, 'min' | 'max' | 'q' | 'mu' | 'sigma' | 'a' | 'b'>> & {
  distribution?: string;
  value?: Value;
  values?: string[];
  probabilities?: number[];
};
const fixture = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../../test/contracts/wandb/fixtures/distributions.json'), 'utf8'),
) as {
  wandbCommit: string;
  n: number;
  params: Record<string, { spec: Spec; draws: Value[] }>;
};
const SEED = 2026;
const ALPHA = 0.001;

/** Two-sample KS statistic: the largest gap between the empirical CDFs (ties handled). */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

function ksCritical(n: number, m: number): number {
  return Math.sqrt(-Math.log(ALPHA / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** The sweep file of all the fixture's parameters, in the fixture's order. */
function space(): Space {
  const lines = Object.entries(fixture.params).map(([name, p]) => `  ${name}: ${JSON.stringify(p.spec)}`);
  const r = parseSweep(`program: train.py\nmethod: random\nparameters:\n${lines.join('\n')}\n`);
  assert.ok(r.spec, r.diagnostics.map((d) => d.message).join('\n'));
  return r.spec.space;
}

function knobsDraws(s: Space, n: number): FlatParams[] {
  const sampler = new RandomSampler();
  const root = createRng(SEED);
  return Array.from({ length: n }, (_, index) => sampler.suggest({ space: s, index, history: [], rng: root.child(index) }));
}

/** Numbers to compare: categorical values become their index in `values`. */
function numeric(spec: Spec, draws: Value[]): number[] {
  return draws.map((v) => (spec.values ? spec.values.indexOf(v as string) : (v as number)));
}

/** The values a distribution can give (q-rounded bounds for q-distributions). */
function support(spec: Spec): [number, number] {
  const { min = 0, max = 1, q } = spec;
  const d = spec.distribution ?? (spec.values ? 'categorical' : 'constant');
  const base: Record<string, [number, number]> = {
    constant: [spec.value as number, spec.value as number],
    categorical: [0, (spec.values?.length ?? 1) - 1],
    int_uniform: [min, max],
    uniform: [min, max],
    log_uniform: [Math.exp(min), Math.exp(max)],
    log_uniform_values: [min, max],
    inv_log_uniform: [Math.exp(-max), Math.exp(-min)],
    inv_log_uniform_values: [min, max],
    normal: [-Infinity, Infinity],
    log_normal: [0, Infinity],
    beta: [0, 1],
  };
  const [lo, hi] = base[d.replace(/^q_/, '')];
  return q === undefined ? [lo, hi] : [roundHalfEven(lo / q) * q, roundHalfEven(hi / q) * q];
}

function isMultiple(v: number, q: number): boolean {
  return Number.isInteger(q) ? Number.isInteger(v) && v % q === 0 : Math.abs(v / q - Math.round(v / q)) < 1e-6;
}

describe(`every W&B distribution matches W&B's own sampler (wandb/sweeps ${fixture.wandbCommit.slice(0, 7)}, ${fixture.n} draws each)`, () => {
  const s = space();
  const ours = knobsDraws(s, fixture.n);
  const critical = ksCritical(fixture.n, fixture.n);

  for (const [name, { spec, draws }] of Object.entries(fixture.params)) {
    test(name, (t) => {
      const mine = numeric(
        spec,
        ours.map((c) => c[name]),
      );
      const theirs = numeric(spec, draws);
      const [lo, hi] = support(spec);
      for (const [who, xs] of [
        ['Knobs', mine],
        ['W&B', theirs],
      ] as const) {
        for (const v of xs) {
          assert.ok(Number.isFinite(v) && v >= lo - 1e-9 && v <= hi + 1e-9, `${who}: ${name} drew ${v}, outside [${lo}, ${hi}]`);
          if (spec.q !== undefined) assert.ok(isMultiple(v, spec.q), `${who}: ${name} drew ${v}, not a multiple of q = ${spec.q}`);
        }
      }
      const d = ksStatistic(mine, theirs);
      t.diagnostic(`KS D = ${d.toFixed(4)} (critical ${critical.toFixed(4)})`);
      assert.ok(d < critical, `${name}: KS D = ${d.toFixed(4)} ≥ ${critical.toFixed(4)} (α = ${ALPHA})`);
    });
  }

  test('the test catches wrong samplers: log drawn as linear, off by one q, beta a and b swapped', (t) => {
    const planted: [string, (v: number) => number][] = [
      ['log_uniform_values', (v) => 1e-5 + ((Math.log(v) - Math.log(1e-5)) / -Math.log(1e-5)) * (1 - 1e-5)],
      ['q_uniform', (v) => v + 1],
      ['beta', (v) => 1 - v],
    ];
    for (const [name, wrong] of planted) {
      const { spec, draws } = fixture.params[name];
      const d = ksStatistic(
        numeric(
          spec,
          ours.map((c) => c[name]),
        ).map(wrong),
        numeric(spec, draws),
      );
      t.diagnostic(`wrong ${name}: KS D = ${d.toFixed(4)}`);
      assert.ok(d >= critical, `a wrong ${name} sampler passes: KS D = ${d.toFixed(4)} < ${critical.toFixed(4)}`);
    }
  });
});
