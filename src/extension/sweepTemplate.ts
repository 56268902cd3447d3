/**
 * "Knobs: New Sweep File": read a script's arguments and write a commented W&B-style sweep.yaml
 * for them (pure: no vscode import).
 *
 *   readScriptArgs(text, lang)  → argparse `add_argument` / click `option` calls (Python), or the
 *                                 defaults object of a JS/TS script (`const defaults = {lr: 1e-3}`,
 *                                 `OPTIONS = {lr: {type: 'float', default: 1e-3}}`, `parseArgs`)
 *   sweepTemplate(opts)         → YAML text that parseSweep accepts with no errors
 */
import { findJsOptions } from '../core/promote/javascript';
import type { SourceLang } from '../core/promote/lang';
import { formatLiteral, parseLiteral } from '../core/promote/literal';
import { findOptionCalls } from '../core/promote/python';

export interface ScriptArg {
  /** The parameter name the script reads (argparse's dest: `batch_size`). */
  name: string;
  /** The flag as written (`--batch-size`). */
  flag: string;
  default?: unknown;
  type?: 'int' | 'float' | 'str' | 'bool';
  choices?: unknown[];
  help?: string;
  /** argparse `action=` (e.g. store_true: a switch that takes no value). */
  action?: string;
}

const TYPE_WORDS: Record<string, ScriptArg['type']> = {
  int: 'int',
  integer: 'int',
  float: 'float',
  number: 'float',
  double: 'float',
  str: 'str',
  string: 'str',
  bool: 'bool',
  boolean: 'bool',
};

function inferType(v: unknown): ScriptArg['type'] | undefined {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return undefined;
}

function lit(text: string | undefined, lang: SourceLang): unknown {
  if (text === undefined) return undefined;
  return parseLiteral(text, lang)?.value;
}

function readPython(text: string): ScriptArg[] {
  const out: ScriptArg[] = [];
  for (const c of findOptionCalls(text)) {
    if (!c.dest || c.dest === 'help') continue;
    const kw = (k: string) => (c.kwargs[k]?.literal ? lit(c.kwargs[k].text, 'python') : undefined);
    const arg: ScriptArg = { name: c.dest, flag: c.strings.find((s) => s.startsWith('--')) ?? c.strings[0] ?? `--${c.dest}` };
    const action = kw('action');
    if (typeof action === 'string') arg.action = action;
    const typeText = c.kwargs.type?.text.trim();
    if (typeText) arg.type = TYPE_WORDS[typeText.replace(/^click\./, '').toLowerCase()];
    if (c.kwargs.is_flag && kw('is_flag') === true) arg.type = 'bool';
    if (action === 'store_true' || action === 'store_false') {
      arg.type = 'bool';
      arg.default = action === 'store_false';
    }
    if ('default' in c.kwargs) {
      const d = kw('default');
      if (c.kwargs.default.literal) arg.default = d;
    }
    const choices = kw('choices');
    if (Array.isArray(choices)) arg.choices = choices;
    const help = kw('help');
    if (typeof help === 'string') arg.help = help;
    if (!arg.type) arg.type = inferType(arg.default) ?? (arg.choices ? inferType(arg.choices[0]) : undefined);
    // argparse converts string defaults through `type`
    if (
      typeof arg.default === 'string' &&
      (arg.type === 'int' || arg.type === 'float') &&
      arg.default.trim() !== '' &&
      Number.isFinite(Number(arg.default))
    )
      arg.default = Number(arg.default);
    out.push(arg);
  }
  return out;
}

function readJs(text: string, lang: SourceLang): ScriptArg[] {
  const out: ScriptArg[] = [];
  for (const e of findJsOptions(text, lang)) {
    const arg: ScriptArg = { name: e.key, flag: `--${e.key}` };
    if (e.fields) {
      const f = (k: string) => lit(e.fields![k], lang);
      arg.default = f('default');
      const t = f('type');
      if (typeof t === 'string')
        arg.type = t === 'number' && typeof arg.default === 'number' && Number.isInteger(arg.default) ? 'int' : TYPE_WORDS[t.toLowerCase()];
      const choices = f('choices');
      if (Array.isArray(choices)) arg.choices = choices;
      const help = f('help') ?? f('description') ?? f('desc');
      if (typeof help === 'string') arg.help = help;
    } else if (e.valueText !== undefined) {
      arg.default = lit(e.valueText, lang);
    } else {
      continue; // not a literal default: not an option we can read
    }
    // parseArgs has only string/boolean types: a numeric string default is a number in disguise
    if (
      typeof arg.default === 'string' &&
      (arg.type === 'str' || arg.type === undefined) &&
      /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(arg.default.trim())
    ) {
      arg.default = Number(arg.default);
      arg.type = undefined;
    }
    if (!arg.type) arg.type = inferType(arg.default);
    out.push(arg);
  }
  return out;
}

/** The arguments a script takes, with their defaults, in source order (no undefined fields). */
export function readScriptArgs(text: string, lang: SourceLang): ScriptArg[] {
  const args = lang === 'python' ? readPython(text) : lang === 'javascript' || lang === 'typescript' ? readJs(text, lang) : [];
  return args.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as ScriptArg);
}

// ---------------------------------------------------------------------------------------------
// The template

/** Learning-rate-like: positive scale parameters searched on a log scale. */
const LOG_RE =
  /(?:^|_)(?:lr|learning_?rate|eta|weight_?decay|wd|l1|l2|reg|lambda|lam|alpha|eps|epsilon|decay|penalty|init_?scale|temperature|tau)(?:$|_)|lr$|learning_?rate/i;
/** Dropout-like: probabilities searched uniformly. */
const PROB_RE = /drop|dropout|smoothing|mixup|cutmix|p_?drop|keep_?prob/i;
/** Arguments that are not hyperparameters: kept at their default. */
const FIXED_RE =
  /seed|epoch|thread|worker|gpu|device|verbose|log|print|save|interval|iter|patience|port|rank|path|dir|file|name|fraction|split|debug|resume|checkpoint|backend|output|data|cuda|amp|compile|wandb|project|entity/i;
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

/**
 * A commented sweep file for `program` over `args`: lr-like floats → log_uniform_values around
 * the default (÷10 … ×10), dropout-like → uniform, size-like powers of two → values, other ints →
 * int_uniform, choices → values, bools → [true, false], the rest → value (the default).
 */
export function sweepTemplate(opts: { program: string; args: ScriptArg[]; metric?: string; goal?: 'minimize' | 'maximize' }): string {
  const metric = opts.metric?.trim() || 'val_loss';
  const goal = opts.goal ?? inferGoal(metric);
  const out: string[] = [
    `# A Knobs sweep over ${opts.program}, written from its arguments (W&B sweep format).`,
    '# Edit the ranges, then run it with the "▶ Run sweep" lens above, or `npx knobs run <this file>`.',
    '# Each trial runs the program with one --name=value argument per parameter.',
    `program: ${yamlValue(opts.program)}`,
    'method: random            # grid | random | sobol | bayes (tpe, gp)',
    'metric:',
    `  name: ${yamlValue(metric)}${' '.repeat(Math.max(1, 16 - metric.length))}# as the script prints or reports it`,
    `  goal: ${goal}`,
    'parameters:',
  ];
  let n = 0;
  const seen = new Set<string>();
  for (const a of opts.args) {
    if (seen.has(a.name)) continue;
    seen.add(a.name);
    if (!/^[A-Za-z_][\w.-]*$/.test(a.name)) {
      out.push(`  # ${JSON.stringify(a.name)} (${a.flag}): not a valid sweep parameter name, left out`);
      continue;
    }
    const p = paramLines(a);
    if ('skip' in p) {
      out.push(`  # ${a.name}: ${p.skip}`);
      continue;
    }
    out.push(`  ${a.name}:${' '.repeat(Math.max(1, 22 - a.name.length))}# ${p.note}`);
    for (const l of p.lines) out.push(`    ${l}`);
    n++;
  }
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
