/**
 * `points_to_evaluate`: configs tried before the sampler's own. Each point is a map from
 * parameter to value, nested (`optimizer: {lr: 0.1}`) or dotted (`optimizer.lr: 0.1`). Every
 * searched parameter needs a value inside its range (or one of its `values`); constants may be
 * omitted and are filled in.
 */

import type { Reporter } from './reporter';
import { closest, listChoices } from './suggest';
import type { FlatParams, NumericParam, ParamSpec, Value } from './types';
import { describeNode, type MapNode, type TreeNode, toValue } from './yamlTree';

export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valueEquals(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b as object);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => k in (b as object) && valueEquals((a as Record<string, Value>)[k], (b as Record<string, Value>)[k]));
  }
  return false;
}

/** The range of values a numeric parameter can take, in value space (for points and editors). */
export function numericBounds(p: NumericParam): { lo: number; hi: number } {
  const mn = p.min ?? -Infinity;
  const mx = p.max ?? Infinity;
  switch (p.distribution) {
    case 'int_uniform':
    case 'uniform':
    case 'q_uniform':
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return { lo: mn, hi: mx };
    case 'log_uniform':
    case 'q_log_uniform':
      return { lo: Math.exp(mn), hi: Math.exp(mx) };
    case 'inv_log_uniform':
      return { lo: Math.exp(-mx), hi: Math.exp(-mn) };
    case 'log_normal':
    case 'q_log_normal':
      return { lo: 0, hi: Infinity };
    case 'beta':
    case 'q_beta':
      return { lo: 0, hi: 1 };
    default:
      return { lo: -Infinity, hi: Infinity };
  }
}

const fmt = (x: number) => (Number.isFinite(x) ? String(+x.toPrecision(6)) : x > 0 ? '∞' : '-∞');

export function parsePoints(r: Reporter, node: TreeNode, params: ParamSpec[]): FlatParams[] {
  if (node.kind !== 'seq') {
    r.error(
      node.loc,
      'bad-type',
      `\`points_to_evaluate\` is ${describeNode(node)} but must be a list of maps`,
      'write e.g. `points_to_evaluate: [{lr: 0.01, batch_size: 32}]`',
      node.kind === 'map' ? { title: 'Wrap in a list', replacement: `[${JSON.stringify(toValue(node))}]` } : undefined,
    );
    return [];
  }
  const byName = new Map(params.map((p) => [p.name, p]));
  const names = params.map((p) => p.name);
  const out: FlatParams[] = [];
  node.items.forEach((item, i) => {
    const label = `points_to_evaluate[${i}]`;
    if (item.kind !== 'map') {
      r.error(
        item.loc,
        'bad-type',
        `\`${label}\` is ${describeNode(item)} but must be a map of parameter values`,
        'write e.g. `- {lr: 0.01, batch_size: 32}`',
      );
      return;
    }
    const flat: FlatParams = {};
    const before = r.errorCount;
    const walk = (m: MapNode, prefix: string) => {
      for (const e of m.entries) {
        const full = prefix ? `${prefix}.${e.key}` : e.key;
        const p = byName.get(full);
        if (p) {
          if (full in flat) {
            r.error(e.keyLoc, 'duplicate-key', `\`${label}\` gives \`${full}\` twice`, 'keep one of the two');
            continue;
          }
          const v = checkValue(r, p, e.value, label);
          if (v !== undefined) flat[full] = v.value;
          continue;
        }
        if (e.value.kind === 'map' && names.some((n) => n.startsWith(`${full}.`))) {
          walk(e.value, full);
          continue;
        }
        const near = closest(full, names);
        r.error(
          e.keyLoc,
          'unknown-param',
          `\`${label}\` sets \`${full}\`, which is not a parameter`,
          near ? `did you mean \`${near}\`?` : `parameters are ${listChoices(names)}`,
          near ? { title: `Change to ${near}`, replacement: near.slice(prefix ? prefix.length + 1 : 0) } : undefined,
        );
      }
    };
    walk(item, '');
    for (const p of params) {
      if (p.name in flat) continue;
      if (p.kind === 'constant') flat[p.name] = p.value;
      else
        r.error(
          item.loc,
          'missing-key',
          `\`${label}\` has no value for \`${p.name}\``,
          `add \`${p.name}: ...\` to this point; every searched parameter needs a value`,
        );
    }
    if (r.errorCount === before) out.push(flat);
  });
  return out;
}

function checkValue(r: Reporter, p: ParamSpec, node: TreeNode, label: string): { value: Value } | undefined {
  const value = toValue(node);
  const shown = node.kind === 'scalar' ? node.source.trim() : JSON.stringify(value);
  if (p.kind === 'constant') {
    if (valueEquals(value, p.value)) return { value };
    r.error(
      node.loc,
      'bad-value',
      `\`${label}\` sets constant \`${p.name}\` to ${shown}, but it is always ${JSON.stringify(p.value)}`,
      `remove it or write ${JSON.stringify(p.value)}`,
      { title: `Use ${JSON.stringify(p.value)}`, replacement: JSON.stringify(p.value) },
    );
    return undefined;
  }
  if (p.kind === 'categorical') {
    if (p.values.some((v) => valueEquals(v, value))) return { value };
    const strs = p.values.map((v) => JSON.stringify(v));
    const near = typeof value === 'string' ? closest(JSON.stringify(value), strs) : undefined;
    r.error(
      node.loc,
      'bad-value',
      `\`${label}\` sets \`${p.name}\` to ${shown}, which is not one of its values`,
      `use one of ${strs.join(', ')}`,
      near ? { title: `Change to ${near}`, replacement: near } : undefined,
    );
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    r.error(
      node.loc,
      'bad-type',
      `\`${label}\` sets \`${p.name}\` to ${shown}, but it must be a number`,
      'give a number inside the parameter’s range',
    );
    return undefined;
  }
  if ((p.distribution === 'int_uniform' || p.integer) && !Number.isInteger(value)) {
    const fixed = String(Math.round(value));
    r.error(node.loc, 'bad-value', `\`${label}\` sets integer \`${p.name}\` to ${shown}`, `give an integer such as ${fixed}`, {
      title: `Use ${fixed}`,
      replacement: fixed,
    });
    return undefined;
  }
  const { lo, hi } = numericBounds(p);
  const lowerOk = p.distribution === 'log_normal' || p.distribution === 'q_log_normal' ? value > lo : value >= lo;
  if (!lowerOk || value > hi) {
    r.error(
      node.loc,
      'out-of-range',
      `\`${label}\` sets \`${p.name}\` to ${shown}, outside its range [${fmt(lo)}, ${fmt(hi)}]`,
      `give a value between ${fmt(lo)} and ${fmt(hi)}`,
    );
    return undefined;
  }
  return { value };
}
