/**
 * Sweep file (YAML or JSON, W&B format plus Knobs keys) → SweepSpec, with a diagnostic at the
 * exact line:col of every problem. The known keys live in keys.ts.
 *
 *   parseSweep(text, {file})  → {spec?, diagnostics}   (spec undefined when any error)
 *   loadSweepFile(path)       → SweepSpec, or throws KnobsError E_SWEEP_PARSE / E_SWEEP_IO
 *   spaceKey(space)           → canonical JSON of the space (spaceKey.ts)
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { KnobsError } from '../errors';
import { parseDuration } from './duration';
import { parseEarlyTerminate } from './earlyTerminate';
import { DEFAULT_COMMAND, EXECUTOR_KEYS, METHODS, SERVER_METHOD, TOP_LEVEL_KEYS, UNBOUNDED_METHODS } from './keys';
import { type MetricsKey, parseExtraMetrics, parseMetric, parseMetricsKey } from './metrics';
import { parseParameters } from './params';
import { parsePoints } from './points';
import { checkKeys, entry, Reporter, readEnum, readNumber, readString, requireMap } from './reporter';
import type { Diagnostic, ExecutorSpec, Method, ParamSpec, SourceLoc, SweepSpec } from './types';
import { checkController, checkScheduler, refuseCustomMethod, schedulerSearchSpace } from './wandbServer';
import { describeNode, type MapNode, parseTree, type TreeNode } from './yamlTree';

export { spaceKey } from './spaceKey';

export interface ParseOptions {
  /** Path of the sweep file, for messages and `spec.file` (made absolute). */
  file?: string;
}

export interface ParseResult {
  /** Undefined when any diagnostic is an error. */
  spec?: SweepSpec;
  diagnostics: Diagnostic[];
}

/** Larger sweep files are refused before parsing. */
/** Sweep files are small; anything larger is a mistake (and would parse slowly): refused at once. */
export const MAX_SWEEP_FILE_BYTES = 256 * 1024;

const MINIMAL_EXAMPLE =
  'a sweep file is a map, e.g.\n  program: train.py\n  method: random\n  metric: {name: val_loss, goal: minimize}\n  parameters:\n    lr: {min: 0.0001, max: 0.1}';

export function parseSweep(text: string, opts: ParseOptions = {}): ParseResult {
  const r = new Reporter();
  if (text.length > MAX_SWEEP_FILE_BYTES) {
    r.error(
      { line: 1, col: 1 },
      'too-large',
      `the sweep file is ${(text.length / 1024).toFixed(0)} KiB, more than the limit of ${MAX_SWEEP_FILE_BYTES / 1024} KiB`,
      'a sweep file should be small: keep data out of it, and list configs to try in points_to_evaluate only when few',
    );
    return { diagnostics: r.diagnostics };
  }
  const tree = parseTree(text);
  r.diagnostics.push(...tree.diagnostics);
  if (r.errorCount > 0) return { diagnostics: r.diagnostics };
  const root = tree.root;
  if (!root || (root.kind === 'scalar' && root.value === null)) {
    r.error({ line: 1, col: 1 }, 'empty', 'the sweep file is empty', MINIMAL_EXAMPLE);
    return { diagnostics: r.diagnostics };
  }
  if (root.kind !== 'map') {
    r.error(root.loc, 'bad-type', `the sweep file holds ${describeNode(root)} but must hold a map of keys`, MINIMAL_EXAMPLE);
    return { diagnostics: r.diagnostics };
  }
  const spec = buildSpec(root, text, opts, r);
  return r.errorCount > 0 ? { diagnostics: r.diagnostics } : { spec: { ...spec, diagnostics: r.diagnostics }, diagnostics: r.diagnostics };
}

function buildSpec(root: MapNode, text: string, opts: ParseOptions, r: Reporter): SweepSpec {
  const known = checkKeys(r, root, Object.keys(TOP_LEVEL_KEYS), 'the sweep file');
  const top = (k: string): TreeNode | undefined => known.find((e) => e.key === k)?.value;
  const topEntry = (k: string) => known.find((e) => e.key === k);

  const spec: SweepSpec = {
    text,
    command: [...DEFAULT_COMMAND],
    method: 'random',
    metric: { name: '', goal: 'minimize' },
    metrics: [],
    space: { params: [] },
    maxConcurrent: 1,
    pointsToEvaluate: [],
    gpusPerTrial: 0,
    maxFailures: 0,
    maxConsecutiveFailures: 3,
    wandbShim: false,
    executor: { type: 'local' },
    diagnostics: [],
    locs: collectLocs(root),
  };
  if (opts.file) spec.file = nodePath.resolve(opts.file);

  // Ignored W&B keys (name and description are still kept; controller and scheduler: wandbServer.ts).
  for (const e of known) {
    const info = TOP_LEVEL_KEYS[e.key];
    if (!info.ignored) continue;
    if (e.key === 'name' || e.key === 'description') {
      const s = readString(r, e.value, e.key, 'a short text');
      if (s !== undefined) spec[e.key] = s;
      r.info(e.keyLoc, 'ignored-key', `\`${e.key}\` (${info.doc}) is kept as a label only; it has no other effect offline`);
      continue;
    }
    r.info(e.keyLoc, 'ignored-key', `\`${e.key}\` (${info.doc}) has no meaning offline; Knobs ignores it`);
  }

  // method (W&B's `custom` is validated with `metrics` and `scheduler`, then refused)
  const methodE = topEntry('method');
  let method: Method | undefined;
  const custom = methodE?.value.kind === 'scalar' && methodE.value.value === SERVER_METHOD;
  if (!methodE) {
    r.error(root.loc, 'missing-key', 'the sweep file has no `method`', 'add `method: random` (or grid, bayes, sobol, tpe, gp)');
  } else if (!custom) {
    method = readEnum(r, methodE.value, 'method', METHODS);
    if (method) spec.method = method;
  }
  const writtenMethod = custom ? SERVER_METHOD : method;

  // metric, and W&B's multi-objective `metrics` (or, in its old spelling, Knobs' extra names)
  const metricN = top('metric');
  const metricsE = topEntry('metrics');
  const metricsKey: MetricsKey = metricsE ? parseMetricsKey(r, metricsE, { method: writtenMethod, metric: topEntry('metric') }) : undefined;
  if (metricsKey?.kind === 'names') spec.metrics = metricsKey.names;
  if (custom) refuseCustomMethod(r, methodE!, metricsE, metricsKey);
  if (metricN) {
    const m = parseMetric(r, metricN);
    if (m) spec.metric = m;
  } else if (metricsE || custom) {
    // no single metric: W&B's multi-objective form, judged above
  } else if (method === 'bayes' || method === 'tpe' || method === 'gp') {
    r.error(
      methodE!.value.loc,
      'missing-key',
      `\`method: ${method}\` needs a \`metric\` to optimise`,
      'add `metric: {name: val_loss, goal: minimize}`',
    );
  } else {
    r.warning(root.loc, 'no-metric', 'no `metric`: trials run, but none is ranked best', 'add `metric: {name: val_loss, goal: minimize}`');
  }

  // W&B server keys: controller, scheduler
  const controllerE = topEntry('controller');
  const controller = controllerE ? checkController(r, controllerE) : undefined;
  const schedulerE = topEntry('scheduler');
  if (schedulerE) checkScheduler(r, schedulerE, { method: writtenMethod, controller, earlyTerminate: topEntry('early_terminate') });

  // parameters
  const paramsN = top('parameters');
  if (!paramsN) {
    // with `scheduler.search_space` W&B does not require `parameters`; that key is refused above
    if (!schedulerSearchSpace(schedulerE))
      r.error(root.loc, 'missing-key', 'the sweep file has no `parameters`', 'add e.g.\n  parameters:\n    lr: {min: 0.0001, max: 0.1}');
  } else {
    const pm = requireMap(r, paramsN, 'parameters', '`parameters: {lr: {min: 0.0001, max: 0.1}}`');
    if (pm) {
      const out: ParamSpec[] = [];
      parseParameters(pm, [], { r, out, grid: method === 'grid' });
      const seen = new Map<string, ParamSpec>();
      for (const p of out) {
        const prev = seen.get(p.name);
        if (prev) {
          r.error(
            p.loc,
            'duplicate-param',
            `parameter \`${p.name}\` is defined twice (also at line ${prev.loc?.line})`,
            'rename one of them; a dotted name and a nested `parameters` map give the same name',
          );
        } else seen.set(p.name, p);
      }
      spec.space = { params: out };
      if (method === 'grid') {
        for (const p of out) {
          if (p.kind === 'numeric' && p.distribution !== 'int_uniform' && p.distribution !== 'q_uniform') {
            r.error(
              p.loc,
              'grid-continuous',
              `grid search needs a finite set: \`${p.name}\` is ${p.distribution}`,
              'give `values: [...]` or use int_uniform/q_uniform',
            );
          }
          if (p.kind === 'categorical' && p.probabilities) {
            // W&B's grid search refuses them (grid_search.py): a grid tries every value once
            r.error(
              p.loc,
              'grid-probabilities',
              `grid search tries every value of \`${p.name}\` once, so its \`probabilities\` cannot apply`,
              'remove `probabilities`, or use `method: random` to draw values with them',
            );
          }
        }
      }
    }
  }

  // program / command
  const commandN = top('command');
  if (commandN) {
    const items = commandN.kind === 'seq' ? commandN.items : undefined;
    if (!items) {
      const fix =
        commandN.kind === 'scalar' && typeof commandN.value === 'string'
          ? { title: 'Split into a list', replacement: JSON.stringify(commandN.value.split(/\s+/).filter(Boolean)) }
          : undefined;
      r.error(
        commandN.loc,
        'bad-type',
        `\`command\` is ${describeNode(commandN)} but must be a list of strings`,
        'write e.g. `command: [${env}, ${interpreter}, ${program}, ${args}]`',
        fix,
      );
    } else if (items.length === 0) {
      r.error(
        commandN.loc,
        'empty',
        '`command` is empty',
        'write e.g. `command: [${env}, ${interpreter}, ${program}, ${args}]`, or remove it for that default',
      );
    } else {
      const cmd: string[] = [];
      for (const it of items) {
        const s = readString(r, it, 'command item', 'a word such as `${program}` or `--epochs=3`');
        if (s !== undefined) cmd.push(s);
      }
      spec.command = cmd;
    }
  }
  const evaluateN = top('evaluate');
  if (evaluateN) {
    const example = 'write e.g. `evaluate: [${env}, ${interpreter}, ${program}, ${args}, --evaluate, ${checkpoint}]`';
    const items = evaluateN.kind === 'seq' ? evaluateN.items : undefined;
    if (!items) {
      const fix =
        evaluateN.kind === 'scalar' && typeof evaluateN.value === 'string'
          ? { title: 'Split into a list', replacement: JSON.stringify(evaluateN.value.split(/\s+/).filter(Boolean)) }
          : undefined;
      r.error(evaluateN.loc, 'bad-type', `\`evaluate\` is ${describeNode(evaluateN)} but must be a list of strings`, example, fix);
    } else if (items.length === 0) {
      r.error(evaluateN.loc, 'empty', '`evaluate` is empty', `${example}, or remove it`);
    } else {
      const cmd: string[] = [];
      for (const it of items) {
        const s = readString(r, it, 'evaluate item', 'a word such as `${checkpoint}` or `--evaluate`');
        if (s !== undefined) cmd.push(s);
      }
      spec.evaluate = cmd;
    }
  }
  const programN = top('program');
  if (programN) {
    const s = readString(r, programN, 'program', 'the script path, e.g. `program: train.py`');
    if (s !== undefined && s.trim() === '')
      r.error(programN.loc, 'empty', '`program` is empty', 'give the script path, e.g. `program: train.py`');
    else if (s !== undefined) spec.program = s;
  } else if (!commandN) {
    r.error(
      root.loc,
      'missing-key',
      'the sweep file has neither `program` nor `command`: nothing to run',
      'add `program: train.py` (the script to run; a file written for `wandb.agent(function=...)` in Python needs a script that calls that function)',
    );
  } else if (spec.command.some((c) => c.includes('${program}'))) {
    r.error(
      commandN.loc,
      'missing-key',
      'the sweep file has no `program`, but the command uses ${program}',
      'add `program: train.py` (the script to run)',
    );
  }

  const etE = topEntry('early_terminate');
  if (etE) spec.earlyTerminate = parseEarlyTerminate(r, etE.value);
  if (etE && spec.earlyTerminate && spec.earlyTerminate.type !== 'none' && !metricN && !metricsE) {
    // W&B's engine raises when it applies the rule (run.py stop_runs): refuse it up front
    r.error(
      etE.keyLoc,
      'missing-key',
      `\`early_terminate\` (${spec.earlyTerminate.type}) needs a \`metric\` to judge trials by, and there is none: nothing would ever be stopped`,
      'add `metric: {name: val_loss, goal: minimize}` (the value your script reports), or remove `early_terminate`',
    );
  }

  const runCapN = top('run_cap');
  if (runCapN) spec.runCap = readNumber(r, runCapN, 'run_cap', { int: true, min: 1 });
  else if (method && UNBOUNDED_METHODS.includes(method)) {
    r.warning(
      methodE!.value.loc,
      'no-run-cap',
      `\`method: ${method}\` has no \`run_cap\`: the sweep runs until it is stopped`,
      'add e.g. `run_cap: 20`',
    );
  }

  // Knobs keys
  const n = (k: string) => top(k);
  if (n('max_concurrent')) spec.maxConcurrent = readNumber(r, n('max_concurrent')!, 'max_concurrent', { int: true, min: 1 }) ?? 1;
  if (n('seed')) spec.seed = readNumber(r, n('seed')!, 'seed', { int: true, min: 0, max: 0xffffffff });
  if (n('gpus_per_trial')) {
    const g = readNumber(r, n('gpus_per_trial')!, 'gpus_per_trial', { min: 0 });
    if (g !== undefined && g > 1 && !Number.isInteger(g)) {
      r.error(
        n('gpus_per_trial')!.loc,
        'bad-value',
        `\`gpus_per_trial\` is ${g} but must be a fraction ≤ 1 or a whole number`,
        `use ${Math.ceil(g)} (whole GPUs) or a fraction such as 0.5 that packs trials on one GPU`,
        { title: `Use ${Math.ceil(g)}`, replacement: String(Math.ceil(g)) },
      );
    } else if (g !== undefined) spec.gpusPerTrial = g;
  }
  if (n('gpus')) {
    const node = n('gpus')!;
    if (node.kind !== 'seq') {
      const fix =
        node.kind === 'scalar' && typeof node.value === 'number'
          ? { title: 'Make it a list', replacement: `[${node.source.trim()}]` }
          : undefined;
      r.error(
        node.loc,
        'bad-type',
        `\`gpus\` is ${describeNode(node)} but must be a list of GPU indices`,
        'write e.g. `gpus: [0, 1]`',
        fix,
      );
    } else {
      const ids: number[] = [];
      for (const it of node.items) {
        const x = readNumber(r, it, 'gpus', { int: true, min: 0 });
        if (x !== undefined) ids.push(x);
      }
      spec.gpus = ids;
    }
  }
  if (n('gpu_memory_per_trial')) {
    const node = n('gpu_memory_per_trial')!;
    const mib =
      node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? parseMemoryMiB(node.value) : undefined;
    if (mib === undefined || !(mib > 0)) {
      r.error(
        node.loc,
        'bad-value',
        `\`gpu_memory_per_trial\` is ${describeNode(node)} but must be a memory size`,
        'write e.g. `gpu_memory_per_trial: 8GiB` (or 6000MiB, or a number of MiB)',
      );
    } else spec.gpuMemoryPerTrialMiB = mib;
  }
  if (n('keep_checkpoints')) spec.keepCheckpoints = readNumber(r, n('keep_checkpoints')!, 'keep_checkpoints', { int: true, min: 0 });
  if (n('stop_grace_period')) {
    const node = n('stop_grace_period')!;
    const v =
      node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? parseDuration(node.value) : undefined;
    if (v === undefined)
      r.error(
        node.loc,
        'bad-value',
        `\`stop_grace_period\` is ${describeNode(node)} but must be a duration`,
        'write e.g. `stop_grace_period: 30s`',
      );
    else spec.stopGraceMs = v;
  }
  if (n('metric_regex')) {
    const re = parseMetricRegex(r, n('metric_regex')!);
    if (re !== undefined) spec.metricRegex = re;
  }
  if (n('extra_metrics')) spec.metrics = [...new Set([...spec.metrics, ...parseExtraMetrics(r, n('extra_metrics')!)])];
  for (const [key, field] of [
    ['trial_timeout', 'trialTimeoutMs'],
    ['sweep_timeout', 'sweepTimeoutMs'],
  ] as const) {
    const node = n(key);
    if (!node) continue;
    const v =
      node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? parseDuration(node.value) : undefined;
    if (v === undefined) {
      r.error(
        node.loc,
        'bad-duration',
        `\`${key}\` is ${describeNode(node)} but must be a duration`,
        'write e.g. `30m`, `2h`, `1h30m`, `90s`, `500ms`, or a number of seconds',
      );
    } else spec[field] = v;
  }
  if (n('max_failures')) spec.maxFailures = readNumber(r, n('max_failures')!, 'max_failures', { int: true, min: 0 }) ?? 0;
  if (n('max_consecutive_failures'))
    spec.maxConsecutiveFailures = readNumber(r, n('max_consecutive_failures')!, 'max_consecutive_failures', { int: true, min: 1 }) ?? 3;
  if (n('interpreter')) {
    const s = readString(r, n('interpreter')!, 'interpreter', 'a command such as `python3` or `/usr/bin/python3`');
    if (s !== undefined && s.trim() === '')
      r.error(n('interpreter')!.loc, 'empty', '`interpreter` is empty', 'give a command such as `python3`, or remove the key');
    else if (s !== undefined) spec.interpreter = s;
  }
  if (n('wandb')) {
    const node = n('wandb')!;
    if (node.kind === 'scalar' && node.value === false) spec.wandbShim = false;
    else {
      const w = readEnum(r, node, 'wandb', ['shim', 'off'] as const);
      if (w) spec.wandbShim = w === 'shim';
    }
  }
  if (n('executor')) {
    const ex = parseExecutor(r, n('executor')!);
    if (ex) spec.executor = ex;
  }
  if (n('points_to_evaluate') && spec.space.params.length > 0) {
    spec.pointsToEvaluate = parsePoints(r, n('points_to_evaluate')!, spec.space.params);
  }
  return spec;
}

function parseMetricRegex(r: Reporter, node: TreeNode): string | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    r.error(
      node.loc,
      'bad-type',
      `\`metric_regex\` is ${describeNode(node)} but must be a string`,
      "write e.g. `metric_regex: 'val_loss=(?<val_loss>[-0-9.e]+)'`",
    );
    return undefined;
  }
  const src = node.value;
  if (/\(\?P</.test(src)) {
    const fixed = src.replace(/\(\?P</g, '(?<');
    r.error(
      node.loc,
      'bad-regex',
      '`metric_regex` uses the Python named-group syntax `(?P<name>...)`',
      'JavaScript writes named groups as `(?<name>...)`',
      { title: 'Use (?<name>...)', replacement: JSON.stringify(fixed) },
    );
    return undefined;
  }
  let re: RegExp;
  try {
    re = new RegExp(src);
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    r.error(
      node.loc,
      'bad-regex',
      `\`metric_regex\` ${JSON.stringify(src)} is not a valid regular expression: ${msg}`,
      'fix the pattern (JavaScript syntax); escape literal brackets and dots with `\\`',
    );
    return undefined;
  }
  const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
  if (groups === 0) {
    r.error(
      node.loc,
      'bad-regex',
      `\`metric_regex\` ${JSON.stringify(src)} has no capture group`,
      'capture the value with a named group such as `(?<val_loss>[-0-9.eE]+)`, or one group `(...)` for metric.name',
    );
    return undefined;
  }
  return src;
}

function parseExecutor(r: Reporter, node: TreeNode): ExecutorSpec | undefined {
  const map = requireMap(r, node, 'executor', '`executor: {type: local}`');
  if (!map) return undefined;
  const typeE = entry(map, 'type');
  if (!typeE) {
    r.error(map.loc, 'missing-key', '`executor` needs a `type`', 'add `type: local` or `type: slurm`');
    return undefined;
  }
  const type = readEnum(r, typeE.value, 'executor.type', Object.keys(EXECUTOR_KEYS) as ExecutorSpec['type'][]);
  if (!type) return undefined;
  const before = r.errorCount;
  const known = checkKeys(
    r,
    map,
    ['type', ...EXECUTOR_KEYS[type]],
    `executor (type ${type})`,
    type === 'local' ? 'the local executor takes no options' : undefined,
  );
  const spec: ExecutorSpec = { type };
  for (const e of known) {
    if (e.key === 'type') continue;
    if (e.key === 'extra_args') {
      if (e.value.kind !== 'seq') {
        r.error(
          e.value.loc,
          'bad-type',
          '`executor.extra_args` must be a list of strings',
          'write e.g. `extra_args: [--exclusive, --mem=16G]`',
        );
        continue;
      }
      const args: string[] = [];
      for (const it of e.value.items) {
        const s = readString(r, it, 'executor.extra_args item', 'an sbatch option such as `--mem=16G`');
        if (s !== undefined) args.push(s);
      }
      spec.extra_args = args;
    } else {
      const s = readString(r, e.value, `executor.${e.key}`, 'a string');
      if (s !== undefined) spec[e.key] = s;
    }
  }
  return r.errorCount > before ? undefined : spec;
}

/** Source position of every key path ("parameters.lr.max", "command.0"). */
function collectLocs(root: MapNode): Record<string, SourceLoc> {
  const locs: Record<string, SourceLoc> = {};
  const walk = (n: TreeNode, prefix: string) => {
    if (n.kind === 'map') {
      for (const e of n.entries) {
        const p = prefix ? `${prefix}.${e.key}` : e.key;
        if (!(p in locs))
          locs[p] = {
            line: e.keyLoc.line,
            col: e.keyLoc.col,
            endLine: e.value.loc.endLine ?? e.keyLoc.endLine,
            endCol: e.value.loc.endCol ?? e.keyLoc.endCol,
          };
        walk(e.value, p);
      }
    } else if (n.kind === 'seq') {
      n.items.forEach((it, i) => {
        const p = `${prefix}.${i}`;
        if (!(p in locs)) locs[p] = { ...it.loc };
        walk(it, p);
      });
    }
  };
  walk(root, '');
  return locs;
}

function formatDiagnostic(d: Diagnostic, file: string): string {
  const where = d.loc ? `${file}:${d.loc.line}:${d.loc.col}` : file;
  return `${where}: ${d.message}${d.hint ? `\n  fix: ${d.hint}` : ''}`;
}

/** Reads and parses a sweep file; throws KnobsError E_SWEEP_IO or E_SWEEP_PARSE. */
export function loadSweepFile(path: string): SweepSpec {
  const abs = nodePath.resolve(path);
  let text: string;
  try {
    const st = fs.statSync(abs);
    if (st.isDirectory()) throw Object.assign(new Error(`${abs} is a directory`), { code: 'EISDIR' });
    if (st.size > MAX_SWEEP_FILE_BYTES) {
      throw new KnobsError('E_SWEEP_PARSE', `sweep file ${path} is ${st.size} bytes, more than the limit of ${MAX_SWEEP_FILE_BYTES}`, {
        location: { file: path },
        hint: 'a sweep file should be small: move data out of it',
      });
    }
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof KnobsError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : String((e as Error).message ?? e);
    throw new KnobsError('E_SWEEP_IO', `cannot read sweep file ${path}: ${why}`, {
      location: { file: path },
      hint: 'check the path (it is relative to the current folder)',
      cause: e,
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const res = parseSweep(text, { file: abs });
  if (res.spec) return res.spec;
  const errors = res.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const shown = errors.slice(0, 100).map((d) => formatDiagnostic(d, path));
  if (errors.length > 100) shown.push(`... and ${errors.length - 100} more errors`);
  throw new KnobsError(
    'E_SWEEP_PARSE',
    errors.length > 1 ? `${first.message} (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : first.message,
    {
      location: { file: path, line: first.loc?.line, col: first.loc?.col },
      hint: first.hint,
      details: shown,
    },
  );
}

/** "8GiB", "8 GB", "6000MiB", "512M", or a number of MiB → MiB. */
export function parseMemoryMiB(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(k|m|g|t)?i?b?\s*$/i.exec(v);
  if (!m) return undefined;
  const x = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const f = unit === 'k' ? 1 / 1024 : unit === 'm' ? 1 : unit === 'g' ? 1024 : 1024 * 1024;
  return x * f;
}
