/**
 * Tokens and the helpers every language's scanner shares: bracket matching, argument splitting,
 * string values and literal spans. The tokenizers themselves live with their language
 * (python.ts, javascript.ts).
 */
import type { SourceLang } from './lang';
import { parseLiteral } from './literal';

export type TokType = 'name' | 'num' | 'str' | 'tmpl' | 'regex' | 'op' | 'nl' | 'eof';
export interface Tok {
  t: TokType;
  s: string;
  start: number;
  end: number;
  /** JS: a line break precedes this token. */
  nlBefore?: boolean;
}

export const NUM_RE = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?)[jJn]?/y;
export const ID_RE = /[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*/y;

/** Index of the matching close bracket for each open bracket (unbalanced ones are left out). */
export function matchBrackets(toks: readonly Tok[]): Map<number, number> {
  const m = new Map<number, number>();
  const stack: number[] = [];
  const pair: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  toks.forEach((tk, i) => {
    if (tk.t !== 'op') return;
    if (tk.s === '(' || tk.s === '[' || tk.s === '{') stack.push(i);
    else if (tk.s in pair) {
      // pop to the nearest matching opener (tolerates stray brackets)
      for (let k = stack.length - 1; k >= 0; k--) {
        if (toks[stack[k]].s === pair[tk.s]) {
          m.set(stack[k], i);
          stack.length = k;
          break;
        }
      }
    }
  });
  return m;
}

export const isOpen = (tk: Tok | undefined) => !!tk && tk.t === 'op' && (tk.s === '(' || tk.s === '[' || tk.s === '{');
export const isOp = (tk: Tok | undefined, s: string) => !!tk && tk.t === 'op' && tk.s === s;

/** Splits the tokens between open and its close at top-level commas: [start, end) index ranges. */
export function splitArgs(toks: readonly Tok[], match: Map<number, number>, open: number): [number, number][] {
  const close = match.get(open);
  if (close === undefined) return [];
  const out: [number, number][] = [];
  let s = open + 1;
  let j = open + 1;
  while (j < close) {
    const tk = toks[j];
    if (isOpen(tk)) {
      j = (match.get(j) ?? close - 1) + 1;
      continue;
    }
    if (isOp(tk, ',')) {
      if (j > s) out.push([s, j]);
      s = j + 1;
    }
    j++;
  }
  if (close > s) out.push([s, close]);
  return out;
}

/** Index of the first op `s` at bracket depth 0 in [from, to), or -1. */
export function findTop(toks: readonly Tok[], match: Map<number, number>, from: number, to: number, s: string): number {
  for (let j = from; j < to; j++) {
    if (isOp(toks[j], s)) return j;
    if (isOpen(toks[j])) j = match.get(j) ?? to;
  }
  return -1;
}

/** The value of a string token, or undefined. */
export function strValue(tk: Tok | undefined, lang: SourceLang): string | undefined {
  if (tk?.t !== 'str') return undefined;
  if (lang === 'python' && /^[rRbBuU]*[fF]/.test(tk.s)) return undefined;
  const v = parseLiteral(tk.s, lang === 'json' ? 'javascript' : lang);
  return typeof v?.value === 'string' ? v.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Literal spans

const PY_CONSTS = new Set(['True', 'False', 'None']);
const JS_CONSTS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity']);

/** Index after the literal starting at i, or -1. Lists/dicts/tuples of literals count as one. */
export function litEnd(toks: readonly Tok[], match: Map<number, number>, i: number, lang: SourceLang): number {
  const tk = toks[i];
  if (!tk) return -1;
  const consts = lang === 'python' ? PY_CONSTS : JS_CONSTS;
  if (tk.t === 'op' && (tk.s === '-' || tk.s === '+')) {
    const nx = toks[i + 1];
    if (nx && (nx.t === 'num' || (nx.t === 'name' && nx.s === 'Infinity' && lang !== 'python'))) return i + 2;
    return -1;
  }
  if (tk.t === 'num') return i + 1;
  if (tk.t === 'str') {
    if (lang === 'python') {
      if (/^[rRbBuU]*[fF]/.test(tk.s)) return -1;
      let j = i;
      while (toks[j]?.t === 'str' && !/^[rRbBuU]*[fF]/.test(toks[j].s)) j++;
      return j;
    }
    return i + 1;
  }
  if (tk.t === 'tmpl') return tk.s.includes('${') ? -1 : i + 1;
  if (tk.t === 'name') return consts.has(tk.s) ? i + 1 : -1;
  if (isOpen(tk) && (tk.s !== '(' || lang === 'python')) {
    const close = match.get(i);
    if (close === undefined) return -1;
    for (let j = i + 1; j < close; j++) {
      const x = toks[j];
      if (x.t === 'num' || x.t === 'str') {
        if (lang === 'python' && /^[rRbBuU]*[fF]/.test(x.s)) return -1;
        continue;
      }
      if (x.t === 'tmpl' && !x.s.includes('${')) continue;
      if (x.t === 'name' && (consts.has(x.s) || (lang !== 'python' && isOp(toks[j + 1], ':')))) continue;
      if (x.t === 'op' && [',', ':', '-', '+', '(', ')', '[', ']', '{', '}'].includes(x.s)) {
        if (x.s === '(' && lang !== 'python') return -1;
        continue;
      }
      return -1;
    }
    return close + 1;
  }
  return -1;
}

/** The dotted callee before the `(` at `open` (`parser.add_argument` → [parser, add_argument]) and its start offset. */
export function calleeChain(toks: readonly Tok[], open: number): { names: string[]; start: number } {
  const names: string[] = [];
  let j = open - 1;
  let start = open;
  while (j >= 0 && toks[j].t === 'name') {
    names.unshift(toks[j].s);
    start = toks[j].start;
    if (isOp(toks[j - 1], '.') && toks[j - 2]?.t === 'name') j -= 2;
    else break;
  }
  return { names, start };
}
