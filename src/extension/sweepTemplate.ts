/**
 * "Knobs: New Sweep File": read a script's arguments and write a commented W&B-style sweep.yaml
 * for them (pure: no vscode import).
 *
 *   readScriptArgs(text, lang)  → argparse `add_argument` / click `option` calls (Python), or the
 *                                 defaults object of a JS/TS script (core/preflight/scriptArgs.ts)
 *   sweepTemplate(opts)         → YAML text that parseSweep accepts with no errors
 *   sweepFileFor(program, text) → both, with the metric the script prints (metricProposal.ts)
 *
 * Parameters are named by the flag as written (`batch-size` for `--batch-size`), since `${args}`
 * passes `--name=value`. Not hyperparameters (seeds, logging, paths, devices, eval batch sizes,
 * dry-run/save switches) are left out and listed in a comment; budgets (epochs, steps) are fixed.
 */
import { proposeMetric } from '../core/preflight/metricProposal';
import { inferType, readScriptArgs, type ScriptArg } from '../core/preflight/scriptArgs';
import { scriptMetrics } from '../core/preflight/scriptMetrics';
import type { SourceLang } from '../core/promote/lang';
import { formatLiteral } from '../core/promote/literal';

export { readScriptArgs, type ScriptArg };

// ---------------------------------------------------------------------------------------------
// The template

/** Learning-rate-like: positive scale parameters searched on a log scale. */
const LOG_NAMES = 'lr|learning_?rate|eta|weight_?decay|wd|l1|l2|reg|lambda|lam|alpha|eps|epsilon|decay|penalty|init_?scale|temperature|tau';
const LOG_RE = new RegExp(`(?:^|_)(?:${LOG_NAMES})(?:$|_)|lr$|learning_?rate`, 'i');
/** Dropout-like: probabilities searched uniformly. */
const PROB_RE = /drop|dropout|smoothing|mixup|cutmix|p_?drop|keep_?prob/i;
/** Arguments that are not hyperparameters: kept at their default. */
const FIXED_RE = new RegExp(
  [
    'seed|epoch|thread|worker|gpu|device|verbose|log|print|save|interval|iter|patience|port|rank|path|dir|file|name',
    'fraction|split|debug|resume|checkpoint|backend|output|data|cuda|amp|compile|wandb|project|entity',
  ].join('|'),
  'i',
);
/** Not hyperparameters: left out (the script's default applies), listed in a comment. */
const LEAVE_OUT_WORDS = [
  'seeds?|log|logs|logging|print|interval|verbose|verbosity|save|checkpoint|ckpt|resume|path|dir|file|root|data|dataset',
  'output|device|cuda|gpus?|accel|mps|cpu|workers|threads|rank|port|backend|dry|debug|wandb|project|entity|compile|amp',
  'export|url|world|start',
].join('|');
const LEAVE_OUT_RE = new RegExp(`(?:^|_)(?:${LEAVE_OUT_WORDS})(?:$|_)|^(?:test|eval|val|valid|inference)_batch`, 'i');
/** The training budget: the same for every trial (a fixed `value:`). */
const BUDGET_RE = /(?:^|_)(?:epochs?|steps|iters|iterations|max_iters?|updates|budget|timesteps)(?:$|_)/i;
/** Size-like integers: powers of two around the default. */
const SIZE_RE = /size|hidden|units|dim|width|channels|filters|embed|heads|neurons|features/i;

function nice(x: number): number {
  return Number(x.toPrecision(3));
}

function yamlValue(v: unknown): string {
  return formatLiteral(v, 'yaml');
}

function inferGoal(metric: string): 'minimize' | 'maximize' {
  return /acc|auc|f1|score|reward|precision|recall|map\b|bleu|rouge|iou|dice|r2|return/i.test(metric) && !/loss|err/i.test(metric)
    ? 'maximize'
    : 'minimize';
}

/** YAML lines of one parameter (without the name line), and a comment for the name line. */
function paramLines(a: ScriptArg): { lines: string[]; note: string } | { skip: string } {
  const d = a.default;
  const why = a.help ? ` — ${a.help.replace(/\s+/g, ' ').slice(0, 60)}` : '';
  if (BUDGET_RE.test(a.name) && typeof d === 'number' && Number.isInteger(d) && d > 0)
    return { lines: [`value: ${d}`], note: `budget: fixed, the same for every trial${why}` };
  if (
    a.action === 'store_true' ||
    a.action === 'store_false' ||
    a.action === 'count' ||
    a.action === 'store_const' ||
    a.action === 'append'
  ) {
    return { skip: `${a.flag} is an argparse ${a.action} switch: it takes no value, so it is left out (add it to \`command:\` to set it)` };
  }
  if (a.choices?.length) {
    return { lines: [`values: [${a.choices.map(yamlValue).join(', ')}]`], note: `choices${why}` };
  }
  const type = a.type ?? inferType(d);
  if (type === 'bool' || typeof d === 'boolean') return { lines: ['values: [true, false]'], note: `a switch${why}` };
  if (d === undefined || d === null) {
    if (type === 'float' && LOG_RE.test(a.name))
      return { lines: ['distribution: log_uniform_values', 'min: 0.00001', 'max: 0.1'], note: `no default in the script${why}` };
    if (type === 'float' && PROB_RE.test(a.name))
      return { lines: ['distribution: uniform', 'min: 0.0', 'max: 0.5'], note: `no default in the script${why}` };
    return { skip: `${a.flag} has no default in the script: give it a \`value:\` here if the script needs it` };
  }
  if (typeof d === 'number' && (type === 'float' || type === undefined || type === 'int')) {
    if (type !== 'int' && !(Number.isInteger(d) && type !== 'float')) {
      if (LOG_RE.test(a.name) && !PROB_RE.test(a.name)) {
        if (d > 0)
          return {
            lines: ['distribution: log_uniform_values', `min: ${yamlValue(nice(d / 10))}`, `max: ${yamlValue(nice(d * 10))}`],
            note: `default ${yamlValue(d)}${why}`,
          };
        return {
          lines: ['distribution: log_uniform_values', 'min: 0.000001', 'max: 0.01'],
          note: `default ${yamlValue(d)}: a log scale needs > 0${why}`,
        };
      }
      if (PROB_RE.test(a.name) && d >= 0 && d < 1) {
        const max = d <= 0.5 ? 0.5 : nice(Math.min(0.95, d * 1.5));
        return {
          lines: ['distribution: uniform', 'min: 0.0', `max: ${formatLiteral(max, 'yaml', '0.0')}`],
          note: `default ${yamlValue(d)}${why}`,
        };
      }
      return { lines: [`value: ${formatLiteral(d, 'yaml', '0.0')}`], note: `kept at the default${why}` };
    }
    // integers
    if (FIXED_RE.test(a.name) || d <= 0) return { lines: [`value: ${yamlValue(d)}`], note: `kept at the default${why}` };
    if (SIZE_RE.test(a.name) && d >= 4 && (d & (d - 1)) === 0)
      return { lines: [`values: [${[d / 2, d, d * 2].join(', ')}]`], note: `default ${d}${why}` };
    const lo = Math.max(1, Math.floor(d / 2));
    const hi = Math.max(d * 2, lo + 1);
    return { lines: ['distribution: int_uniform', `min: ${lo}`, `max: ${hi}`], note: `default ${d}${why}` };
  }
  return { lines: [`value: ${yamlValue(d)}`], note: `kept at the default${why}` };
}

/** The sweep parameter for an argument: its long flag as written (`--batch-size` → `batch-size`), or why there is none. */
function paramKey(a: ScriptArg): { key: string } | { skip: string } {
  if (a.flag.startsWith('--')) return { key: a.flag.slice(2).split('/')[0].trim() };
  if (a.flag.startsWith('-')) return { skip: `${a.flag} has no long --flag, which \`\${args}\` passes: left out` };
  return { skip: `a positional argument (\`\${args}\` passes only --flags): give it in \`command:\`` };
}

export interface TemplateOptions {
  program: string;
  args: ScriptArg[];
  metric?: string;
  goal?: 'minimize' | 'maximize';
  /** A metric_regex for `metric` (one named group). */
  metricRegex?: string;
  /** Where the metric came from, for the comment beside it. */
  metricNote?: string;
}

/**
 * A commented sweep file for `program` over `args`: lr-like floats → log_uniform_values around
 * the default (÷10 … ×10), dropout-like → uniform, size-like powers of two → values, other ints →
 * int_uniform, choices → values, bools → [true, false], budgets and the rest → value (the
 * default); not hyperparameters → left out.
 */
export function sweepTemplate(opts: TemplateOptions): string {
  const metric = opts.metric?.trim() || 'val_loss';
  const goal = opts.goal ?? inferGoal(metric);
  const out: string[] = [
    `# A Knobs sweep over ${opts.program}, written from its arguments (W&B sweep format).`,
    '# Edit the ranges, then run it with the "▶ Run sweep" lens above, or `npx knobs run <this file>`.',
    '# Each trial runs the program with one --name=value argument per parameter.',
    `program: ${yamlValue(opts.program)}`,
    'method: random            # grid | random | sobol | bayes (tpe, gp)',
    'metric:',
    `  name: ${yamlValue(metric)}${' '.repeat(Math.max(1, 16 - metric.length))}# ${opts.metricNote ?? 'as the script prints or reports it'}`,
    `  goal: ${goal}`,
  ];
  if (opts.metricRegex) out.push(`metric_regex: '${opts.metricRegex.replace(/'/g, "''")}'`);
  out.push('parameters:');
  let n = 0;
  const seen = new Set<string>();
  const leftOut: string[] = [];
  for (const a of opts.args) {
    const k = paramKey(a);
    if ('skip' in k) {
      out.push(`  # ${a.name}: ${k.skip}`);
      continue;
    }
    if (seen.has(k.key)) continue;
    seen.add(k.key);
    if (!/^[A-Za-z_][\w.-]*$/.test(k.key)) {
      out.push(`  # ${JSON.stringify(k.key)} (${a.flag}): not a valid sweep parameter name, left out`);
      continue;
    }
    if (LEAVE_OUT_RE.test(a.name)) {
      leftOut.push(a.flag.split('/')[0]);
      continue;
    }
    const p = paramLines(a);
    if ('skip' in p) {
      out.push(`  # ${k.key}: ${p.skip}`);
      continue;
    }
    out.push(`  ${k.key}:${' '.repeat(Math.max(1, 22 - k.key.length))}# ${p.note}`);
    for (const l of p.lines) out.push(`    ${l}`);
    n++;
  }
  if (leftOut.length) out.push(`  # left out, not hyperparameters (the script's defaults apply): ${leftOut.join(', ')}`);
  if (n === 0) {
    out.push('  # no arguments were found in the script; an example:');
    out.push('  lr:');
    out.push('    distribution: log_uniform_values');
    out.push('    min: 0.0001');
    out.push('    max: 0.1');
  }
  out.push('run_cap: 20               # stop after this many trials');
  out.push('max_concurrent: 2         # trials at once');
  out.push('');
  return out.join('\n');
}

/** The sweep file for a script: its arguments, and the metric it prints or logs (Python). */
export function sweepFileFor(program: string, text: string, lang: SourceLang): { yaml: string; args: ScriptArg[] } {
  const args = readScriptArgs(text, lang);
  const proposal = lang === 'python' ? proposeMetric(scriptMetrics(text)) : undefined;
  const yaml = sweepTemplate({
    program,
    args,
    metric: proposal?.name,
    metricRegex: proposal?.regex,
    metricNote: proposal?.note ?? (lang === 'python' ? 'the script prints no metric Knobs can find: print it as `name: value`' : undefined),
  });
  return { yaml, args };
}
