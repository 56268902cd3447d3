/**
 * Configs already tried, so that a model-based sampler does not suggest one of them again.
 *
 * On a discrete space (categoricals, integers) a model that has learnt "this config was good"
 * keeps proposing it: a rerun of a deterministic script costs a whole trial and cannot improve
 * the best. Samplers use this to skip such candidates.
 *
 * - A config's key is the valueKey of each search parameter's value, in space order (a missing
 *   parameter has its own key, so it never matches a complete config).
 * - Tried = every trial in the history except failed ones (the sampler rule: failed trials are
 *   ignored), i.e. completed, pruned, stopped, running, pending and interrupted trials.
 * - `finiteConfigs` lists every config of a space when each search parameter has finitely many
 *   values that the samplers can produce and their product is small: categoricals (values with
 *   weight > 0) and int_uniform. Then "every config was tried" can be told exactly.
 */
import { cloneValue, searchDims, valueKey } from '../space/transform';
import type { FlatParams, ParamSpec, Space, Value } from '../space/types';
import type { TrialView } from './sampler';

const MISSING = '\u0000missing';

/** Most configs `finiteConfigs` will list. */
export const FINITE_LIMIT = 4096;

export function configKey(dims: readonly ParamSpec[], flat: FlatParams): string {
  const parts: string[] = [];
  for (const p of dims) parts.push(Object.hasOwn(flat, p.name) ? valueKey(flat[p.name]) : MISSING);
  return parts.join('\u0001');
}

const keyCache = new WeakMap<FlatParams, { dims: readonly ParamSpec[]; key: string }>();

/** The configs of the history's non-failed trials. */
export class SeenConfigs {
  private readonly keys = new Set<string>();
  private readonly dims: readonly ParamSpec[];

  constructor(space: Space, history: readonly TrialView[]) {
    this.dims = searchDims(space);
    for (const t of history) if (t.state !== 'failed') this.keys.add(this.key(t.flat));
  }

  /** Distinct configs tried. */
  get size(): number {
    return this.keys.size;
  }

  has(flat: FlatParams): boolean {
    return this.keys.has(this.key(flat));
  }

  private key(flat: FlatParams): string {
    // the runner hands the same params objects on every call: one key per object and space
    const hit = keyCache.get(flat);
    if (hit && hit.dims.length === this.dims.length && hit.dims.every((p, i) => p === this.dims[i])) return hit.key;
    const key = configKey(this.dims, flat);
    keyCache.set(flat, { dims: this.dims, key });
    return key;
  }
}

/** The values a sampler can give a parameter, when finitely many; else undefined. */
function finiteValues(p: ParamSpec): Value[] | undefined {
  if (p.kind === 'constant') return [p.value];
  if (p.kind === 'categorical') {
    const seen = new Set<string>();
    const out: Value[] = [];
    p.values.forEach((v, i) => {
      if (p.probabilities && !(p.probabilities[i] > 0)) return;
      const k = valueKey(v);
      if (seen.has(k)) return;
      seen.add(k);
      out.push(v);
    });
    return out;
  }
  if (
    p.distribution === 'int_uniform' &&
    p.min !== undefined &&
    p.max !== undefined &&
    Number.isInteger(p.min) &&
    Number.isInteger(p.max) &&
    p.max >= p.min
  ) {
    if (p.max - p.min + 1 > FINITE_LIMIT) return undefined;
    return Array.from({ length: p.max - p.min + 1 }, (_, k) => (p.min as number) + k);
  }
  return undefined;
}

const finiteCache = new WeakMap<Space, FlatParams[] | null>();

/**
 * Every config of the space (constants filled in, space order), when the space is finite and has
 * at most FINITE_LIMIT configs; else undefined. The list is shared: do not modify its configs.
 */
export function finiteConfigs(space: Space): readonly FlatParams[] | undefined {
  const hit = finiteCache.get(space);
  if (hit !== undefined) return hit ?? undefined;
  let out: FlatParams[] | null = null;
  const axes = space.params.map(finiteValues);
  if (axes.every((a): a is Value[] => a !== undefined && a.length > 0)) {
    const total = axes.reduce((n, a) => n * a.length, 1);
    if (total <= FINITE_LIMIT) {
      out = [];
      for (let index = 0; index < total; index++) {
        const flat: FlatParams = {};
        let rest = index;
        for (let i = space.params.length - 1; i >= 0; i--) {
          const a = axes[i];
          flat[space.params[i].name] = cloneValue(a[rest % a.length]);
          rest = Math.floor(rest / a.length);
        }
        // space order for the keys of the object
        const ordered: FlatParams = {};
        for (const p of space.params) ordered[p.name] = flat[p.name];
        out.push(ordered);
      }
    }
  }
  finiteCache.set(space, out);
  return out ?? undefined;
}
