/**
 * The metric names a Python training script prints or logs, read statically (never run):
 *
 *   - text with a value placeholder after `name:` / `name=` in a string literal, as the report
 *     parser's free-text rule reads it: `f"val_loss: {v:.4f}"`, `'Loss: {:.6f}'.format(...)`,
 *     `"acc=%.3f" % acc`, `f"{val_loss=}"`, `print("loss:", loss)`;
 *   - keys of the reporting calls whose values reach Knobs: `knobs.report(loss=...)`,
 *     `wandb.log({"val_loss": ...})` (the shim), `self.log("val_loss", v)`, `log_dict` /
 *     `log_metrics` / `set_postfix`, `json.dumps({...})` (JSON lines).
 *
 * Each use says whether it is a validation/test one (from the printed label, else from the
 * enclosing function's name: `def test(...)`), so "New Sweep File" can pick the validation loss
 * and pre-flight can name what the script prints. Strings inside option calls (help texts) and
 * step counters (`Epoch: {}`) are not metrics.
 */
import { findOptionCalls, tokenizePython } from '../promote/python';
import { calleeChain, isOp, matchBrackets, splitArgs, strValue, type Tok } from '../promote/tokens';

export type MetricPhase = 'train' | 'val';

export interface MetricUse {
  /** The name as the script prints it (the report parser matches it case-sensitively). */
  name: string;
  /** 1-based line of the print or call. */
  line: number;
  /** free text (`print`, `logging`: read from stdout) or a key of a reporting call. */
  via: 'text' | 'key';
  phase?: MetricPhase;
  /** free text: the printed label before the value, without placeholders (`Test set: Average loss`). */
  label?: string;
  /**
   * free text written `name value` (`| valid loss  5.23 |`), with no `:` or `=`: only a
   * metric_regex reads it.
   */
  spaced?: boolean;
}

export interface ScriptMetrics {
  uses: MetricUse[];
  /** Lines that log values no static reading can name (`wandb.log(metrics)`, `print(json.dumps(d))`). */
  opaque: number[];
}

/** Step counters and other numbers printed beside metrics, never proposed as the metric. */
const NOT_METRIC = new RegExp(
  '^(?:epoch|epochs|step|steps|_step|global_step|iter|iters|iteration|it|batch|batch_idx|idx|default|time|seed|lr_step|' +
    'n|total|size|count|rank|pid|device|gpu)$',
  'i',
);
const VAL_WORDS = /(?:^|[^a-z])(?:test|val|valid|validation|eval|evaluation|dev|holdout)(?:$|[^a-z])/i;
const TRAIN_WORDS = /(?:^|[^a-z])train(?:ing)?(?:$|[^a-z])/i;
/** A value placeholder: `{...}` (format, f-string) or a `%` conversion. */
const PLACEHOLDER = String.raw`(?:\{[^{}]*\}|%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGrs])`;
const LABELLED = new RegExp(String.raw`(?<![\w./])([A-Za-z_][\w./]*)(\s*[:=]|\s)\s*${PLACEHOLDER}`, 'g');
/** Only names like these count when printed as `name value` (`valid ppl 120.3`). */
const SPACED_METRIC = /loss|acc|ppl|perplexity|err|score|f1|auc|bleu|mse|mae/i;
const SELF_DOC = /\{\s*([A-Za-z_][\w.]*)\s*=[^{}]*\}/g;
const ENDS_LABELLED = /(?<![\w./])([A-Za-z_][\w./]*)\s*[:=]\s*$/;
/** Calls whose keys reach Knobs (the helper, the wandb shim, progress bars); TensorBoard and MLflow calls do not. */
const REPORT_CALLS = new Set(['report', 'log', 'log_dict', 'log_metrics', 'set_postfix']);
const TEXT_CALLS = new Set(['print', 'info', 'debug', 'warning', 'write', 'set_description', 'set_postfix_str', 'echo', 'secho']);

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The body of a string token with common escapes undone (f-strings are not parsed as literals). */
function stringBody(tk: Tok): string {
  const v = strValue(tk, 'python');
  if (v !== undefined) return v;
  const m = /^[rRbBuUfF]*("""|'''|"|')([\s\S]*?)\1?$/.exec(tk.s);
  return (m ? m[2] : tk.s).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

const isFString = (tk: Tok) => /^[rRbBuU]*[fF]/.test(tk.s);

function phaseOf(label: string, fn: string | undefined): MetricPhase | undefined {
  for (const s of [label, fn ?? '']) {
    if (VAL_WORDS.test(s) || /^(?:val|test|eval|valid)/i.test(s)) return 'val';
    if (TRAIN_WORDS.test(s) || /^train/i.test(s)) return 'train';
  }
  return undefined;
}

/** The name of the function each line is in (by indentation), for the phase of a print. */
function enclosingFunctions(text: string): (string | undefined)[] {
  const lines = text.split('\n');
  const out: (string | undefined)[] = [undefined];
  const stack: { indent: number; name: string }[] = [];
  for (const l of lines) {
    if (l.trim() && !l.trim().startsWith('#')) {
      const indent = l.length - l.trimStart().length;
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const m = /^\s*(?:async\s+)?def\s+(\w+)/.exec(l);
      if (m) stack.push({ indent, name: m[1] });
    }
    out.push(stack[stack.length - 1]?.name);
  }
  return out;
}

/** Labelled values in one printed string: `name: {…}` pairs, and `{name=}` in f-strings. */
function labelledNames(body: string, fString: boolean): { name: string; label: string; spaced: boolean }[] {
  const out: { name: string; label: string; spaced: boolean }[] = [];
  let from = 0;
  for (const m of body.matchAll(LABELLED)) {
    const spaced = !/[:=]/.test(m[2]);
    if (spaced && !SPACED_METRIC.test(m[1])) continue;
    const labelStart = Math.max(from, body.lastIndexOf('\n', m.index) + 1, body.lastIndexOf('|', m.index) + 1);
    const label = body
      .slice(labelStart, m.index + m[1].length)
      .replace(new RegExp(PLACEHOLDER, 'g'), '')
      .trim();
    out.push({ name: m[1], label: label.replace(/^[^\w]+/, ''), spaced });
    from = m.index + m[0].length;
  }
  if (fString) for (const m of body.matchAll(SELF_DOC)) out.push({ name: m[1], label: m[1], spaced: false });
  return out;
}

/** The metric names a Python script prints or logs, in source order. */
export function scriptMetrics(text: string): ScriptMetrics {
  const toks = tokenizePython(text);
  const match = matchBrackets(toks);
  const fnAt = enclosingFunctions(text);
  const uses: MetricUse[] = [];
  const opaque: number[] = [];
  // help texts and option strings are not prints
  const optionSpans = findOptionCalls(text).map((c) => {
    const open = toks.findIndex((t) => t.start >= c.start && isOp(t, '('));
    return [c.start, toks[match.get(open) ?? open]?.end ?? c.start] as const;
  });
  const inOption = (at: number) => optionSpans.some(([s, e]) => at >= s && at < e);
  const add = (name: string, at: number, via: MetricUse['via'], label?: string, spaced = false) => {
    if (NOT_METRIC.test(name) || !/[A-Za-z]/.test(name)) return;
    const line = lineOf(text, at);
    uses.push({
      name,
      line,
      via,
      ...(label !== undefined && { label }),
      ...optional(phaseOf(label ?? name, fnAt[line])),
      ...(spaced && { spaced }),
    });
  };
  const keysOf = (open: number) => {
    // dict literals and keyword arguments of a reporting call; a name argument followed by a value (`self.log("val_loss", v)`)
    let named = 0;
    const args = splitArgs(toks, match, open);
    for (const [s, e] of args) {
      if (toks[s].t === 'name' && isOp(toks[s + 1], '=') && toks[s].s !== 'step' && toks[s].s !== 'commit') {
        add(toks[s].s, toks[s].start, 'key');
        named++;
      } else if (isOp(toks[s], '{') && match.get(s) === e - 1) {
        for (const [ks] of splitArgs(toks, match, s)) {
          const k = strValue(toks[ks], 'python');
          if (k !== undefined && isOp(toks[ks + 1], ':')) {
            add(k, toks[ks].start, 'key');
            named++;
          }
        }
      }
    }
    const first = args[0] && strValue(toks[args[0][0]], 'python');
    if (first !== undefined && args.length >= 2 && args[0][1] === args[0][0] + 1) {
      add(first, toks[args[0][0]].start, 'key');
      named++;
    }
    if (!named && args.length) opaque.push(lineOf(text, toks[open].start));
  };

  for (let i = 0; i < toks.length; i++) {
    const tk = toks[i];
    if (tk.t === 'str' && !inOption(tk.start)) {
      // adjacent literals are one string ('a {} ' 'b {}'.format(...))
      let end = i + 1;
      while (toks[end]?.t === 'str') end++;
      const parts = toks.slice(i, end);
      const body = parts.map(stringBody).join('');
      const fString = parts.some(isFString);
      const formatted = fString || (isOp(toks[end], '.') && toks[end + 1]?.s === 'format') || isOp(toks[end], '%');
      if (formatted) for (const { name, label, spaced } of labelledNames(body, fString)) add(name, tk.start, 'text', label, spaced);
      // print("val_loss:", v): a label string followed by another argument
      const ends = ENDS_LABELLED.exec(body);
      if (ends && isOp(toks[end], ',') && isOp(toks[i - 1], '(') && TEXT_CALLS.has(calleeChain(toks, i - 1).names.at(-1) ?? ''))
        add(ends[1], tk.start, 'text', body.trim().replace(/[:=]$/, '').trim());
      i = end - 1;
      continue;
    }
    if (!isOp(tk, '(')) continue;
    const { names } = calleeChain(toks, i);
    const last = names.at(-1);
    if (!last) continue;
    if (names.length === 2 && names[0] === 'json' && last === 'dumps') keysOf(i);
    else if (
      REPORT_CALLS.has(last) &&
      (names.length > 1 || last === 'report') &&
      !(names[0] === 'math' || names[0] === 'np' || names[0] === 'torch' || names[0] === 'logging' || names[0] === 'logger')
    )
      keysOf(i);
  }
  return { uses, opaque };
}

function optional(phase: MetricPhase | undefined): { phase?: MetricPhase } {
  return phase ? { phase } : {};
}

/** The distinct names a script prints or logs, in source order (for messages). */
export function printedNames(m: ScriptMetrics): string[] {
  return [...new Set(m.uses.map((u) => u.name))];
}
