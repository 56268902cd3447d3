/**
 * The arguments a training script takes, read statically (the script is never run): argparse
 * `add_argument` / click `option` calls (Python), or the defaults object of a JS/TS script
 * (`const defaults = {lr: 1e-3}`, `OPTIONS = {lr: {type: 'float', default: 1e-3}}`, `parseArgs`).
 * `pythonOptions` keeps each argument's call, so pre-flight can see every option string.
 */
import { findJsOptions } from '../promote/javascript';
import type { SourceLang } from '../promote/lang';
import { parseLiteral } from '../promote/literal';
import { findOptionCalls, type OptionCall } from '../promote/python';

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

export function inferType(v: unknown): ScriptArg['type'] | undefined {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return undefined;
}

function lit(text: string | undefined, lang: SourceLang): unknown {
  if (text === undefined) return undefined;
  return parseLiteral(text, lang)?.value;
}

/** A Python script's options: each argument with the `add_argument` / `option` call it came from. */
export function pythonOptions(text: string): { arg: ScriptArg; call: OptionCall }[] {
  const out: { arg: ScriptArg; call: OptionCall }[] = [];
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
    out.push({ arg, call: c });
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
  const args =
    lang === 'python' ? pythonOptions(text).map((o) => o.arg) : lang === 'javascript' || lang === 'typescript' ? readJs(text, lang) : [];
  return args.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as ScriptArg);
}
