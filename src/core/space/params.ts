/**
 * `parameters:` → ParamSpec leaves, with W&B's inference, defaults and validation rules
 * (wandb/sweeps config/schema.json and schema.py): an omitted distribution is constant for
 * `value`, categorical for `values`, int_uniform when min and max are both integer literals and
 * uniform otherwise; q defaults to 1.0, mu to 0, sigma to 1, beta's a and b to 1; min < max;
 * *_values log distributions need min > 0; probabilities match values and sum to 1.
 */

import { PARAM_KEYS } from './keys';
import { checkKeys, entry, type Reporter, readEnum, readNumber } from './reporter';
import { listChoices } from './suggest';
import {
  type ConstantParam,
  DISTRIBUTIONS,
  type DistributionName,
  type NumericDistribution,
  type NumericParam,
  type ParamSpec,
} from './types';
import { type MapNode, type TreeNode, toValue } from './yamlTree';

/** W&B's parameter name pattern (schema.json `propertyNames`). */
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Keys each distribution takes (besides `distribution`). */
const DIST_KEYS: Record<DistributionName, readonly string[]> = {
  constant: ['value'],
  categorical: ['values', 'probabilities'],
  int_uniform: ['min', 'max'],
  uniform: ['min', 'max'],
  q_uniform: ['min', 'max', 'q'],
  log_uniform: ['min', 'max'],
  log_uniform_values: ['min', 'max'],
  q_log_uniform: ['min', 'max', 'q'],
  q_log_uniform_values: ['min', 'max', 'q'],
  inv_log_uniform: ['min', 'max'],
  inv_log_uniform_values: ['min', 'max'],
  normal: ['mu', 'sigma'],
  q_normal: ['mu', 'sigma', 'q'],
  log_normal: ['mu', 'sigma'],
  q_log_normal: ['mu', 'sigma', 'q'],
  beta: ['a', 'b'],
  q_beta: ['a', 'b', 'q'],
};
const REQUIRED: Partial<Record<DistributionName, readonly string[]>> = {
  constant: ['value'],
  categorical: ['values'],
};
for (const d of [
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
] as const) {
  REQUIRED[d] = ['min', 'max'];
}
/** W&B's `categorical_w_probabilities` is accepted as a spelling of categorical. */
const DIST_NAMES: readonly string[] = [...DISTRIBUTIONS, 'categorical_w_probabilities'];
const POSITIVE_MIN: readonly string[] = ['log_uniform_values', 'q_log_uniform_values', 'inv_log_uniform_values'];

/** A distribution that the `q` spelling quantises, for "did you mean q_…" hints. */
function quantisedOf(d: DistributionName): string | undefined {
  const qd = `q_${d}`;
  return (DISTRIBUTIONS as readonly string[]).includes(qd) ? qd : undefined;
}

export interface ParamsOptions {
  r: Reporter;
  /** Called for every leaf and nested group, for duplicate checks and locs. */
  out: ParamSpec[];
  /**
   * `method: grid`: a q_uniform's values are numpy's `arange(min, max, q)`, integers only when
   * min, max and q are all integer literals (`min: 0.5, max: 3.5, q: 1` gives 0.5, 1.5, 2.5).
   */
  grid?: boolean;
}

/** Parses the map under `parameters` (or a nested `parameters`), appending leaves to `opts.out`. */
export function parseParameters(node: MapNode, prefix: string[], opts: ParamsOptions, depth = 0): void {
  const { r } = opts;
  const where = prefix.length ? `parameters of \`${prefix.join('.')}\`` : '`parameters`';
  if (node.entries.length === 0) {
    r.error(node.loc, 'empty', `${where} is empty`, 'add at least one parameter, e.g. `lr: {min: 0.0001, max: 0.1}`');
    return;
  }
  for (const e of node.entries) {
    const path = [...prefix, e.key];
    const name = path.join('.');
    if (!NAME_RE.test(e.key)) {
      r.error(
        e.keyLoc,
        'bad-name',
        `parameter name \`${e.key}\` is not valid`,
        'start with a letter or `_` and use only letters, digits, `_`, `-` and `.`',
      );
      continue;
    }
    const v = e.value;
    if (v.kind !== 'map') {
      const shown = v.kind === 'scalar' ? v.source.trim() || 'null' : JSON.stringify(toValue(v));
      const replacement = v.kind === 'seq' ? `{values: ${shown}}` : `{value: ${shown}}`;
      r.error(
        v.loc,
        'bad-type',
        `parameter \`${name}\` is ${v.kind === 'seq' ? 'a list' : 'a plain value'} but must be a map`,
        v.kind === 'seq'
          ? `write \`${e.key}: ${replacement}\` to search these values`
          : `write \`${e.key}: ${replacement}\` for a constant, or give values/min/max`,
        { title: `Change to ${replacement}`, replacement },
      );
      continue;
    }
    const nested = entry(v, 'parameters');
    if (nested) {
      for (const other of v.entries) {
        if (other.key !== 'parameters') {
          r.error(
            other.keyLoc,
            'key-not-allowed',
            `\`${other.key}\` cannot sit beside nested \`parameters\` in \`${name}\``,
            `move \`${other.key}\` into a parameter under \`${name}.parameters\`, or remove it`,
          );
        }
      }
      if (nested.value.kind !== 'map') {
        r.error(
          nested.value.loc,
          'bad-type',
          `\`${name}.parameters\` must be a map of parameters`,
          `write e.g. \`parameters: {lr: {min: 0.001, max: 0.1}}\``,
        );
        continue;
      }
      parseParameters(nested.value, path, opts, depth + 1);
      continue;
    }
    const p = parseLeaf(v, path, e.keyLoc, r, opts.grid === true);
    if (p) opts.out.push(p);
  }
}

/** A float literal with an integral value (`1.0`, `-0.0`, `3e6`): JS cannot tell it from the int. */
function integralFloat(n: TreeNode): boolean {
  return n.kind === 'scalar' && typeof n.value === 'number' && Number.isInteger(n.value) && !n.intLiteral;
}

function parseLeaf(map: MapNode, path: string[], keyLoc: ParamSpec['loc'], r: Reporter, grid: boolean): ParamSpec | undefined {
  const name = path.join('.');
  const errorsBefore = r.errorCount;
  const known = checkKeys(
    r,
    map,
    PARAM_KEYS.filter((k) => k !== 'parameters'),
    `parameter \`${name}\``,
  );
  const get = (k: string) => known.find((e) => e.key === k);

  let dist: DistributionName | undefined;
  const distEntry = get('distribution');
  if (distEntry) {
    const d = readEnum(r, distEntry.value, `${name}.distribution`, DIST_NAMES);
    if (d === undefined) return undefined;
    dist = d === 'categorical_w_probabilities' ? 'categorical' : (d as DistributionName);
  } else if (get('value')) {
    dist = 'constant';
  } else if (get('values')) {
    dist = 'categorical';
  } else if (get('min') && get('max')) {
    const mn = get('min')!.value;
    const mx = get('max')!.value;
    const isInt = (n: TreeNode) => n.kind === 'scalar' && n.intLiteral;
    dist = isInt(mn) && isInt(mx) ? 'int_uniform' : 'uniform';
  } else {
    const has = get('min') ? 'min' : get('max') ? 'max' : undefined;
    if (has) {
      const missing = has === 'min' ? 'max' : 'min';
      r.error(
        keyLoc,
        'missing-key',
        `parameter \`${name}\` has \`${has}\` but no \`${missing}\``,
        `add \`${missing}: ...\` (a range needs both ends)`,
      );
    } else if (known.length > 0 || map.entries.length === 0) {
      r.error(
        keyLoc,
        'missing-key',
        `parameter \`${name}\` needs \`value\`, \`values\`, or \`min\` and \`max\` (or a \`distribution\`)`,
        'add e.g. `values: [16, 32, 64]` or `min: 0.0001` and `max: 0.1`',
      );
    }
    return undefined;
  }

  const allowed = DIST_KEYS[dist];
  for (const e of known) {
    if (e.key === 'distribution' || allowed.includes(e.key)) continue;
    const qd = e.key === 'q' ? quantisedOf(dist) : undefined;
    const hint = qd ? `remove \`q\`, or use \`distribution: ${qd}\`` : `remove \`${e.key}\`; ${dist} takes ${listChoices(allowed)}`;
    r.error(e.keyLoc, 'key-not-allowed', `\`${e.key}\` does not apply to ${dist} parameter \`${name}\``, hint);
  }
  for (const k of REQUIRED[dist] ?? []) {
    if (!get(k)) {
      r.error(
        distEntry?.value.loc ?? keyLoc,
        'missing-key',
        `${dist} parameter \`${name}\` needs \`${k}\``,
        `add \`${k}: ...\` to \`${name}\``,
      );
    }
  }
  if (r.errorCount > errorsBefore) return undefined;

  if (dist === 'constant') {
    const node = get('value')!.value;
    const p: ConstantParam = { kind: 'constant', name, path, loc: keyLoc, value: toValue(node) };
    if (integralFloat(node)) p.float = true;
    return p;
  }
  if (dist === 'categorical') {
    const valuesNode = get('values')!.value;
    if (valuesNode.kind !== 'seq') {
      r.error(
        valuesNode.loc,
        'bad-type',
        `\`${name}.values\` must be a list`,
        'write e.g. `values: [16, 32, 64]`',
        valuesNode.kind === 'scalar' ? { title: 'Make it a list', replacement: `[${valuesNode.source.trim()}]` } : undefined,
      );
      return undefined;
    }
    if (valuesNode.items.length === 0) {
      r.error(valuesNode.loc, 'empty', `\`${name}.values\` is empty`, 'list at least one value, e.g. `values: [16, 32]`');
      return undefined;
    }
    const values = valuesNode.items.map(toValue);
    // `1.0` is a Python float that reaches the script as 1.0; recorded only when some value is one
    const floatValues = valuesNode.items.some(integralFloat)
      ? valuesNode.items.map((it) => it.kind === 'scalar' && typeof it.value === 'number' && !it.intLiteral)
      : undefined;
    const probEntry = get('probabilities');
    if (!probEntry) return { kind: 'categorical', name, path, loc: keyLoc, values, ...(floatValues && { floatValues }) };
    const pn = probEntry.value;
    if (pn.kind !== 'seq') {
      r.error(
        pn.loc,
        'bad-type',
        `\`${name}.probabilities\` must be a list of numbers`,
        `give one probability per value, e.g. [${values.map(() => (1 / values.length).toFixed(2)).join(', ')}]`,
      );
      return undefined;
    }
    const probs: number[] = [];
    for (const it of pn.items) {
      const x = readNumber(r, it, `${name}.probabilities`, { min: 0 });
      if (x === undefined) return undefined;
      probs.push(x);
    }
    if (probs.length !== values.length) {
      r.error(
        pn.loc,
        'length-mismatch',
        `\`${name}.probabilities\` has ${probs.length} entries but \`values\` has ${values.length}`,
        'give exactly one probability per value',
      );
      return undefined;
    }
    const sum = probs.reduce((a, b) => a + b, 0);
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) {
      r.error(
        pn.loc,
        'bad-value',
        `\`${name}.probabilities\` sum to ${+sum.toPrecision(6)} but must sum to 1`,
        `scale them so they add up to 1, e.g. [${probs.map((p) => +(p / (sum || 1)).toPrecision(3)).join(', ')}]`,
      );
      return undefined;
    }
    return {
      kind: 'categorical',
      name,
      path,
      loc: keyLoc,
      values,
      ...(floatValues && { floatValues }),
      probabilities: probs.map((p) => p / sum),
    };
  }

  // Numeric.
  const nd = dist as NumericDistribution;
  const p: NumericParam = { kind: 'numeric', name, path, loc: keyLoc, distribution: nd, integer: nd === 'int_uniform' };
  const minE = get('min');
  const maxE = get('max');
  if (minE) p.min = readNumber(r, minE.value, `${name}.min`, { int: nd === 'int_uniform' });
  if (maxE) p.max = readNumber(r, maxE.value, `${name}.max`, { int: nd === 'int_uniform' });
  if (allowed.includes('q')) {
    const qE = get('q');
    if (qE) {
      p.q = readNumber(r, qE.value, `${name}.q`, { min: 0, minExclusive: true });
      const intLiteral = (e: { value: TreeNode } | undefined): boolean => e?.value.kind === 'scalar' && e.value.intLiteral;
      p.integer = intLiteral(qE) && (!grid || nd !== 'q_uniform' || (intLiteral(minE) && intLiteral(maxE)));
    } else {
      p.q = 1.0; // W&B's default is the float 1.0, so values stay floats
      p.integer = false;
    }
  }
  if (allowed.includes('mu')) {
    const e = get('mu');
    p.mu = e ? readNumber(r, e.value, `${name}.mu`) : 0;
    const s = get('sigma');
    p.sigma = s ? readNumber(r, s.value, `${name}.sigma`, { min: 0 }) : 1;
  }
  if (allowed.includes('a')) {
    const a = get('a');
    const b = get('b');
    p.a = a ? readNumber(r, a.value, `${name}.a`, { min: 0, minExclusive: true }) : 1;
    p.b = b ? readNumber(r, b.value, `${name}.b`, { min: 0, minExclusive: true }) : 1;
  }
  if (r.errorCount > errorsBefore) return undefined;
  if (p.min !== undefined && p.max !== undefined) {
    if (POSITIVE_MIN.includes(nd) && !(p.min > 0)) {
      const hint =
        nd === 'log_uniform_values' ? 'give a positive min such as 1e-5 (the bounds are the values themselves)' : 'give a positive min';
      r.error(
        minE!.value.loc,
        'out-of-range',
        `\`${name}.min\` is ${minE!.value.kind === 'scalar' ? minE!.value.source.trim() : p.min} but ${nd} needs min > 0`,
        hint,
      );
      return undefined;
    }
    if (!(p.min < p.max)) {
      r.error(
        maxE!.value.loc,
        'bad-range',
        `\`${name}.max\` is ${p.max} but must be greater than \`min\` (${p.min})`,
        p.min > p.max ? `swap them: min: ${p.max}, max: ${p.min}` : 'widen the range, or use `value:` for a constant',
      );
      return undefined;
    }
    if (nd in DEPRECATED) warnDeprecated(r, distEntry!.value.loc, p, p.min, p.max);
  }
  return p;
}

/**
 * W&B's deprecated distributions, whose min and max are base-e exponents, and the `*_values` form
 * that samples the same values (params.py): log_uniform exp(U(min, max)) is log_uniform_values
 * over [e^min, e^max], likewise q_log_uniform (same q); inv_log_uniform exp(-U(min, max)) is
 * inv_log_uniform_values over [e^-max, e^-min].
 */
const DEPRECATED: Partial<
  Record<NumericDistribution, { to: NumericDistribution; bounds: (min: number, max: number) => [number, number] }>
> = {
  log_uniform: { to: 'log_uniform_values', bounds: (a, b) => [Math.exp(a), Math.exp(b)] },
  q_log_uniform: { to: 'q_log_uniform_values', bounds: (a, b) => [Math.exp(a), Math.exp(b)] },
  inv_log_uniform: { to: 'inv_log_uniform_values', bounds: (a, b) => [Math.exp(-b), Math.exp(-a)] },
};

/** 3 significant digits, written so that YAML 1.1 (PyYAML) also reads a number: `1.0e-07`. */
function yamlNumber(x: number): string {
  const s = String(Number(x.toPrecision(3)));
  const m = /^(-?[\d.]+)e([-+])(\d+)$/.exec(s);
  return m ? `${m[1].includes('.') ? m[1] : `${m[1]}.0`}e${m[2]}${m[3]}` : s;
}

/** W&B flags these as deprecated; Knobs runs them, and says what to write instead. */
function warnDeprecated(r: Reporter, loc: ParamSpec['loc'], p: NumericParam, min: number, max: number): void {
  const d = DEPRECATED[p.distribution]!;
  const [lo, hi] = d.bounds(min, max);
  const q = p.distribution === 'q_log_uniform' ? `, \`q: ${p.q}\`` : '';
  const slip =
    p.distribution === 'log_uniform' && min > 0 && max <= 1
      ? ` (to sample between ${min} and ${max} instead, write those as its min and max)`
      : '';
  r.warning(
    loc,
    'deprecated-distribution',
    `\`${p.name}\` uses ${p.distribution}, where min/max are base-e exponents (W&B deprecates it): it samples ${yamlNumber(lo)} … ${yamlNumber(hi)}`,
    `use \`distribution: ${d.to}\` with \`min: ${yamlNumber(lo)}\`, \`max: ${yamlNumber(hi)}\`${q}, the limit values themselves${slip}`,
  );
}
