/**
 * The contract every Sampler keeps (random, grid, sobol, TPE and GP: test/contracts/samplers.test.ts):
 * - the same seed, index and history give the same suggestion, whatever was asked before;
 * - every leaf is present, constants keep their value, categorical values are members, numbers
 *   are finite, inside the distribution's range, and integers where the space says so;
 * - failed trials in the history change nothing;
 * - a finite sampler (size) returns null past its end and a config before it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/core/random/rng';
import type { Sampler, SuggestContext, TrialView } from '../../src/core/samplers/sampler';
import { numericRange, valueKey } from '../../src/core/space/transform';
import type { FlatParams, ParamSpec, Space, Value } from '../../src/core/space/types';

export interface ContractOptions {
  /** Number of indices to check (default 24, capped by the sampler's size). */
  count?: number;
  seed?: number;
}

function ctxFor(space: Space, seed: number, index: number, history: readonly TrialView[]): SuggestContext {
  return { space, index, history, rng: createRng(seed).child('suggest', index) };
}

/** Throws an AssertionError naming the param when `flat` is not a valid config of `space`. */
export function assertValidConfig(space: Space, flat: FlatParams): void {
  const names = space.params.map((p) => p.name).sort();
  assert.deepEqual(Object.keys(flat).sort(), names, 'a config has exactly the leaves of the space');
  for (const p of space.params) {
    const v = flat[p.name];
    if (p.kind === 'constant') {
      assert.deepEqual(v, p.value, `constant ${p.name}`);
    } else if (p.kind === 'categorical') {
      const keys = p.values.map(valueKey);
      assert.ok(keys.includes(valueKey(v)), `${p.name}=${valueKey(v)} is one of ${keys.join(', ')}`);
    } else {
      assert.equal(typeof v, 'number', `${p.name} is a number`);
      const x = v as number;
      assert.ok(Number.isFinite(x), `${p.name}=${x} is finite`);
      const [lo, hi] = numericRange(p);
      const tol = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
      assert.ok(x >= lo - tol && x <= hi + tol, `${p.name}=${x} lies in [${lo}, ${hi}] (${p.distribution})`);
      if (p.integer || p.distribution === 'int_uniform') assert.ok(Number.isInteger(x), `${p.name}=${x} is an integer`);
    }
  }
}

export function samplerContract(name: string, make: () => Sampler, space: Space, opts: ContractOptions = {}): void {
  const seed = opts.seed ?? 1234;
  const size = make().size?.(space);
  const count = Math.min(opts.count ?? 24, size ?? Infinity);

  describe(`sampler contract: ${name}`, () => {
    const suggestAll = (s: Sampler, history: readonly TrialView[], order: number[]): Map<number, FlatParams | null> => {
      const out = new Map<number, FlatParams | null>();
      for (const i of order) out.set(i, s.suggest(ctxFor(space, seed, i, history)));
      return out;
    };
    const indices = Array.from({ length: count }, (_, i) => i);

    test('same seed, index and history give the same suggestion, in any order and on any instance', () => {
      const a = suggestAll(make(), [], indices);
      const b = suggestAll(make(), [], [...indices].reverse());
      const shared = make();
      const c1 = suggestAll(shared, [], indices);
      const c2 = suggestAll(shared, [], indices);
      for (const i of indices) {
        assert.deepEqual(b.get(i), a.get(i), `index ${i}, reversed order`);
        assert.deepEqual(c1.get(i), a.get(i), `index ${i}, shared instance`);
        assert.deepEqual(c2.get(i), a.get(i), `index ${i}, asked twice`);
      }
    });

    test('suggestions are valid configs of the space', () => {
      const s = make();
      for (const i of indices) {
        const flat = s.suggest(ctxFor(space, seed, i, []));
        assert.ok(flat, `index ${i} (size ${size ?? 'unbounded'}) gives a config`);
        assertValidConfig(space, flat);
      }
    });

    test('suggestions are not all the same', () => {
      if (count < 2) return assert.equal(count, size, 'only a one-config space may repeat');
      const s = make();
      const keys = new Set(indices.map((i) => valueKey(s.suggest(ctxFor(space, seed, i, [])) as FlatParams)));
      assert.ok(keys.size > 1, `${keys.size} distinct configs among ${count}`);
    });

    test('failed trials in the history change nothing', () => {
      const s = make();
      const completed: TrialView[] = [];
      const mixed: TrialView[] = [];
      let id = 0;
      for (let i = 0; i < Math.min(count, 8); i++) {
        const flat = s.suggest(ctxFor(space, seed, i, completed)) as FlatParams;
        const done: TrialView = { id: id++, flat, state: 'completed', value: Math.sin(i + 1) };
        completed.push(done);
        mixed.push({ ...done });
        // a failed trial (with a value, to tempt a careless sampler) after each completed one
        mixed.push({ id: id++, flat: s.suggest(ctxFor(space, seed + 1, i, completed)) as FlatParams, state: 'failed', value: -1e9 });
      }
      for (let i = completed.length; i < Math.min(count, completed.length + 6); i++) {
        const clean = make().suggest(ctxFor(space, seed, i, completed));
        const noisy = make().suggest(ctxFor(space, seed, i, mixed));
        assert.deepEqual(noisy, clean, `index ${i}`);
      }
    });

    test('a finite sampler ends with null, exactly at its size', () => {
      const s = make();
      if (size === undefined) {
        assert.notEqual(s.suggest(ctxFor(space, seed, 1_000_000, [])), null, 'an unbounded sampler never ends');
        return;
      }
      assert.notEqual(s.suggest(ctxFor(space, seed, size - 1, [])), null, 'the last index gives a config');
      assert.equal(s.suggest(ctxFor(space, seed, size, [])), null, 'index == size gives null');
      assert.equal(s.suggest(ctxFor(space, seed, size + 7, [])), null, 'past the end gives null');
    });
  });
}

// ---- example spaces, built by hand (no parser) ----

type NumericInit = Omit<Extract<ParamSpec, { kind: 'numeric' }>, 'kind' | 'path' | 'name' | 'integer'> & { integer?: boolean };

export function numeric(name: string, init: NumericInit): ParamSpec {
  return { kind: 'numeric', name, path: name.split('.'), integer: init.integer ?? init.distribution === 'int_uniform', ...init };
}
export function categorical(name: string, values: Value[], probabilities?: number[]): ParamSpec {
  return { kind: 'categorical', name, path: name.split('.'), values, ...(probabilities ? { probabilities } : {}) };
}
export function constant(name: string, value: Value): ParamSpec {
  return { kind: 'constant', name, path: name.split('.'), value };
}

/** Every kind of parameter and every W&B distribution. */
export function mixedSpace(): Space {
  return {
    params: [
      constant('epochs', 3),
      categorical('optimizer', ['adam', 'sgd', { name: 'adamw', betas: [0.9, 0.99] }]),
      categorical('act', ['relu', 'gelu', 'tanh'], [0.5, 0.3, 0.2]),
      numeric('layers', { distribution: 'int_uniform', min: 1, max: 6 }),
      numeric('dropout', { distribution: 'uniform', min: 0, max: 0.5 }),
      numeric('width', { distribution: 'q_uniform', min: 16, max: 256, q: 16, integer: true }),
      numeric('momentum', { distribution: 'q_uniform', min: 0.8, max: 0.99, q: 0.01 }),
      numeric('lr_exp', { distribution: 'log_uniform', min: -9.2, max: -2.3 }),
      numeric('lr', { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 }),
      numeric('batch', { distribution: 'q_log_uniform_values', min: 8, max: 512, q: 8, integer: true }),
      numeric('hidden_exp', { distribution: 'q_log_uniform', min: 2, max: 6, q: 1, integer: true }),
      numeric('inv', { distribution: 'inv_log_uniform', min: 1, max: 5 }),
      numeric('inv_values', { distribution: 'inv_log_uniform_values', min: 0.01, max: 10 }),
      numeric('opt.bias', { distribution: 'normal', mu: 1, sigma: 2 }),
      numeric('opt.shift', { distribution: 'q_normal', mu: 0, sigma: 10, q: 2, integer: true }),
      numeric('scale', { distribution: 'log_normal', mu: 0, sigma: 0.5 }),
      numeric('qscale', { distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 0.5 }),
      numeric('frac', { distribution: 'beta', a: 2, b: 5 }),
      numeric('qfrac', { distribution: 'q_beta', a: 0.5, b: 0.5, q: 0.1 }),
      constant('tag', { note: 'fixed', list: [1, 2] }),
    ],
  };
}

/** What a grid can enumerate: values, int_uniform, q_uniform (int and float steps), constants. */
export function gridSpace(): Space {
  return {
    params: [
      categorical('optimizer', ['adam', 'sgd', 'adamw']),
      constant('epochs', 2),
      numeric('layers', { distribution: 'int_uniform', min: 1, max: 3 }),
      numeric('width', { distribution: 'q_uniform', min: 32, max: 128, q: 32, integer: true }),
      numeric('dropout', { distribution: 'q_uniform', min: 0, max: 0.3, q: 0.1 }),
    ],
  };
}
