/**
 * Python: where a script defines its hyperparameters (argparse / click / typer options,
 * `set_defaults`, dict literals and `dict(...)` calls, function keyword defaults, assignments at
 * module and class level), and its option calls (for a new sweep file).
 */
import type { SourceLang } from './lang';
import { parseLiteral } from './literal';
import type { RawSite, SiteKind } from './sites';
import { calleeChain, findTop, ID_RE, isOp, isOpen, litEnd, matchBrackets, NUM_RE, splitArgs, strValue, type Tok } from './tokens';

const PY_OPS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '**',
  '//',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
];
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

export function scanPython(text: string): PyScan {
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
    const isClick =
      (last === 'option' && (names.length === 1 ? isOp(toks[i - 2], '@') : names[0] === 'click')) ||
      (last === 'Option' && names[0] === 'typer');
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
        call.kwargs[a.key] = {
          start: toks[a.vs].start,
          end: toks[a.e - 1].end,
          text: text.slice(toks[a.vs].start, toks[a.e - 1].end),
          literal: lit,
        };
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
    const destLit = destKw?.literal ? parseLiteral(destKw.text, lang)?.value : undefined;
    call.dest = typeof destLit === 'string' ? destLit : isArgparse ? argparseDest(call.strings) : clickName(call.strings);
    calls.push(call);
    if (!call.dest) continue;
    const d = call.kwargs.default;
    if (d?.literal && defaultSpan) {
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
          if (litEnd(toks, match, eq + 1, lang) === end && !isOp(toks[eq + 2], '='))
            valueSite([first.s], 'assign', first.start, eq + 1, end);
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
