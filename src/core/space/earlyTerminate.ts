/**
 * `early_terminate`, validated and normalised (defaults filled). Acted on by the schedulers.
 *  - hyperband (W&B): min_iter, or max_iter and s; eta > 1 (default 3); strict (default true —
 *    W&B's schema default).
 *  - asha: max_t (optional), grace_period (default 1), reduction_factor (default 4), brackets (default 1).
 *  - median: min_steps (default 0).
 *  - patience: patience (default 5), min_delta (default 0).
 *  - none.
 */

import { EARLY_TERMINATE_KEYS } from './keys';
import { checkKeys, entry, type Reporter, readBool, readEnum, readNumber, requireMap } from './reporter';
import type { EarlyTerminateSpec } from './types';
import type { TreeNode } from './yamlTree';

const TYPES = Object.keys(EARLY_TERMINATE_KEYS) as EarlyTerminateSpec['type'][];

export function parseEarlyTerminate(r: Reporter, node: TreeNode): EarlyTerminateSpec | undefined {
  const map = requireMap(r, node, 'early_terminate', '`early_terminate: {type: hyperband, min_iter: 3}`');
  if (!map) return undefined;
  const typeE = entry(map, 'type');
  if (!typeE) {
    r.error(
      map.loc,
      'missing-key',
      '`early_terminate` needs a `type`',
      `add \`type:\` with one of ${TYPES.map((t) => `\`${t}\``).join(', ')}`,
    );
    return undefined;
  }
  const type = readEnum(r, typeE.value, 'early_terminate.type', TYPES);
  if (!type) return undefined;
  const before = r.errorCount;
  const known = checkKeys(
    r,
    map,
    ['type', ...EARLY_TERMINATE_KEYS[type].keys],
    `early_terminate (type ${type})`,
    `${type} takes: ${EARLY_TERMINATE_KEYS[type].doc}`,
  );
  const get = (k: string) => known.find((e) => e.key === k)?.value;
  const int = (k: string, min: number) => {
    const n = get(k);
    return n ? readNumber(r, n, `early_terminate.${k}`, { int: true, min }) : undefined;
  };
  const num = (k: string, min: number, minExclusive = false) => {
    const n = get(k);
    return n ? readNumber(r, n, `early_terminate.${k}`, { min, minExclusive }) : undefined;
  };
  const spec: EarlyTerminateSpec = { type };
  switch (type) {
    case 'hyperband': {
      const minIter = int('min_iter', 1);
      const maxIter = int('max_iter', 1);
      const s = int('s', 1);
      const eta = num('eta', 1, true);
      const strictN = get('strict');
      const strict = strictN ? readBool(r, strictN, 'early_terminate.strict') : true;
      if (r.errorCount > before) return undefined;
      if (minIter === undefined && (maxIter === undefined || s === undefined)) {
        const missing = maxIter !== undefined ? '`s`' : s !== undefined ? '`max_iter`' : '`min_iter` (or `max_iter` and `s`)';
        r.error(
          typeE.value.loc,
          'missing-key',
          `hyperband needs \`min_iter\`, or \`max_iter\` and \`s\`; ${missing} is missing`,
          'add e.g. `min_iter: 3` (the first step at which runs are compared)',
        );
        return undefined;
      }
      if (minIter !== undefined) spec.min_iter = minIter;
      if (maxIter !== undefined) spec.max_iter = maxIter;
      if (s !== undefined) spec.s = s;
      // W&B's engine: `max_iter` (with `s`) wins over `min_iter`; `max_iter` without `s` fails there
      if (minIter !== undefined && maxIter !== undefined) {
        if (s === undefined) {
          r.error(
            get('max_iter')!.loc,
            'missing-key',
            "hyperband has `max_iter` but no `s` (W&B's engine fails on this file: it reads `s` whenever `max_iter` is set)",
            'add `s` (the number of milestones below max_iter), or remove `max_iter` to use `min_iter`',
          );
          return undefined;
        }
        r.warning(
          get('min_iter')!.loc,
          'ignored-key',
          `\`min_iter\` is ignored: with \`max_iter\` and \`s\` the milestones are max_iter/eta^k, as in W&B`,
          'remove `min_iter`, or remove `max_iter` and `s` to use it',
        );
        delete spec.min_iter;
      }
      spec.eta = eta ?? 3;
      spec.strict = strict ?? true;
      return spec;
    }
    case 'asha': {
      const maxT = int('max_t', 1);
      const grace = int('grace_period', 1);
      const rf = num('reduction_factor', 1, true);
      const brackets = int('brackets', 1);
      if (r.errorCount > before) return undefined;
      if (maxT !== undefined && grace !== undefined && !(grace <= maxT)) {
        r.error(
          get('grace_period')!.loc,
          'bad-range',
          `\`early_terminate.grace_period\` is ${grace} but must be ≤ \`max_t\` (${maxT})`,
          'lower grace_period or raise max_t',
        );
        return undefined;
      }
      if (maxT !== undefined) spec.max_t = maxT;
      spec.grace_period = grace ?? 1;
      spec.reduction_factor = rf ?? 4;
      spec.brackets = brackets ?? 1;
      return spec;
    }
    case 'median': {
      const ms = int('min_steps', 0);
      if (r.errorCount > before) return undefined;
      spec.min_steps = ms ?? 0;
      return spec;
    }
    case 'patience': {
      const p = int('patience', 1);
      const d = num('min_delta', 0);
      if (r.errorCount > before) return undefined;
      spec.patience = p ?? 5;
      spec.min_delta = d ?? 0;
      return spec;
    }
    case 'none':
      return r.errorCount > before ? undefined : spec;
  }
}
