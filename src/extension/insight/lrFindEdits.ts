/**
 * What the lr-finder panel's buttons write (pure: no vscode import), computed from a saved result
 * and the current text of the file; the vscode adapter turns each into one WorkspaceEdit.
 *
 *   sweepBoundsEdit   the sweep file's lr parameter becomes `distribution: log_uniform_values`
 *                     (q_log_uniform_values stays) with the result's min and max. The min/max
 *                     text comes from the core's `rewriteLrRange` (what `knobs lr-find
 *                     --write` writes); when the parameter has another distribution (or none:
 *                     inferred uniform), its `distribution:` value is replaced (or a line
 *                     inserted above `min:`). Every other byte, comments included, is kept, and
 *                     each intermediate and the final text are parsed again and checked.
 *   cyclicLrEdits     base_lr and max_lr of a `CyclicLR(...)` call in Python: a number literal
 *                     argument is rewritten in place; an argument that reads a parameter
 *                     (`args.lr`, `cfg["base_lr"]`, `lr`) promotes that parameter's default at
 *                     its definition site through planPromote (argparse default, dict key,
 *                     assignment), as "Promote" does.
 */
import * as path from 'node:path';
import { findLrParam, rewriteLrRange } from '../../core/analysis/lrParam';
import { KnobsError } from '../../core/errors';
import { type PlannedEdit, planPromote } from '../../core/promote/edits';
import { formatLiteral } from '../../core/promote/literal';
import { tokenizePython } from '../../core/promote/python';
import { matchBrackets, splitArgs, strValue, type Tok } from '../../core/promote/tokens';
import { parseSweep } from '../../core/space/parse';
import type { NumericParam, SweepSpec } from '../../core/space/types';

export interface TextChange {
  start: number;
  end: number;
  newText: string;
}

/** The one replacement that turns `a` into `b` (common prefix and suffix kept). */
export function minimalChange(a: string, b: string): TextChange {
  let s = 0;
  const n = Math.min(a.length, b.length);
  while (s < n && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let e = 0;
  while (e < n - s && a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e)) e++;
  return { start: s, end: a.length - e, newText: b.slice(s, b.length - e) };
}

function parseOrThrow(text: string, file: string): SweepSpec {
  const r = parseSweep(text, { file });
  if (!r.spec) {
    const first = r.diagnostics.find((d) => d.severity === 'error');
    throw new KnobsError('E_SWEEP_PARSE', `${path.basename(file)} does not parse${first ? `: ${first.message}` : ''}`, {
      hint: 'fix the sweep file first (its errors are in the Problems view)',
      location: first?.loc ? { file, line: first.loc.line, col: first.loc.col } : { file },
    });
  }
  return r.spec;
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

const TARGET_DISTRIBUTION = 'log_uniform_values';

/** The text with the parameter's distribution set to `dist` (unchanged when it is). */
function withDistribution(spec: SweepSpec, p: NumericParam, dist: string): string {
  if (p.distribution === dist) return spec.text;
  const text = spec.text;
  const key = `parameters.${p.path.join('.parameters.')}`;
  const starts = lineStartsOf(text);
  const off = (line: number, col: number) => starts[line - 1] + col - 1;
  const where = spec.file ? { file: spec.file, line: p.loc?.line, col: p.loc?.col } : undefined;
  const loc = spec.locs[`${key}.distribution`];
  if (loc && loc.endLine !== undefined && loc.endCol !== undefined) {
    const start = off(loc.line, loc.col);
    const end = off(loc.endLine, loc.endCol);
    const m = /^(distribution\s*:\s*)(\S[^\n]*)$/.exec(text.slice(start, end));
    if (!m)
      throw new KnobsError('E_USAGE', `parameter \`${p.name}\`: \`distribution\` is not written as \`distribution: value\` on one line`, {
        hint: `set \`distribution: ${TARGET_DISTRIBUTION}\` by hand`,
        location: where,
      });
    return text.slice(0, start + m[1].length) + dist + text.slice(end);
  }
  // no distribution key (inferred from min/max): a line above `min:` (or `max:`), same indent
  const anchor = spec.locs[`${key}.min`] ?? spec.locs[`${key}.max`];
  if (!anchor)
    throw new KnobsError('E_USAGE', `parameter \`${p.name}\` has no \`min:\` line`, {
      hint: 'write it as a block with `min:` and `max:` lines',
      location: where,
    });
  const lineStart = starts[anchor.line - 1];
  const indent = text.slice(lineStart, off(anchor.line, anchor.col));
  if (!/^[ \t]*$/.test(indent))
    throw new KnobsError('E_USAGE', `parameter \`${p.name}\` is written on one line (a flow map)`, {
      hint: `write it as a block with \`distribution: ${TARGET_DISTRIBUTION}\`, \`min:\` and \`max:\` lines`,
      location: where,
    });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return `${text.slice(0, lineStart)}${indent}distribution: ${dist}${eol}${text.slice(lineStart)}`;
}

export interface SweepBoundsEdit {
  /** The whole new text. */
  text: string;
  /** The same as one replacement of the old text. */
  change: TextChange;
  param: string;
  min: number;
  max: number;
  /** The distribution it had, when it was changed. */
  distributionWas?: string;
}

/**
 * The sweep file's text with the lr parameter (`param`, else the one named lr / learning_rate)
 * ranging `log_uniform_values` over [range.min, range.max]. Throws a KnobsError saying what to do
 * when the file does not parse, has no such parameter, or the new text would not give that range.
 */
export function sweepBoundsEdit(o: { file: string; text: string; range: { min: number; max: number }; param?: string }): SweepBoundsEdit {
  const { file, text, range } = o;
  if (!(range.min > 0 && range.max > range.min))
    throw new KnobsError('E_USAGE', `the range [${range.min}, ${range.max}] is not 0 < min < max`);
  const spec = parseOrThrow(text, file);
  const p = findLrParam(spec, o.param);
  const target = p.distribution === 'q_log_uniform_values' ? p.distribution : TARGET_DISTRIBUTION;
  // min/max in lr units: through `uniform` (whose min/max may be anything, e.g. log_uniform's
  // exponents), then the core's rewriteLrRange, then the target distribution
  let cur = spec;
  let cp = p;
  const step = (t: string) => {
    if (t === cur.text) return;
    cur = parseOrThrow(t, file);
    cp = findLrParam(cur, p.name);
  };
  if (p.distribution !== target) step(withDistribution(cur, cp, 'uniform'));
  step(rewriteLrRange(cur, cp, range));
  step(withDistribution(cur, cp, target));
  const out = cur.text;
  const check = parseSweep(out, { file }).spec?.space.params.find((x) => x.name === p.name);
  if (check?.kind !== 'numeric' || check.distribution !== target || check.min !== range.min || check.max !== range.max) {
    throw new KnobsError(
      'E_INTERNAL',
      `rewriting ${path.basename(file)} would not give ${p.name} the range ${target} [${range.min}, ${range.max}]; the file is unchanged`,
      { hint: 'edit the range by hand', location: { file } },
    );
  }
  return {
    text: out,
    change: minimalChange(text, out),
    param: p.name,
    min: range.min,
    max: range.max,
    ...(p.distribution !== target ? { distributionWas: p.distribution } : {}),
  };
}

// ---- CyclicLR ----------------------------------------------------------------------------------

export interface CyclicLrArgSite {
  /** 'base_lr' or 'max_lr'. */
  arg: 'base_lr' | 'max_lr';
  /** Offsets of the argument's value expression. */
  start: number;
  end: number;
  text: string;
  /** A number literal (rewritten in place)… */
  literal: boolean;
  /** …or the parameter the expression reads first (`args.lr` → `lr`). */
  reads?: string;
}

export interface CyclicLrCall {
  /** Offset of `CyclicLR`. */
  at: number;
  /** 0-based line. */
  line: number;
  args: CyclicLrArgSite[];
}

const isOp = (tk: Tok | undefined, s: string) => !!tk && tk.t === 'op' && tk.s === s;

/** The first parameter an expression reads: `a.b` → b, `a["b"]` → b, a bare name → that name. */
function readsOf(toks: readonly Tok[], from: number, to: number): string | undefined {
  const KEYWORDS = new Set(['if', 'else', 'is', 'not', 'None', 'and', 'or', 'True', 'False', 'lambda', 'in', 'float', 'int', 'max', 'min']);
  for (let j = from; j < to; j++) {
    const tk = toks[j];
    if (tk.t !== 'name' || KEYWORDS.has(tk.s)) continue;
    if (j > from && isOp(toks[j - 1], '.')) continue; // the attribute part is taken with its object
    if (isOp(toks[j + 1], '.') && toks[j + 2]?.t === 'name') {
      // the last attribute of a chain: args.lr, self.hp.lr
      let k = j + 2;
      while (isOp(toks[k + 1], '.') && toks[k + 2]?.t === 'name') k += 2;
      return toks[k].s;
    }
    if (isOp(toks[j + 1], '[')) {
      const key = strValue(toks[j + 2], 'python');
      if (key !== undefined && isOp(toks[j + 3], ']')) return key;
      continue;
    }
    if (isOp(toks[j + 1], '(')) continue; // a call
    return tk.s;
  }
  return undefined;
}

/** Every `CyclicLR(...)` call in Python text with its base_lr and max_lr arguments. */
export function findCyclicLrCalls(text: string): CyclicLrCall[] {
  const toks = tokenizePython(text);
  const match = matchBrackets(toks);
  const calls: CyclicLrCall[] = [];
  for (let i = 0; i < toks.length; i++) {
    const tk = toks[i];
    if (tk.t !== 'name' || tk.s !== 'CyclicLR' || !isOp(toks[i + 1], '(')) continue;
    if (i > 0 && toks[i - 1].t === 'name' && toks[i - 1].s === 'def') continue;
    const args: CyclicLrArgSite[] = [];
    splitArgs(toks, match, i + 1).forEach(([a, b], k) => {
      let name: string | undefined;
      let vs = a;
      if (toks[a].t === 'name' && isOp(toks[a + 1], '=')) {
        name = toks[a].s;
        vs = a + 2;
      } else if (toks[a].t === 'op' && (toks[a].s === '*' || toks[a].s === '**')) return;
      else name = k === 1 ? 'base_lr' : k === 2 ? 'max_lr' : undefined;
      if ((name !== 'base_lr' && name !== 'max_lr') || vs >= b) return;
      const start = toks[vs].start;
      const end = toks[b - 1].end;
      const literal = (b - vs === 1 && toks[vs].t === 'num') || (b - vs === 2 && isOp(toks[vs], '+') && toks[vs + 1].t === 'num');
      const site: CyclicLrArgSite = { arg: name, start, end, text: text.slice(start, end), literal };
      if (!literal) {
        const r = readsOf(toks, vs, b);
        if (r) site.reads = r;
      }
      args.push(site);
    });
    calls.push({ at: tk.start, line: text.slice(0, tk.start).split('\n').length - 1, args });
  }
  return calls;
}

export interface CyclicLrPlan {
  edits: PlannedEdit[];
  /** What could not be written, and why. */
  missing: string[];
  /** Already holding the value. */
  unchanged: string[];
  /** How many CyclicLR(...) calls the text has (0: nothing to write). */
  calls: number;
}

/**
 * The edits that give the first `CyclicLR(...)` call of `text` these base_lr and max_lr: literal
 * arguments in place, parameter reads at the parameter's definition (through planPromote).
 */
export function cyclicLrEdits(text: string, values: { base_lr: number; max_lr: number }): CyclicLrPlan {
  const calls = findCyclicLrCalls(text);
  const plan: CyclicLrPlan = { edits: [], missing: [], unchanged: [], calls: calls.length };
  const call = calls[0];
  if (!call) return plan;
  const promoteParams: Record<string, number> = {};
  const promotedFor: Record<string, string> = {};
  for (const arg of ['base_lr', 'max_lr'] as const) {
    const site = call.args.find((a) => a.arg === arg);
    const value = values[arg];
    if (!site) {
      plan.missing.push(`${arg} (not an argument of the CyclicLR call on line ${call.line + 1})`);
      continue;
    }
    if (site.literal) {
      const newText = formatLiteral(value, 'python', site.text);
      if (Number(site.text) === value || newText === site.text) plan.unchanged.push(arg);
      else
        plan.edits.push({
          name: `CyclicLR ${arg}`,
          start: site.start,
          end: site.end,
          oldText: site.text,
          newText,
          line: text.slice(0, site.start).split('\n').length - 1,
        });
    } else if (site.reads) {
      if (site.reads in promoteParams && promoteParams[site.reads] !== value) {
        plan.missing.push(`${arg} (reads \`${site.reads}\`, which ${promotedFor[site.reads]} also reads)`);
        continue;
      }
      promoteParams[site.reads] = value;
      promotedFor[site.reads] = arg;
    } else plan.missing.push(`${arg} (\`${site.text}\` reads no parameter)`);
  }
  if (Object.keys(promoteParams).length) {
    const p = planPromote(text, 'python', promoteParams);
    for (const e of p.edits) plan.edits.push({ ...e, name: `${e.name} (CyclicLR ${promotedFor[e.name]})` });
    for (const n of p.unchanged) plan.unchanged.push(`${promotedFor[n]} (${n})`);
    for (const n of p.missing) plan.missing.push(`${promotedFor[n]} (reads \`${n}\`, whose default was not found)`);
  }
  plan.edits.sort((a, b) => a.start - b.start);
  return plan;
}
