/**
 * JavaScript / TypeScript: where a script defines its hyperparameters (top-level declarations,
 * object literals, yargs / commander options, `parseArgs` options, parameter and destructuring
 * defaults), and its options object (for a new sweep file). The tokenizer also reads JSON.
 */
import type { SourceLang } from './lang';
import type { RawSite, SiteKind } from './sites';
import {
  calleeChain,
  findTop,
  ID_RE,
  isOp,
  isOpen,
  litEnd,
  matchBrackets,
  NUM_RE,
  splitArgs,
  strValue,
  type Tok,
  type TokType,
} from './tokens';

const JS_OPS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
];

const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

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
      const regexOk =
        !prev ||
        (prev.t === 'op' && !(prev.s === ')' || prev.s === ']' || prev.s === '}')) ||
        (prev.t === 'name' && REGEX_AFTER_WORDS.has(prev.s));
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

export function scanJs(text: string, lang: SourceLang): JsScan {
  const toks = tokenizeJs(text);
  const match = matchBrackets(toks);
  const sites: RawSite[] = [];
  const consumed = new Set<number>();
  const topObjects: { name: string; open: number }[] = [];
  const parseArgsOptions: number[] = [];

  // ends a value: `,` `;` `)` `]` `}` a line break, EOF, or a TS `as const` / `satisfies T` tail
  const valueEnds = (j: number, limit?: number): boolean => {
    if (limit !== undefined)
      return j === limit || (toks[j]?.t === 'name' && (toks[j].s === 'as' || toks[j].s === 'satisfies') && j < limit);
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
    const numeric = (s: number, e: number) =>
      isOp(toks[s + 1], ':') &&
      (toks[s + 2]?.t === 'num' ? e === s + 3 : isOp(toks[s + 2], '-') && toks[s + 3]?.t === 'num' && e === s + 4);
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
        if (id?.t !== 'name') break;
        let eq = j + 1;
        if (isOp(toks[eq], '!')) eq++;
        if (isOp(toks[eq], ':')) {
          // skip a type annotation up to `=` at this depth
          let k = eq + 1;
          while (
            k < toks.length &&
            toks[k].t !== 'eof' &&
            !isOp(toks[k], '=') &&
            !isOp(toks[k], ';') &&
            !(isOp(toks[k], ',') && depth[k] === 0)
          ) {
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
        while (
          k < toks.length &&
          toks[k].t !== 'eof' &&
          !isOp(toks[k], ';') &&
          !(isOp(toks[k], ',') && depth[k] === 0) &&
          !(
            k > vs &&
            toks[k].nlBefore &&
            depth[k] === 0 &&
            !isOp(toks[k - 1], '=') &&
            toks[k].t === 'name' &&
            (DECL_WORDS.has(toks[k].s) || toks[k].s === 'export' || toks[k].s === 'function')
          )
        ) {
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
              if (keyOf(toks[s]) === 'default' && isOp(toks[s + 1], ':') && litEnd(toks, match, s + 2, lang) === e)
                site([name], 'argparse', chain.start, s + 2, e);
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
