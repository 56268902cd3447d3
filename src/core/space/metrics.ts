/**
 * The metric keys of a sweep file:
 *  - `metric: {name, goal, target}` (W&B): the one value to optimise;
 *  - `metrics: [{name, goal}, ...]` (W&B): multi-objective, only with `method: custom`, at least
 *    2 items, never beside `metric` — validated as W&B's schema does (schema.json, cfg.py);
 *    running it is not supported yet;
 *  - `extra_metrics: [name, ...]` (Knobs): more names to capture from free text. Its old
 *    spelling, `metrics:` with plain names, is still read, with a warning to rename it.
 */
import { GOALS, METRIC_KEYS, SERVER_METHOD } from './keys';
import { checkKeys, type Reporter, readEnum, readNumber, readString, requireMap } from './reporter';
import type { MetricSpec } from './types';
import { describeNode, type MapEntry, type TreeNode } from './yamlTree';

/** W&B's allowed values of the imputation keys (schema.json `metric`). */
const IMPUTE: Record<string, readonly string[]> = {
  impute: ['latest', 'best', 'worst'],
  impute_while_running: ['latest', 'best', 'worst', 'false'],
};

/** `metric` (or one item of W&B's `metrics`, named `what`), with W&B's defaults. */
export function parseMetric(r: Reporter, node: TreeNode, what = 'metric'): MetricSpec | undefined {
  const map = requireMap(
    r,
    node,
    what,
    what === 'metric' ? '`metric: {name: val_loss, goal: minimize}`' : '`- {name: val_acc, goal: maximize}`',
  );
  if (!map) return undefined;
  const before = r.errorCount;
  const known = checkKeys(r, map, Object.keys(METRIC_KEYS), `\`${what}\``);
  const get = (k: string) => known.find((e) => e.key === k);
  for (const e of known) {
    if (!METRIC_KEYS[e.key].ignored) continue;
    if (readEnum(r, e.value, `${what}.${e.key}`, IMPUTE[e.key]))
      r.info(e.keyLoc, 'ignored-key', `\`${what}.${e.key}\` (${METRIC_KEYS[e.key].doc}) has no meaning offline; Knobs ignores it`);
  }
  const nameE = get('name');
  if (!nameE) {
    r.error(map.loc, 'missing-key', `\`${what}\` has no \`name\``, 'add `name: val_loss` (the metric your script reports)');
    return undefined;
  }
  const name = readString(r, nameE.value, `${what}.name`, 'the metric your script reports, e.g. `val_loss`');
  if (name !== undefined && name.trim() === '') {
    r.error(nameE.value.loc, 'empty', `\`${what}.name\` is empty`, 'give the metric your script reports, e.g. `name: val_loss`');
    return undefined;
  }
  const goalE = get('goal');
  const goal = goalE ? readEnum(r, goalE.value, `${what}.goal`, GOALS) : 'minimize';
  const targetE = get('target');
  const target = targetE ? readNumber(r, targetE.value, `${what}.target`) : undefined;
  if (name === undefined || goal === undefined || r.errorCount > before) return undefined;
  const m: MetricSpec = { name, goal };
  if (target !== undefined) m.target = target;
  return m;
}

export interface MetricsContext {
  /** The `method` as written (`custom` included), if any. */
  method?: string;
  /** The `metric` entry beside `metrics`, if any. */
  metric?: MapEntry;
}

/** What `metrics:` held: W&B's objectives, or (old Knobs spelling) extra names to capture. */
export type MetricsKey = { kind: 'objectives'; objectives: MetricSpec[] } | { kind: 'names'; names: string[] } | undefined;

const MULTI_EXAMPLE =
  'write e.g.\n  method: custom\n  metrics:\n    - {name: loss, goal: minimize}\n    - {name: accuracy, goal: maximize}';

/** The top-level `metrics` entry. */
export function parseMetricsKey(r: Reporter, e: MapEntry, ctx: MetricsContext): MetricsKey {
  const node = e.value;
  if (node.kind !== 'seq') {
    r.error(
      node.loc,
      'bad-type',
      `\`metrics\` is ${describeNode(node)} but must be a list of {name, goal} maps (W&B's multi-objective form)`,
      `${MULTI_EXAMPLE}\nor, for extra names to capture, \`extra_metrics: [train_loss, val_acc]\``,
    );
    return undefined;
  }
  const isName = (n: TreeNode) => n.kind === 'scalar' && n.value !== null && typeof n.value !== 'boolean';
  if (node.items.length > 0 && node.items.every(isName)) {
    const names = node.items.map((it) => readString(r, it, 'metrics item')).filter((s): s is string => s !== undefined);
    r.add(
      'warning',
      e.keyLoc,
      'renamed-key',
      '`metrics:` with plain names is now `extra_metrics:` (W&B reads `metrics:` as multi-objective {name, goal} maps); the names are still captured',
      'rename `metrics` to `extra_metrics`',
      { title: 'Rename to extra_metrics', replacement: 'extra_metrics' },
    );
    return { kind: 'names', names };
  }
  const before = r.errorCount;
  const objectives: MetricSpec[] = [];
  node.items.forEach((it, i) => {
    const m = parseMetric(r, it, `metrics[${i}]`);
    if (m) objectives.push(m);
  });
  if (node.items.length < 2) {
    r.error(
      node.loc,
      'too-few',
      `\`metrics\` lists ${node.items.length} metric${node.items.length === 1 ? '' : 's'}, but W&B's multi-objective form needs at least 2`,
      'for one objective write `metric: {name: loss, goal: minimize}` instead',
    );
  }
  if (ctx.metric) {
    r.error(
      ctx.metric.keyLoc,
      'metric-and-metrics',
      '`metric` and `metrics` cannot both be set: `metric` is a single objective, `metrics` a multi-objective list',
      'keep one of them (to capture more names beside `metric`, list them under `extra_metrics:`)',
    );
  } else if (ctx.method !== undefined && ctx.method !== SERVER_METHOD) {
    r.error(
      e.keyLoc,
      'metrics-needs-custom',
      `\`metrics\` (multi-objective) needs \`method: custom\`, but the method is \`${ctx.method}\``,
      'for one objective write `metric: {name: loss, goal: minimize}`; to capture more names, list them under `extra_metrics:`',
    );
  }
  return r.errorCount > before ? undefined : { kind: 'objectives', objectives };
}

/** `extra_metrics: [name, ...]`. */
export function parseExtraMetrics(r: Reporter, node: TreeNode): string[] {
  if (node.kind !== 'seq') {
    const fix =
      node.kind === 'scalar' && typeof node.value === 'string' ? { title: 'Make it a list', replacement: `[${node.value}]` } : undefined;
    r.error(
      node.loc,
      'bad-type',
      `\`extra_metrics\` is ${describeNode(node)} but must be a list of metric names`,
      'write e.g. `extra_metrics: [train_loss, val_acc]`',
      fix,
    );
    return [];
  }
  const names: string[] = [];
  for (const it of node.items) {
    const s = readString(r, it, 'extra_metrics item', 'a metric name such as `train_loss`');
    if (s !== undefined) names.push(s);
  }
  return names;
}
