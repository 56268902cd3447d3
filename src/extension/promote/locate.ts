/**
 * Where a training script or config file defines its hyperparameters (pure: no vscode import).
 *
 *   langOf(fileName)                      → python | javascript | typescript | yaml | json
 *   locateParams(text, lang, names?)      → definition sites: argparse/click options, dict and
 *                                           object literal keys, function keyword defaults,
 *                                           top-level assignments, YAML/JSON config keys
 *
 * Each language gets a small tokenizer (strings, comments, brackets), so text inside strings and
 * comments is never taken for a definition and multi-line calls work. Sites carry the offsets of
 * the default value's literal, which promote (edits.ts) rewrites.
 *
 * Names match after normalisation: case-insensitive, camelCase = snake_case, `-` = `_`
 * (`LR` ~ `lr`, `batchSize` ~ `batch_size`, `--batch-size` ~ `batch_size`). A dotted name
 * (`optimizer.lr`) matches a nested key path, or the same words joined by `_`; a plain name also
 * matches the last key of a nested path (`lr` ~ `optimizer.lr`) when nothing better exists.
 * Several sites of one name are ordered argparse/click > dict/object/config key > function
 * default > assignment (last-key-only matches come after all of those); the first is the one
 * promote edits.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YNode } from 'yaml';
import { parseLiteral } from './literal';

export type SourceLang = 'python' | 'javascript' | 'typescript' | 'yaml' | 'json';

export function langOf(fileName: string): SourceLang | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName);
  if (!m) return undefined;
  switch (m[1].toLowerCase()) {
    case 'py':
    case 'pyw':
    case 'pyi':
      return 'python';
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'jsx':
      return 'javascript';
    case 'ts':
    case 'mts':
    case 'cts':
    case 'tsx':
      return 'typescript';
    case 'yaml':
    case 'yml':
      return 'yaml';
    case 'json':
    case 'jsonc':
    case 'json5':
      return 'json';
    default:
      return undefined;
  }
}

export type SiteKind = 'argparse' | 'dict' | 'assign' | 'object' | 'yaml' | 'json' | 'click' | 'function-default';

export interface ParamSite {
  /** The sweep parameter name it defines (e.g. "lr", "batch_size", "optimizer.lr"). */
  name: string;
  kind: SiteKind;
  /** 0-based line of the definition (for a code lens). */
  line: number;
  /** 0-based column of the definition start. */
  col: number;
  /** Offsets into text of the default value literal. */
  valueStart: number;
  valueEnd: number;
  valueText: string;
}

const KIND_RANK: Record<SiteKind, number> = {
  argparse: 0,
  click: 0,
  dict: 1,
  object: 1,
  yaml: 1,
  json: 1,
  'function-default': 2,
  assign: 3,
};

/** A site before names are matched: `path` is the key path as written. */
interface RawSite {
  path: string[];
  kind: SiteKind;
  defStart: number;
  valueStart: number;
  valueEnd: number;
}

// ---------------------------------------------------------------------------------------------
// Tokens

export type TokType = 'name' | 'num' | 'str' | 'tmpl' | 'regex' | 'op' | 'nl' | 'eof';
export interface Tok {
  t: TokType;
  s: string;
  start: number;
  end: number;
  /** JS: a line break precedes this token. */
  nlBefore?: boolean;
}

const PY_OPS = ['**=', '//=', '>>=', '<<=', '...', '->', ':=', '==', '!=', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@='];
const JS_OPS = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>'];
const NUM_RE = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?)[jJn]?/y;
const ID_RE = /[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*/y;
const PY_STR_PREFIX = /[rRbBuUfF]{0,2}(?=['"])/y;

/** Python tokens; `nl` marks the end of each logical line (never inside brackets). */
export function tokenizePython(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let depth = 0;
  const n = text.length;
  const pushNl = (at: number) => {
    if (out.length && out[out.length - 1].t !== 'nl') out.push({ t: 'nl', s: '\n', start: at, end: at });
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      if (depth === 0) pushNl(i);
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    // strings, with prefixes
    PY_STR_PREFIX.lastIndex = i;
    const p = c === '"' || c === "'" || /[rRbBuUfF]/.test(c) ? PY_STR_PREFIX.exec(text) : null;
    if (p && (p[0].length > 0 || c === '"' || c === "'")) {
      const q = text[i + p[0].length];
      const triple = text.startsWith(q.repeat(3), i + p[0].length);
      const close = triple ? q.repeat(3) : q;
      let j = i + p[0].length + close.length;
      while (j < n) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (text.startsWith(close, j)) {
          j += close.length;
          break;
        }
        if (!triple && text[j] === '\n') break; // unterminated: stop at the line end
        j++;
      }
      j = Math.min(j, n);
      out.push({ t: 'str', s: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUM_RE.lastIndex = i;
      const m = NUM_RE.exec(text)!;
      out.push({ t: 'num', s: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    ID_RE.lastIndex = i;
    const id = ID_RE.exec(text);
    if (id && c !== '$') {
      out.push({ t: 'name', s: id[0], start: i, end: i + id[0].length });
      i += id[0].length;
      continue;
    }
    const op = PY_OPS.find((o) => text.startsWith(o, i)) ?? c;
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    out.push({ t: 'op', s: op, start: i, end: i + op.length });
    i += op.length;
  }
  pushNl(n);
  out.push({ t: 'eof', s: '', start: n, end: n });
  return out;
}

const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'instanceof', 'yield', 'await']);

/** JS/TS tokens (also used for JSON with comments). */
export function tokenizeJs(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let nl = false;
  const n = text.length;
  const push = (t: TokType, start: number, end: number) => {
    out.push({ t, s: text.slice(start, end), start, end, nlBefore: nl });
    nl = false;
  };
  // skips a string body starting after the opening quote; returns the index after the close
  const skipString = (j: number, q: string): number => {
    while (j < n) {
      const ch = text[j];
      if (ch === '\\') {
        j += 2;
        continue;
      }
      if (ch === q) return j + 1;
      if (ch === '\n' && q !== '`') return j;
      if (q === '`' && ch === '$' && text[j + 1] === '{') {
        j = skipBraces(j + 2);
        continue;
      }
      j++;
    }
    return n;
  };
  // skips to after the `}` closing a `${`, over nested strings and braces
  const skipBraces = (j: number): number => {
    let d = 1;
    while (j < n && d > 0) {
      const ch = text[j];
      if (ch === '"' || ch === "'" || ch === '`') {
        j = skipString(j + 1, ch);
        continue;
      }
      if (ch === '{') d++;
      else if (ch === '}') d--;
      j++;
    }
    return j;
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      nl = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF' || c === '\u00A0') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const stop = e < 0 ? n : e + 2;
      if (text.slice(i, stop).includes('\n')) nl = true;
      i = stop;
      continue;
    }
    if (c === '#' && i === 0 && text[1] === '!') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const j = skipString(i + 1, c);
      push('str', i, j);
      i = j;
      continue;
    }
    if (c === '`') {
      const j = skipString(i + 1, '`');
      push('tmpl', i, j);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUM_RE.lastIndex = i;
      const m = NUM_RE.exec(text)!;
      push('num', i, i + m[0].length);
      i += m[0].length;
      continue;
    }
    ID_RE.lastIndex = i;
    const id = ID_RE.exec(text);
    if (id) {
      push('name', i, i + id[0].length);
      i += id[0].length;
      continue;
    }
    if (c === '/') {
      const prev = out[out.length - 1];
      const regexOk = !prev || (prev.t === 'op' && !(prev.s === ')' || prev.s === ']' || prev.s === '}')) || (prev.t === 'name' && REGEX_AFTER_WORDS.has(prev.s));
      if (regexOk) {
        let j = i + 1;
        let cls = false;
        while (j < n && text[j] !== '\n') {
          const ch = text[j];
          if (ch === '\\') {
            j += 2;
            continue;
          }
          if (ch === '[') cls = true;
          else if (ch === ']') cls = false;
          else if (ch === '/' && !cls) break;
          j++;
        }
        j++;
        while (j < n && /[a-z]/i.test(text[j])) j++;
        push('regex', i, Math.min(j, n));
        i = Math.min(j, n);
        continue;
      }
    }
    const op = JS_OPS.find((o) => text.startsWith(o, i)) ?? c;
    push('op', i, i + op.length);
    i += op.length;
  }
  out.push({ t: 'eof', s: '', start: n, end: n, nlBefore: true });
  return out;
}

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

const isOpen = (tk: Tok | undefined) => !!tk && tk.t === 'op' && (tk.s === '(' || tk.s === '[' || tk.s === '{');
const isOp = (tk: Tok | undefined, s: string) => !!tk && tk.t === 'op' && tk.s === s;

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
function findTop(toks: readonly Tok[], match: Map<number, number>, from: number, to: number, s: string): number {
  for (let j = from; j < to; j++) {
    if (isOp(toks[j], s)) return j;
    if (isOpen(toks[j])) j = match.get(j) ?? to;
  }
  return -1;
}

/** The value of a string token, or undefined. */
export function strValue(tk: Tok | undefined, lang: SourceLang): string | undefined {
  if (!tk || tk.t !== 'str') return undefined;
  if (lang === 'python' && /^[rRbBuU]*[fF]/.test(tk.s)) return undefined;
  const v = parseLiteral(tk.s, lang === 'json' ? 'javascript' : lang);
  return typeof v?.value === 'string' ? v.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Literal spans

const PY_CONSTS = new Set(['True', 'False', 'None']);
const JS_CONSTS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity']);

/** Index after the literal starting at i, or -1. Lists/dicts/tuples of literals count as one. */
function litEnd(toks: readonly Tok[], match: Map<number, number>, i: number, lang: SourceLang): number {
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

// ---------------------------------------------------------------------------------------------
// Python

/** One `add_argument` / `add_option` / `click.option` call with its arguments. */
export interface OptionCall {
  kind: 'argparse' | 'click';
  /** Start offset of the call (callee chain). */
  start: number;
  /** Positional string arguments (option strings, or click's explicit name). */
  strings: string[];
  /** Keyword arguments: name → source span and text. */
  kwargs: Record<string, { start: number; end: number; text: string; literal: boolean }>;
  /** The parameter's name: `dest=`, else argparse's / click's rule from the option strings. */
  dest?: string;
}

function argparseDest(strings: string[]): string | undefined {
  if (strings.length === 0) return undefined;
  const long = strings.find((s) => /^--./.test(s)) ?? strings.find((s) => /^-./.test(s));
  if (!long) return strings[0];
  return long.replace(/^-+/, '').replace(/-/g, '_');
}

function clickName(strings: string[]): string | undefined {
  // click: an unprefixed name wins, else the first long option, else the first short one
  const bare = strings.find((s) => /^[A-Za-z_]\w*$/.test(s));
  if (bare) return bare;
  const opts = strings.map((s) => s.split('/')[0].trim()).filter((s) => s.startsWith('-'));
  const pick = opts.find((s) => s.startsWith('--')) ?? opts[0];
  return pick?.replace(/^-+/, '').replace(/-/g, '_').toLowerCase();
}

interface PyScan {
  sites: RawSite[];
  calls: OptionCall[];
}

function calleeChain(toks: readonly Tok[], open: number): { names: string[]; start: number } {
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

function scanPython(text: string): PyScan {
  const toks = tokenizePython(text);
  const match = matchBrackets(toks);
  const sites: RawSite[] = [];
  const calls: OptionCall[] = [];
  const consumed = new Set<number>();
  const lang: SourceLang = 'python';

  const valueSite = (path: string[], kind: SiteKind, defStart: number, vs: number, ve: number): void => {
    sites.push({ path, kind, defStart, valueStart: toks[vs].start, valueEnd: toks[ve - 1].end });
    // brackets inside a literal value are not scanned again as roots
    for (let j = vs; j < ve; j++) if (isOpen(toks[j])) consumed.add(j);
  };

  const kwEntries = (open: number) =>
    splitArgs(toks, match, open).map(([s, e]) => {
      const named = toks[s].t === 'name' && isOp(toks[s + 1], '=');
      return { s, e, key: named ? toks[s].s : undefined, vs: named ? s + 2 : s };
    });

  const dictCall = (open: number, prefix: string[]): void => {
    consumed.add(open);
    for (const a of kwEntries(open)) {
      if (!a.key) continue;
      entryValue([...prefix, a.key], toks[a.s].start, a.vs, a.e);
    }
  };
  const dictLit = (open: number, prefix: string[]): void => {
    consumed.add(open);
    for (const [s, e] of splitArgs(toks, match, open)) {
      const key = strValue(toks[s], lang);
      if (key === undefined || !isOp(toks[s + 1], ':')) continue;
      entryValue([...prefix, key], toks[s].start, s + 2, e);
    }
  };
  const entryValue = (path: string[], defStart: number, vs: number, e: number): void => {
    if (vs >= e) return;
    const v = toks[vs];
    if (isOp(v, '{') && match.get(vs) === e - 1) return dictLit(vs, path);
    if (v.t === 'name' && v.s === 'dict' && isOp(toks[vs + 1], '(') && match.get(vs + 1) === e - 1) return dictCall(vs + 1, path);
    if (litEnd(toks, match, vs, lang) === e) valueSite(path, 'dict', defStart, vs, e);
  };

  // calls, defs and dicts
  for (let i = 0; i < toks.length; i++) {
    const tk = toks[i];
    if (isOp(tk, '{') && !consumed.has(i)) {
      dictLit(i, []);
      continue;
    }
    if (!isOp(tk, '(') || consumed.has(i)) continue;
    if (toks[i - 1]?.t === 'name' && toks[i - 2]?.t === 'name' && toks[i - 2].s === 'def') {
      // def train(lr=1e-3, *, dropout: float = 0.1)
      for (const [s, e] of splitArgs(toks, match, i)) {
        if (toks[s].t !== 'name') continue;
        const eq = findTop(toks, match, s, e, '=');
        if (eq < 0 || (eq !== s + 1 && !isOp(toks[s + 1], ':'))) continue;
        if (litEnd(toks, match, eq + 1, lang) === e) valueSite([toks[s].s], 'function-default', toks[s].start, eq + 1, e);
      }
      continue;
    }
    const { names, start } = calleeChain(toks, i);
    if (!names.length) continue;
    const last = names[names.length - 1];
    if (names.length === 1 && last === 'dict') {
      dictCall(i, []);
      continue;
    }
    const isArgparse = last === 'add_argument' || last === 'add_option';
    const isClick = (last === 'option' && (names.length === 1 ? isOp(toks[i - 2], '@') : names[0] === 'click')) || (last === 'Option' && names[0] === 'typer');
    if (last === 'set_defaults' && names.length > 1) {
      for (const a of kwEntries(i)) {
        if (a.key && litEnd(toks, match, a.vs, lang) === a.e) valueSite([a.key], 'argparse', toks[a.s].start, a.vs, a.e);
      }
      continue;
    }
    if (!isArgparse && !isClick) continue;
    const call: OptionCall = { kind: isArgparse ? 'argparse' : 'click', start, strings: [], kwargs: {} };
    let typerDefault: { s: number; e: number } | undefined;
    let defaultSpan: { s: number; e: number } | undefined;
    for (const a of kwEntries(i)) {
      if (a.key === 'default') defaultSpan = { s: a.vs, e: a.e };
      if (a.key) {
        const lit = litEnd(toks, match, a.vs, lang) === a.e;
        call.kwargs[a.key] = { start: toks[a.vs].start, end: toks[a.e - 1].end, text: text.slice(toks[a.vs].start, toks[a.e - 1].end), literal: lit };
        continue;
      }
      const sv = a.e === a.s + 1 ? strValue(toks[a.s], lang) : undefined;
      if (sv !== undefined && (isArgparse || isClick)) {
        if (last === 'Option' && !sv.startsWith('-') && call.strings.length === 0 && !typerDefault) typerDefault = { s: a.s, e: a.e };
        else call.strings.push(sv);
      } else if (last === 'Option' && !typerDefault && litEnd(toks, match, a.s, lang) === a.e) {
        typerDefault = { s: a.s, e: a.e };
      }
    }
    const destKw = call.kwargs.dest;
    const destLit = destKw && destKw.literal ? parseLiteral(destKw.text, lang)?.value : undefined;
    call.dest = typeof destLit === 'string' ? destLit : isArgparse ? argparseDest(call.strings) : clickName(call.strings);
    calls.push(call);
    if (!call.dest) continue;
    const d = call.kwargs.default;
    if (d && d.literal && defaultSpan) {
      valueSite(call.dest.split('.'), call.kind, start, defaultSpan.s, defaultSpan.e);
    } else if (typerDefault) {
      valueSite(call.dest.split('.'), 'click', start, typerDefault.s, typerDefault.e);
    }
  }

  // assignments at module level, in class bodies and under if/for/with/try (not in functions)
  const blocks: { indent: number; fn: boolean }[] = [];
  let ls = 0;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].t !== 'nl' && toks[i].t !== 'eof') continue;
    const le = i;
    if (le > ls) {
      const first = toks[ls];
      const indent = first.start - (text.lastIndexOf('\n', first.start - 1) + 1);
      while (blocks.length && blocks[blocks.length - 1].indent >= indent) blocks.pop();
      const inFn = blocks.some((b) => b.fn);
      if (!inFn && first.t === 'name') {
        // NAME = literal   |   NAME: annotation = literal
        let eq = -1;
        if (isOp(toks[ls + 1], '=')) eq = ls + 1;
        else if (isOp(toks[ls + 1], ':')) eq = findTop(toks, match, ls + 2, le, '=');
        if (eq > 0) {
          const semi = findTop(toks, match, eq + 1, le, ';');
          const end = semi >= 0 ? semi : le;
          if (litEnd(toks, match, eq + 1, lang) === end && !isOp(toks[eq + 2], '=')) valueSite([first.s], 'assign', first.start, eq + 1, end);
        }
      }
      if (isOp(toks[le - 1], ':')) {
        const fn = first.s === 'def' || (first.s === 'async' && toks[ls + 1]?.s === 'def');
        blocks.push({ indent, fn });
      }
    }
    ls = i + 1;
  }
  return { sites, calls };
}

/** argparse `add_argument` and click `option` calls of a Python script, in source order. */
export function findOptionCalls(text: string): OptionCall[] {
  return scanPython(text).calls.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const OBJ_PREV_OPS = new Set(['=', '(', ',', ':', '[', '?', '||', '&&', '??', '...', '??=', '||=', '&&=']);
const OBJ_PREV_WORDS = new Set(['return', 'default', 'satisfies', 'as', 'yield', 'await', 'const', 'let', 'var']);
const DECL_WORDS = new Set(['const', 'let', 'var']);
const TS_MODIFIERS = new Set(['public', 'private', 'protected', 'readonly', 'override']);

/** One entry of a JS object literal of options: `lr: 0.001` or `lr: { type: 'float', default: 0.001 }`. */
export interface JsOptionEntry {
  key: string;
  /** Literal source text of the value, when the value is a literal. */
  valueText?: string;
  /** For an object value: its literal fields (key → literal text). */
  fields?: Record<string, string>;
  start: number;
}

interface JsScan {
  sites: RawSite[];
  toks: Tok[];
  match: Map<number, number>;
  /** Top-level `const NAME = {` objects: NAME → index of `{`. */
  topObjects: { name: string; open: number }[];
  /** `parseArgs({ options: {` … the `{` of options. */
  parseArgsOptions: number[];
}

function scanJs(text: string, lang: SourceLang): JsScan {
  const toks = tokenizeJs(text);
  const match = matchBrackets(toks);
  const sites: RawSite[] = [];
  const consumed = new Set<number>();
  const topObjects: { name: string; open: number }[] = [];
  const parseArgsOptions: number[] = [];

  // ends a value: `,` `;` `)` `]` `}` a line break, EOF, or a TS `as const` / `satisfies T` tail
  const valueEnds = (j: number, limit?: number): boolean => {
    if (limit !== undefined) return j === limit || (toks[j]?.t === 'name' && (toks[j].s === 'as' || toks[j].s === 'satisfies') && j < limit);
    const tk = toks[j];
    if (!tk || tk.t === 'eof' || tk.nlBefore) return true;
    if (tk.t === 'op' && [',', ';', ')', ']', '}'].includes(tk.s)) return true;
    return tk.t === 'name' && (tk.s === 'as' || tk.s === 'satisfies');
  };
  const site = (path: string[], kind: SiteKind, defStart: number, vs: number, ve: number): void => {
    sites.push({ path, kind, defStart, valueStart: toks[vs].start, valueEnd: toks[ve - 1].end });
    for (let j = vs; j < ve; j++) if (isOpen(toks[j])) consumed.add(j);
  };
  const keyOf = (tk: Tok): string | undefined => {
    if (tk.t === 'name' || tk.t === 'num') return tk.s;
    return strValue(tk, lang);
  };
  const objectLit = (open: number, prefix: string[]): void => {
    consumed.add(open);
    const entries = splitArgs(toks, match, open);
    // `lr: { type: 'float', default: 0.003, help: '...' }`: only `default` is a value to promote
    // (unless a sibling holds a number: then it is a config map with a key named `default`)
    const numeric = (s: number, e: number) => isOp(toks[s + 1], ':') && (toks[s + 2]?.t === 'num' ? e === s + 3 : isOp(toks[s + 2], '-') && toks[s + 3]?.t === 'num' && e === s + 4);
    const wrapped =
      prefix.length > 0 &&
      entries.some(([s, e]) => keyOf(toks[s]) === 'default' && isOp(toks[s + 1], ':') && litEnd(toks, match, s + 2, lang) === e) &&
      !entries.some(([s, e]) => keyOf(toks[s]) !== 'default' && numeric(s, e));
    for (const [s, e] of entries) {
      const k = toks[s];
      if (wrapped && keyOf(k) !== 'default') continue;
      if (isOp(k, '...')) continue;
      // destructuring default: { lr = 1e-3 }
      if (k.t === 'name' && isOp(toks[s + 1], '=')) {
        const le = litEnd(toks, match, s + 2, lang);
        if (le > 0 && valueEnds(le, e)) site([k.s], 'function-default', k.start, s + 2, le);
        continue;
      }
      const key = keyOf(k);
      if (key === undefined || !isOp(toks[s + 1], ':')) continue;
      const vs = s + 2;
      const v = toks[vs];
      if (!v) continue;
      const path = key === 'default' && prefix.length ? prefix : [...prefix, key];
      if (isOp(v, '{') && valueEnds((match.get(vs) ?? -9) + 1, e)) {
        objectLit(vs, [...prefix, key]);
        continue;
      }
      const le = litEnd(toks, match, vs, lang);
      if (le > 0 && valueEnds(le, e)) site(path, 'object', k.start, vs, le);
    }
  };

  // depth of each token
  const depth: number[] = new Array(toks.length).fill(0);
  {
    let d = 0;
    toks.forEach((tk, i) => {
      if (tk.t === 'op' && (tk.s === ')' || tk.s === ']' || tk.s === '}')) d = Math.max(0, d - 1);
      depth[i] = d;
      if (isOpen(tk)) d++;
    });
  }

  for (let i = 0; i < toks.length; i++) {
    const tk = toks[i];
    // top-level declarations: const lr = 3e-4, batchSize = 32;
    if (tk.t === 'name' && DECL_WORDS.has(tk.s) && depth[i] === 0) {
      let j = i + 1;
      for (;;) {
        const id = toks[j];
        if (!id || id.t !== 'name') break;
        let eq = j + 1;
        if (isOp(toks[eq], '!')) eq++;
        if (isOp(toks[eq], ':')) {
          // skip a type annotation up to `=` at this depth
          let k = eq + 1;
          while (k < toks.length && toks[k].t !== 'eof' && !isOp(toks[k], '=') && !isOp(toks[k], ';') && !(isOp(toks[k], ',') && depth[k] === 0)) {
            k = isOpen(toks[k]) ? (match.get(k) ?? k) + 1 : k + 1;
          }
          eq = k;
        }
        if (!isOp(toks[eq], '=')) break;
        const vs = eq + 1;
        if (isOp(toks[vs], '{')) topObjects.push({ name: id.s, open: vs });
        const le = litEnd(toks, match, vs, lang);
        if (le > 0 && !isOp(toks[vs], '{') && valueEnds(le)) site([id.s], 'assign', id.start, vs, le);
        // next declarator
        let k = vs;
        while (k < toks.length && toks[k].t !== 'eof' && !isOp(toks[k], ';') && !(isOp(toks[k], ',') && depth[k] === 0) && !(k > vs && toks[k].nlBefore && depth[k] === 0 && !isOp(toks[k - 1], '=') && toks[k].t === 'name' && (DECL_WORDS.has(toks[k].s) || toks[k].s === 'export' || toks[k].s === 'function'))) {
          k = isOpen(toks[k]) ? (match.get(k) ?? k) + 1 : k + 1;
        }
        if (isOp(toks[k], ',')) j = k + 1;
        else break;
      }
      continue;
    }
    if (isOp(tk, '(')) {
      const prev = toks[i - 1];
      const chain = calleeChain(toks, i);
      const last = chain.names[chain.names.length - 1];
      const args = splitArgs(toks, match, i);
      // parseArgs({ options: { lr: { type: 'string', default: '0.001' } } })
      if (last === 'parseArgs' && args.length && isOp(toks[args[0][0]], '{')) {
        for (const [s] of splitArgs(toks, match, args[0][0])) {
          if (keyOf(toks[s]) === 'options' && isOp(toks[s + 1], ':') && isOp(toks[s + 2], '{')) parseArgsOptions.push(s + 2);
        }
      }
      // yargs .option('lr', { default: 1e-3 }) · commander .option('--lr <n>', 'help', 1e-3)
      if ((last === 'option' || last === 'requiredOption') && chain.names.length > 0 && isOp(toks[i - 2], '.') && args.length >= 2) {
        const flag = args[0][1] === args[0][0] + 1 ? strValue(toks[args[0][0]], lang) : undefined;
        if (flag !== undefined) {
          const second = args[1];
          if (isOp(toks[second[0]], '{') && match.get(second[0]) === second[1] - 1) {
            const name = flag.replace(/^-+/, '');
            consumed.add(second[0]);
            for (const [s, e] of splitArgs(toks, match, second[0])) {
              if (keyOf(toks[s]) === 'default' && isOp(toks[s + 1], ':') && litEnd(toks, match, s + 2, lang) === e) site([name], 'argparse', chain.start, s + 2, e);
            }
          } else if (args.length >= 3) {
            const [s, e] = args[2];
            const longFlag = flag.split(/[\s,|]+/).find((f) => f.startsWith('--'));
            if (longFlag && litEnd(toks, match, s, lang) === e) {
              const name = longFlag.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
              site([name], 'argparse', chain.start, s, e);
            }
          }
        }
      }
      // function parameters: (lr = 1e-3, dropout: number = 0.1)
      const isCallLike = prev && prev.t === 'name' && !['if', 'while', 'for', 'switch', 'catch', 'with', 'return'].includes(prev.s);
      const arrow = isOp(toks[(match.get(i) ?? -9) + 1], '=>') || isOp(toks[(match.get(i) ?? -9) + 1], ':');
      if (isCallLike || arrow || (prev && prev.t === 'name' && prev.s === 'function')) {
        for (const [s, e] of args) {
          let k = s;
          while (toks[k]?.t === 'name' && TS_MODIFIERS.has(toks[k].s) && toks[k + 1]?.t === 'name') k++;
          const id = toks[k];
          if (id?.t !== 'name') continue;
          let eq = k + 1;
          if (isOp(toks[eq], '?')) eq++;
          if (isOp(toks[eq], ':')) eq = findTop(toks, match, eq + 1, e, '=');
          if (eq < 0 || !isOp(toks[eq], '=')) continue;
          const le = litEnd(toks, match, eq + 1, lang);
          if (le > 0 && valueEnds(le, e) && !isOp(toks[eq + 1], '{')) site([id.s], 'function-default', id.start, eq + 1, le);
        }
      }
      continue;
    }
    if (isOp(tk, '{') && !consumed.has(i)) {
      const prev = toks[i - 1];
      const objectish = prev && ((prev.t === 'op' && OBJ_PREV_OPS.has(prev.s)) || (prev.t === 'name' && OBJ_PREV_WORDS.has(prev.s)));
      if (objectish) objectLit(i, []);
    }
  }
  return { sites, toks, match, topObjects, parseArgsOptions };
}

/**
 * The options object of a JS/TS script: a top-level `const defaults|options|args|config… = {…}`,
 * else the `options` of a `parseArgs({...})` call. Its entries, in source order.
 */
export function findJsOptions(text: string, lang: SourceLang): JsOptionEntry[] {
  const scan = scanJs(text, lang);
  const { toks, match } = scan;
  const named = scan.topObjects.find((o) => /default|option|arg|config|param|hparam|hyper|setting|flag/i.test(o.name));
  const open = named?.open ?? scan.parseArgsOptions[0];
  if (open === undefined) return [];
  const out: JsOptionEntry[] = [];
  const lit = (s: number, e: number) => (litEnd(toks, match, s, lang) === e ? text.slice(toks[s].start, toks[e - 1].end) : undefined);
  for (const [s, e] of splitArgs(toks, match, open)) {
    const k = toks[s];
    const key = k.t === 'name' ? k.s : strValue(k, lang);
    if (key === undefined || !isOp(toks[s + 1], ':')) continue;
    const vs = s + 2;
    if (isOp(toks[vs], '{') && match.get(vs) === e - 1) {
      const fields: Record<string, string> = {};
      for (const [fs, fe] of splitArgs(toks, match, vs)) {
        const fk = toks[fs].t === 'name' ? toks[fs].s : strValue(toks[fs], lang);
        if (fk === undefined || !isOp(toks[fs + 1], ':')) continue;
        const t = lit(fs + 2, fe);
        if (t !== undefined) fields[fk] = t;
      }
      out.push({ key, fields, start: k.start });
    } else {
      out.push({ key, valueText: lit(vs, e), start: k.start });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// YAML and JSON

const WRAPPER_KEYS = new Set(['value', 'default']);

function scanYaml(text: string): RawSite[] {
  const sites: RawSite[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return sites;
  }
  const list = Array.isArray(docs) ? docs : [];
  const walk = (node: unknown, prefix: string[]): void => {
    if (!isMap(node)) return;
    // `dropout: {desc: ..., value: 0.1}` (W&B config-defaults): only the value is promoted
    // (unless a sibling holds a number: then it is a config map with a key named `value`)
    const wrapped =
      prefix.length > 0 &&
      node.items.some((p) => isScalar(p.key) && WRAPPER_KEYS.has(String(p.key.value)) && isScalar(p.value)) &&
      !node.items.some((p) => isScalar(p.key) && !WRAPPER_KEYS.has(String(p.key.value)) && isScalar(p.value) && typeof p.value.value === 'number');
    for (const pair of node.items) {
      const k = pair.key as YNode | null;
      if (!isScalar(k) || !k.range) continue;
      const key = String(k.value);
      if (wrapped && !WRAPPER_KEYS.has(key)) continue;
      const v = pair.value as YNode | null;
      if (!v || !v.range) continue;
      const path = WRAPPER_KEYS.has(key) && prefix.length ? prefix : [...prefix, key];
      if (isMap(v)) {
        walk(v, [...prefix, key]);
        continue;
      }
      if (isScalar(v)) {
        if (v.type === 'BLOCK_LITERAL' || v.type === 'BLOCK_FOLDED') continue;
        if (v.range[1] <= v.range[0]) continue;
        sites.push({ path, kind: 'yaml', defStart: k.range[0], valueStart: v.range[0], valueEnd: v.range[1] });
        continue;
      }
      if (isSeq(v) && v.flow) sites.push({ path, kind: 'yaml', defStart: k.range[0], valueStart: v.range[0], valueEnd: v.range[1] });
    }
  };
  for (const d of list) walk(d.contents, []);
  return sites;
}

function scanJson(text: string): RawSite[] {
  const toks = tokenizeJs(text);
  const match = matchBrackets(toks);
  const sites: RawSite[] = [];
  const keyAt = (s: number) => strValue(toks[s], 'json') ?? (toks[s].t === 'name' ? toks[s].s : undefined);
  const obj = (open: number, prefix: string[]): void => {
    const entries = splitArgs(toks, match, open);
    const numeric = (s: number, e: number) => isOp(toks[s + 1], ':') && (toks[s + 2]?.t === 'num' ? e === s + 3 : isOp(toks[s + 2], '-') && toks[s + 3]?.t === 'num' && e === s + 4);
    const wrapped =
      prefix.length > 0 &&
      entries.some(([s, e]) => WRAPPER_KEYS.has(keyAt(s) ?? '') && isOp(toks[s + 1], ':') && litEnd(toks, match, s + 2, 'json') === e) &&
      !entries.some(([s, e]) => !WRAPPER_KEYS.has(keyAt(s) ?? '') && numeric(s, e));
    for (const [s, e] of entries) {
      const key = keyAt(s);
      if (key === undefined || !isOp(toks[s + 1], ':')) continue;
      if (wrapped && !WRAPPER_KEYS.has(key)) continue;
      const vs = s + 2;
      const path = WRAPPER_KEYS.has(key) && prefix.length ? prefix : [...prefix, key];
      if (isOp(toks[vs], '{') && match.get(vs) === e - 1) {
        obj(vs, [...prefix, key]);
        continue;
      }
      if (litEnd(toks, match, vs, 'json') === e) sites.push({ path, kind: 'json', defStart: toks[s].start, valueStart: toks[vs].start, valueEnd: toks[e - 1].end });
    }
  };
  const first = toks.findIndex((t) => t.t !== 'eof');
  if (first >= 0 && isOp(toks[first], '{')) obj(first, []);
  return sites;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** `LR` → `lr`, `batchSize` → `batch_size`, `--batch-size` → `batch_size`. */
export function normalizeName(seg: string): string {
  return seg
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

/** 0 exact, 1 same words joined by `_`, 2 last key only; -1 no match. */
export function matchLevel(param: string, path: readonly string[]): number {
  const P = param.split('.').map(normalizeName);
  const S = path.flatMap((p) => p.split('.')).map(normalizeName);
  if (P.join('.') === S.join('.')) return 0;
  if (P.join('_') === S.join('_')) return 1;
  if (P.length === 1 && S.length > 1 && S[S.length - 1] === P[0]) return 2;
  return -1;
}

function rawSites(text: string, lang: SourceLang): RawSite[] {
  switch (lang) {
    case 'python':
      return scanPython(text).sites;
    case 'javascript':
    case 'typescript':
      return scanJs(text, lang).sites;
    case 'yaml':
      return scanYaml(text);
    case 'json':
      return scanJson(text);
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) out.push(i + 1);
  return out;
}

/** 0-based line and column of an offset. */
export function positionOf(starts: readonly number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, col: offset - starts[lo] };
}

/**
 * Definition sites in `text`. With `names`, only sites of those names, grouped by name in the
 * given order, each group best first (argparse/click > dict/object/config key > function default
 * > assignment, with last-key-only matches after all others, and none for a site that another
 * requested name matches fully; then source order), with `name` set to the
 * requested name. Without `names`, every site, grouped the same way by the name as written.
 */
export function locateParams(text: string, lang: SourceLang, names?: readonly string[]): ParamSite[] {
  const raw = rawSites(text, lang);
  // one site per value span (the best-ranked kind wins)
  const bySpan = new Map<string, RawSite>();
  for (const r of raw) {
    const key = `${r.valueStart}:${r.valueEnd}`;
    const prev = bySpan.get(key);
    if (!prev || KIND_RANK[r.kind] < KIND_RANK[prev.kind]) bySpan.set(key, r);
  }
  const uniq = [...bySpan.values()];
  const starts = lineStarts(text);
  const toSite = (r: RawSite, name: string): ParamSite => {
    const pos = positionOf(starts, r.defStart);
    return { name, kind: r.kind, line: pos.line, col: pos.col, valueStart: r.valueStart, valueEnd: r.valueEnd, valueText: text.slice(r.valueStart, r.valueEnd) };
  };
  const out: ParamSite[] = [];
  if (names) {
    // a site that another requested name matches fully is not offered as a last-key match
    const owned = new Set(uniq.filter((r) => names.some((n) => { const l = matchLevel(n, r.path); return l === 0 || l === 1; })));
    for (const name of names) {
      const hits = uniq
        .map((r) => ({ r, level: matchLevel(name, r.path) }))
        .filter((h) => h.level >= 0 && !(h.level === 2 && owned.has(h.r)))
        .sort((a, b) => +(a.level === 2) - +(b.level === 2) || KIND_RANK[a.r.kind] - KIND_RANK[b.r.kind] || a.level - b.level || a.r.valueStart - b.r.valueStart);
      for (const h of hits) out.push(toSite(h.r, name));
    }
    return out;
  }
  const groups = new Map<string, RawSite[]>();
  for (const r of [...uniq].sort((a, b) => a.defStart - b.defStart)) {
    const k = r.path.map(normalizeName).join('.');
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.valueStart - b.valueStart);
    for (const r of g) out.push(toSite(r, r.path.join('.')));
  }
  return out;
}
