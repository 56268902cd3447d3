/**
 * Pre-flight: what a sweep file asks of its script, checked against the script's text before
 * any trial runs (the script is never run). Each finding is a sweep-file Diagnostic at the
 * line:col of the key it is about:
 *
 *   unknown-flag      a parameter `${args}` passes as `--name=value` that the script's argparse
 *                     or click does not define: every trial would exit with "unrecognized
 *                     arguments" (error; a warning when the script uses parse_known_args, which
 *                     ignores it). Quick fix: the flag's real spelling (`batch_size` → `batch-size`).
 *   switch-value      a store_true / is_flag switch passed as `--amp=True`, which argparse and
 *                     click reject (error): `${args_no_boolean_flags}` passes it as `--amp`.
 *   ambiguous-flag    an abbreviation argparse cannot resolve (error).
 *   missing-required  a `required=True` option the sweep never passes (error).
 *   metric-not-printed  metric.name appears in none of the script's prints or reporting calls
 *                     (warning: metrics may come from elsewhere), naming those it does print.
 *
 * Only `${args}` and `${args_no_boolean_flags}` pass flags; `${args_no_hyphens}` (Hydra-style),
 * `${args_json}` and a command without parameters are not checked. A script whose options cannot
 * all be read (no option calls, subparsers, parent parsers, option names built at run time) is
 * not checked for flags either.
 */

import type { OptionCall } from '../promote/python';
import type { Diagnostic, SourceLoc, SweepSpec } from '../space/types';
import { proposeMetric } from './metricProposal';
import { pythonOptions, type ScriptArg } from './scriptArgs';
import { printedNames, type ScriptMetrics, scriptMetrics } from './scriptMetrics';

export interface ScriptSource {
  /** The script as the message names it (`main.py`). */
  name: string;
  text: string;
}

interface Flag {
  /** Every option string of the option (`-b`, `--batch-size`). */
  strings: string[];
  arg: ScriptArg;
  call: OptionCall;
  switch: boolean;
}

/** How the command passes parameters: as `--name=value`, or not as flags at all. */
function flagStyle(spec: SweepSpec): 'args' | 'no_boolean_flags' | undefined {
  const whole = new Set([...spec.command].map(String));
  if (whole.has('${args}')) return 'args';
  if (whole.has('${args_no_boolean_flags}')) return 'no_boolean_flags';
  return undefined;
}

function isSwitch(a: ScriptArg, c: OptionCall): boolean {
  if (a.action && /^(?:store_true|store_false|store_const|count|append_const|help|version)$/.test(a.action)) return true;
  return c.kind === 'click' && (a.type === 'bool' || c.strings.some((s) => s.includes('/')));
}

/** The script's options, or undefined when they cannot all be read (then nothing is checked). */
function readFlags(text: string): { flags: Flag[]; parser: 'argparse' | 'click'; ignoresUnknown: boolean; abbrev: boolean } | undefined {
  const opts = pythonOptions(text);
  if (!opts.length) return undefined;
  if (/\badd_subparsers\s*\(|\bparents\s*=|\bfrom_dataclass|\bHfArgumentParser\b|\bjsonargparse\b|\bsimple_parsing\b/.test(text))
    return undefined;
  const flags: Flag[] = [];
  for (const { arg, call } of opts) {
    if (!call.strings.length) return undefined; // names built at run time (add_argument(f"--{k}"), typer)
    const strings = call.strings
      .flatMap((s) => s.split('/'))
      .map((s) => s.trim())
      .filter((s) => s.startsWith('-'));
    flags.push({ strings, arg, call, switch: isSwitch(arg, call) });
  }
  const parser = opts.every((o) => o.call.kind === 'click') ? 'click' : 'argparse';
  return {
    flags,
    parser,
    ignoresUnknown: /\bparse_known_args\s*\(/.test(text),
    abbrev: parser === 'argparse' && !/allow_abbrev\s*=\s*False/.test(text),
  };
}

/** A name as argparse's dest rule sees it. */
const destOf = (s: string) => s.replace(/^-+/, '').replace(/-/g, '_').toLowerCase();

/** The top-level sweep parameters (what `${args}` passes) with the location of their keys. */
function topParams(spec: SweepSpec): { name: string; loc?: SourceLoc; values: unknown[] }[] {
  const out = new Map<string, { name: string; loc?: SourceLoc; values: unknown[] }>();
  for (const p of spec.space.params) {
    const top = p.path[0];
    if (!out.has(top))
      out.set(top, { name: top, loc: p.path.length === 1 ? p.loc : (spec.locs[`parameters.${top}`] ?? p.loc), values: [] });
    if (p.path.length === 1) out.get(top)!.values.push(...(p.kind === 'constant' ? [p.value] : p.kind === 'categorical' ? p.values : []));
  }
  return [...out.values()];
}

function flagDiagnostics(spec: SweepSpec, script: ScriptSource): Diagnostic[] {
  const style = flagStyle(spec);
  const read = style && readFlags(script.text);
  if (!style || !read) return [];
  const out: Diagnostic[] = [];
  const { flags, parser } = read;
  const passed = new Set<Flag>();
  for (const p of topParams(spec)) {
    const given = `--${p.name}`;
    let flag = flags.find((f) => f.strings.includes(given));
    if (!flag && read.abbrev) {
      const prefixed = flags.filter((f) => f.strings.some((s) => s.startsWith('--') && s.startsWith(given)));
      if (prefixed.length > 1) {
        out.push({
          severity: 'error',
          code: 'ambiguous-flag',
          loc: p.loc,
          message:
            `\`${p.name}\` is passed as ${given}=…, which could be any of ` +
            `${prefixed.map((f) => f.strings.find((s) => s.startsWith(given))).join(', ')} in ${script.name}: argparse rejects it`,
          hint: 'name the parameter after one flag in full',
        });
        continue;
      }
      flag = prefixed[0];
    }
    if (!flag) {
      const right = flags.find(
        (f) => f.strings.some((s) => s.startsWith('--') && destOf(s) === destOf(given)) || f.arg.name.toLowerCase() === destOf(given),
      );
      const spelling = right?.strings.find((s) => s.startsWith('--'));
      const fate = read.ignoresUnknown
        ? `${script.name} ignores it (parse_known_args), so \`${p.name}\` changes nothing`
        : `${parser} rejects it, so every trial would fail`;
      out.push({
        severity: read.ignoresUnknown ? 'warning' : 'error',
        code: 'unknown-flag',
        loc: p.loc,
        message: `\`${p.name}\` is passed as ${given}=…, but ${script.name} has no ${given} flag: ${fate}`,
        hint: spelling
          ? `the flag is ${spelling}: name the parameter \`${spelling.slice(2)}\``
          : `${script.name}'s flags: ${flags.flatMap((f) => f.strings.filter((s) => s.startsWith('--'))).join(', ')}`,
        ...(spelling && { fix: { title: `Rename to \`${spelling.slice(2)}\` (${script.name}'s flag)`, replacement: spelling.slice(2) } }),
      });
      continue;
    }
    passed.add(flag);
    if (flag.switch && (style === 'args' || p.values.some((v) => typeof v !== 'boolean'))) {
      out.push({
        severity: 'error',
        code: 'switch-value',
        loc: p.loc,
        message:
          `${flag.strings.find((s) => s.startsWith('--')) ?? given} is a switch in ${script.name} (it takes no value), ` +
          `but \`${p.name}\` is passed as ${given}=${style === 'args' ? 'True' : '…'}: ${parser} rejects it`,
        hint:
          style === 'args'
            ? 'use `command: ["${env}", "${interpreter}", "${program}", "${args_no_boolean_flags}"]` ' +
              '(it passes --name for true and nothing for false), or leave the switch out of the sweep'
            : 'give it the values true and false only',
      });
    }
  }
  for (const f of flags) {
    const required = f.call.kwargs.required?.text.trim() === 'True';
    if (!required || passed.has(f) || spec.command.some((c) => f.strings.some((s) => String(c).split('=')[0] === s))) continue;
    out.push({
      severity: 'error',
      code: 'missing-required',
      loc: spec.locs.parameters ?? spec.locs.program,
      message: `${script.name} requires ${f.strings.join('/')}, which the sweep never passes: every trial would fail`,
      hint:
        `add \`${(f.strings.find((s) => s.startsWith('--')) ?? f.strings[0]).replace(/^-+/, '')}: {value: …}\` under \`parameters\`, ` +
        'or put it in `command`',
    });
  }
  return out;
}

/** Where the metric's name is written: the value of `metric.name`. */
function metricNameLoc(spec: SweepSpec): SourceLoc | undefined {
  const loc = spec.locs['metric.name'];
  if (!loc) return undefined;
  const line = spec.text.split(/\r?\n/)[loc.line - 1] ?? '';
  const m = /^(\s*name\s*:\s*)(['"]?)([^'"#\s]+)\2/.exec(line.slice(loc.col - 1));
  if (!m) return loc;
  const col = loc.col + m[1].length + m[2].length;
  return { line: loc.line, col, endLine: loc.line, endCol: col + m[3].length };
}

function metricDiagnostics(spec: SweepSpec, script: ScriptSource, metrics: ScriptMetrics): Diagnostic[] {
  const name = spec.metric.name;
  if (!name || spec.metricRegex) return [];
  if (metrics.uses.some((u) => u.name === name && !u.spaced)) return [];
  // a name the script writes in any string (a key built elsewhere, a custom logger) may still be printed
  if (new RegExp(`(['"])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`).test(script.text)) return [];
  const names = printedNames(metrics);
  const same = metrics.uses.find((u) => !u.spaced && u.name.toLowerCase() === name.toLowerCase())?.name;
  const shown = names
    .slice(0, 8)
    .map((n) => `\`${n}\``)
    .join(', ');
  const prints = names.length ? `it prints ${shown}${names.length > 8 ? ', …' : ''}` : 'it prints no `name: value` Knobs can read';
  const opaque = metrics.opaque.length ? ` (and logs values at line ${metrics.opaque.join(', ')} that only a run shows)` : '';
  const proposal = proposeMetric(metrics);
  const use = same ?? proposal?.plain;
  const regexHint =
    proposal?.regex && !use ? `; ${proposal.note}: \`name: ${proposal.name}\` with \`metric_regex: '${proposal.regex}'\`` : '';
  return [
    {
      severity: 'warning',
      code: 'metric-not-printed',
      loc: metricNameLoc(spec) ?? spec.locs.metric,
      message: `the metric \`${name}\` appears in none of ${script.name}'s prints or logging calls: ${prints}${opaque}; trials would finish with no value`,
      hint: same
        ? `names are case-sensitive: ${script.name} prints \`${same}\``
        : use
          ? `use \`${use}\`, as line ${proposal!.from.line} prints it ("${proposal!.from.label ?? use}")`
          : names.length
            ? `use one of them, or a \`metric_regex\` that reads the value from the output${regexHint}`
            : 'print it as `name: value`, or report it with the Knobs helper',
      ...(use && { fix: { title: `Use \`${use}\` (as ${script.name} prints it)`, replacement: use } }),
    },
  ];
}

/** The pre-flight diagnostics of a sweep whose `program` is the Python script `script`. */
export function preflightDiagnostics(spec: SweepSpec, script: ScriptSource): Diagnostic[] {
  return [...flagDiagnostics(spec, script), ...metricDiagnostics(spec, script, scriptMetrics(script.text))];
}
