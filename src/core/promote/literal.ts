/**
 * Source literals of hyperparameter values, per language (pure: no vscode import).
 *
 *   formatLiteral(value, lang, oldText?)  → the value written as a literal of `lang`, keeping the
 *                                           style of `oldText` where sensible (quotes, exponent
 *                                           form, Python float-ness, True/true casing)
 *   parseLiteral(text, lang)              → the value of a literal, or undefined when the text is
 *                                           not a plain literal (an expression, a name...)
 *   literalEquals(text, value, lang)      → whether a literal already holds `value`
 */
import { KnobsError } from '../errors';
import { pyFloatRepr } from '../runner/pyFormat';
import type { SourceLang } from './lang';

interface NumberStyle {
  /** The old literal was written with an exponent (`3e-4`). */
  exp: boolean;
  /** Exponent letter `e` or `E`. */
  expChar: string;
  /** The old exponent had a leading zero (`1e-04`, Python's repr style). */
  expPad: boolean;
  /** The old exponent had an explicit `+` for positive exponents. */
  expPlus: boolean;
  /** The old literal was a float (had a `.` or an exponent). */
  float: boolean;
}

const NUM_RE = /^[-+]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?$/;

function numberStyle(oldText: string | undefined): NumberStyle | undefined {
  if (oldText === undefined) return undefined;
  const t = oldText.trim();
  if (!NUM_RE.test(t)) return undefined;
  const m = /([eE])([-+]?)(\d+)$/.exec(t);
  return {
    exp: !!m,
    expChar: m ? m[1] : 'e',
    expPad: !!m && m[3].length > 1 && m[3].startsWith('0'),
    expPlus: !!m && m[2] === '+',
    float: !!m || t.includes('.'),
  };
}

/** Quote character and prefix of an old string literal, if it was one. */
function stringStyle(oldText: string | undefined, lang: SourceLang): { quote: string; prefix: string; triple: boolean } | undefined {
  if (oldText === undefined) return undefined;
  const t = oldText.trim();
  if (lang === 'python') {
    const m = /^([rRuUbBfF]{0,2})('''|"""|'|")/.exec(t);
    if (!m) return undefined;
    return { quote: m[2][0], prefix: m[1], triple: m[2].length === 3 };
  }
  const q = t[0];
  if (q === "'" || q === '"' || (q === '`' && lang !== 'json' && lang !== 'yaml')) return { quote: q, prefix: '', triple: false };
  return undefined;
}

/** Shortest exponent form: 0.0012 → "1.2e-3" (mantissa digits as few as round-trip needs). */
function expForm(v: number, st: NumberStyle | undefined, needDot: boolean): string {
  let s = v.toExponential(); // "1.2e-3", "3e-4", "1e+21"
  let [mant, exp] = s.split('e');
  if (needDot && !mant.includes('.')) mant += '.0';
  let sign = exp[0] === '-' ? '-' : '';
  let digits = exp.replace(/^[-+]/, '');
  if (exp[0] === '+' && st?.expPlus) sign = '+';
  if (st?.expPad && digits.length < 2) digits = `0${digits}`;
  s = `${mant}${st?.expChar ?? 'e'}${sign}${digits}`;
  return s;
}

function formatNumber(v: number, lang: SourceLang, st: NumberStyle | undefined): string {
  if (Number.isNaN(v)) {
    if (lang === 'python') return "float('nan')";
    if (lang === 'yaml') return '.nan';
    if (lang === 'json')
      throw new KnobsError('E_USAGE', 'NaN cannot be written into a JSON file', {
        hint: 'promote a finite value, or edit the file by hand',
      });
    return 'NaN';
  }
  if (!Number.isFinite(v)) {
    const neg = v < 0 ? '-' : '';
    if (lang === 'python') return `float('${neg}inf')`;
    if (lang === 'yaml') return `${neg}.inf`;
    if (lang === 'json')
      throw new KnobsError('E_USAGE', `${v} cannot be written into a JSON file`, {
        hint: 'promote a finite value, or edit the file by hand',
      });
    return `${neg}Infinity`;
  }
  // Python, YAML and JSON tell ints from floats; JS/TS do not.
  const typed = lang === 'python' || lang === 'yaml' || lang === 'json';
  // YAML 1.1 loaders (PyYAML) read `1e-3` as a string: give the mantissa a dot there.
  const needDot = lang === 'yaml';
  if (Number.isInteger(v)) {
    if (st?.exp && Math.abs(v) >= 1e4) return expForm(v, st, needDot);
    const plain = Math.abs(v) < 1e21 ? v.toFixed(0) : expForm(v, st, needDot || typed);
    if (typed && st?.float && /^-?\d+$/.test(plain)) return `${plain}.0`;
    if (Object.is(v, -0)) return typed && st?.float ? '-0.0' : '0';
    return plain;
  }
  if (st?.exp) return expForm(v, st, needDot);
  // Python: what Python itself prints (repr: shortest round-trip digits, exponent below 1e-4)
  if (lang === 'python') return pyFloatRepr(v);
  const s = String(v); // shortest round-trip decimal; exponent form below 1e-6
  if (/e/.test(s)) return expForm(v, st, needDot);
  return s;
}

function escapeFor(s: string, quote: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

const YAML_RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|\.nan|\.inf|-\.inf|\+\.inf)$/i;

function formatString(v: string, lang: SourceLang, oldText: string | undefined): string {
  const st = stringStyle(oldText, lang);
  switch (lang) {
    case 'json':
      return JSON.stringify(v);
    case 'yaml': {
      if (st?.quote === "'") return `'${v.replace(/'/g, "''")}'`;
      if (st?.quote === '"') return JSON.stringify(v);
      const plainOk = /^[A-Za-z_/][\w./\- ]*$/.test(v) && !/ $/.test(v) && !YAML_RESERVED.test(v) && !/ #|: /.test(v);
      return plainOk ? v : JSON.stringify(v);
    }
    case 'python': {
      const q = st?.quote ?? "'";
      const prefix = (st?.prefix ?? '').replace(/[fFbB]/g, '');
      if (st?.triple && !v.includes(q.repeat(3)) && !v.endsWith(q) && !v.includes('\\')) return `${prefix}${q.repeat(3)}${v}${q.repeat(3)}`;
      if (/[rR]/.test(prefix)) {
        // keep a raw string raw when the value can be written raw
        if (!v.includes(q) && !/[\n\r]/.test(v) && !/\\$/.test(v)) return `${prefix}${q}${v}${q}`;
        return `${q}${escapeFor(v, q)}${q}`;
      }
      return `${prefix}${q}${escapeFor(v, q)}${q}`;
    }
    default: {
      const q = st?.quote ?? "'";
      if (q === '`') return `\`${escapeFor(v, '`').replace(/\$\{/g, '\\${')}\``;
      return `${q}${escapeFor(v, q)}${q}`;
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first element of a list/dict literal, used as the style model for new elements. */
function innerStyle(oldText: string | undefined): string | undefined {
  if (!oldText) return undefined;
  const m = /^[[({]\s*(?:[^,:\]})]*:\s*)?([^,\]})]+)/.exec(oldText.trim());
  return m ? m[1].trim() : undefined;
}

/**
 * `value` written as a literal of `lang`. With `oldText` (the literal being replaced) the new one
 * keeps its style: the quote character of a string, `True`/`true` casing in YAML, the exponent
 * form of a number (`3e-4` → `1.2e-3`), and float-ness in Python/YAML/JSON (`0.0` → `1.0`, not
 * `1`), while an integer literal stays an integer (`64`, not `64.0`).
 */
export function formatLiteral(value: unknown, lang: SourceLang, oldText?: string): string {
  if (value === undefined || value === null) {
    if (lang === 'python') return 'None';
    if (lang === 'yaml') return oldText?.trim() === '~' ? '~' : 'null';
    if (value === undefined && (lang === 'javascript' || lang === 'typescript') && oldText?.trim() === 'undefined') return 'undefined';
    return 'null';
  }
  if (typeof value === 'boolean') {
    if (lang === 'python') return value ? 'True' : 'False';
    if (lang === 'yaml' && oldText && /^[A-Z]/.test(oldText.trim())) {
      const t = oldText.trim();
      const upper = t === t.toUpperCase();
      const s = value ? 'true' : 'false';
      return upper ? s.toUpperCase() : s[0].toUpperCase() + s.slice(1);
    }
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') return formatNumber(value, lang, numberStyle(oldText));
  if (typeof value === 'bigint') return lang === 'javascript' || lang === 'typescript' ? `${value}n` : String(value);
  if (typeof value === 'string') return formatString(value, lang, oldText);
  if (Array.isArray(value)) {
    const inner = innerStyle(oldText);
    const items = value.map((x) => formatLiteral(x, lang, inner));
    if (lang === 'python' && oldText?.trim().startsWith('(')) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    const inner = innerStyle(oldText);
    if (lang === 'json') return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${formatLiteral(v, lang, inner)}`).join(', ')}}`;
    if (lang === 'python')
      return `{${entries.map(([k, v]) => `${formatString(k, lang, inner)}: ${formatLiteral(v, lang, inner)}`).join(', ')}}`;
    if (lang === 'yaml')
      return `{${entries.map(([k, v]) => `${formatString(k, lang, undefined)}: ${formatLiteral(v, lang, inner)}`).join(', ')}}`;
    if (entries.length === 0) return '{}';
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : formatString(k, lang, inner));
    return `{ ${entries.map(([k, v]) => `${key(k)}: ${formatLiteral(v, lang, inner)}`).join(', ')} }`;
  }
  throw new KnobsError('E_USAGE', `cannot write a ${typeof value} value as a ${lang} literal`, {
    hint: 'promote numbers, strings, booleans, null, or lists and maps of them',
  });
}

// ---------------------------------------------------------------------------------------------
// Reading literals back (for "unchanged" and for the sweep template's defaults).

class LitReader {
  i = 0;
  constructor(
    readonly s: string,
    readonly lang: SourceLang,
  ) {}
  ws(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
      if (this.lang === 'python' && this.s[this.i] === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        continue;
      }
      if (this.lang !== 'python' && this.s.startsWith('//', this.i)) {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
        continue;
      }
      if (this.lang !== 'python' && this.s.startsWith('/*', this.i)) {
        const e = this.s.indexOf('*/', this.i + 2);
        this.i = e < 0 ? this.s.length : e + 2;
        continue;
      }
      return;
    }
  }
  fail(): never {
    throw new Error('not a literal');
  }
  value(): unknown {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) this.fail();
    if (c === '[' || (c === '(' && this.lang === 'python')) return this.list(c === '[' ? ']' : ')');
    if (c === '{') return this.dict();
    const str = this.string();
    if (str !== undefined) {
      // implicit concatenation ("a" "b") in Python
      let out = str;
      if (this.lang === 'python') {
        for (;;) {
          const save = this.i;
          this.ws();
          const more = this.string();
          if (more === undefined) {
            this.i = save;
            break;
          }
          out += more;
        }
      }
      return out;
    }
    if (this.lang === 'yaml') return this.yamlPlain();
    const m =
      /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?|Infinity|\.inf|\.nan)/.exec(
        s.slice(this.i),
      );
    if (m && m[0] !== '-' && m[0] !== '+') {
      this.i += m[0].length;
      let t = m[0].replace(/_/g, '');
      const neg = t.startsWith('-');
      t = t.replace(/^[-+]/, '');
      let v: number;
      if (/^0[xX]/.test(t)) v = parseInt(t.slice(2), 16);
      else if (/^0[oO]/.test(t)) v = parseInt(t.slice(2), 8);
      else if (/^0[bB]/.test(t)) v = parseInt(t.slice(2), 2);
      else if (t === 'Infinity' || t === '.inf') v = Infinity;
      else if (t === '.nan') v = NaN;
      else v = Number(t);
      return neg ? -v : v;
    }
    const w = /^[A-Za-z_~][\w]*/.exec(s.slice(this.i));
    if (w) {
      this.i += w[0].length;
      const word = w[0];
      if (this.lang === 'python') {
        if (word === 'True') return true;
        if (word === 'False') return false;
        if (word === 'None') return null;
      } else {
        if (word === 'true') return true;
        if (word === 'false') return false;
        if (word === 'null') return null;
        if (word === 'undefined' && this.lang !== 'json') return undefined;
        if (word === 'NaN' && this.lang !== 'json') return NaN;
      }
      this.fail();
    }
    this.fail();
  }
  /** A plain YAML scalar (up to `,` `]` `}` `#` or the line end), resolved as YAML 1.2 core does. */
  yamlPlain(): unknown {
    const m = /^[^,\]}\n#]*/.exec(this.s.slice(this.i))!;
    const t = m[0].trim();
    if (!t) this.fail();
    this.i += m[0].length;
    if (/^(?:true|True|TRUE)$/.test(t)) return true;
    if (/^(?:false|False|FALSE)$/.test(t)) return false;
    if (/^(?:null|Null|NULL|~)$/.test(t)) return null;
    if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(t)) return Number(t);
    if (/^0x[0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
    if (/^0o[0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^\.(?:nan|NaN|NAN)$/.test(t)) return NaN;
    return t;
  }
  string(): string | undefined {
    const s = this.s;
    let j = this.i;
    let raw = false;
    if (this.lang === 'python') {
      const p = /^[rRuUbB]{0,2}(?=['"])/.exec(s.slice(j));
      if (p) {
        raw = /[rR]/.test(p[0]);
        j += p[0].length;
      }
    }
    const q = s[j];
    if (q !== '"' && q !== "'" && !(q === '`' && (this.lang === 'javascript' || this.lang === 'typescript'))) return undefined;
    const triple = this.lang === 'python' && s.startsWith(q.repeat(3), j);
    const close = triple ? q.repeat(3) : q;
    j += close.length;
    let out = '';
    for (;;) {
      if (j >= s.length) this.fail();
      const ch = s[j];
      if (this.lang === 'yaml' && q === "'" && ch === "'" && s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      if (s.startsWith(close, j)) {
        j += close.length;
        break;
      }
      if (ch === '\\' && !(this.lang === 'yaml' && q === "'")) {
        const n = s[j + 1];
        if (raw) {
          out += ch + (n ?? '');
          j += 2;
          continue;
        }
        const simple: Record<string, string> = {
          n: '\n',
          r: '\r',
          t: '\t',
          b: '\b',
          f: '\f',
          v: '\v',
          '0': '\0',
          '\\': '\\',
          "'": "'",
          '"': '"',
          '`': '`',
          $: '$',
        };
        if (n in simple) {
          out += simple[n];
          j += 2;
          continue;
        }
        const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})|^u\{([0-9a-fA-F]+)\}|^U([0-9a-fA-F]{8})/.exec(s.slice(j + 1));
        if (hex) {
          out += String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3] ?? hex[4], 16));
          j += 1 + hex[0].length;
          continue;
        }
        if (n === '\n') {
          j += 2;
          continue;
        }
        out += this.lang === 'python' ? ch + n : n;
        j += 2;
        continue;
      }
      if (q === '`' && ch === '$' && s[j + 1] === '{') this.fail(); // template with substitutions
      out += ch;
      j++;
    }
    this.i = j;
    return out;
  }
  list(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail();
    }
  }
  dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      let key = this.string();
      if (key === undefined) {
        if (this.lang === 'python' || this.lang === 'json') this.fail();
        const w = /^[A-Za-z_$][\w$]*|^\d+/.exec(this.s.slice(this.i));
        if (!w) this.fail();
        key = w[0];
        this.i += w[0].length;
      }
      this.ws();
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      out[key] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail();
    }
  }
}

/** The value of a literal in `lang`, or undefined when `text` is not one literal. */
export function parseLiteral(text: string, lang: SourceLang): { value: unknown } | undefined {
  const t = text.trim();
  const r = new LitReader(t, lang);
  try {
    const v = r.value();
    r.ws();
    return r.i === t.length ? { value: v } : undefined;
  } catch {
    return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Whether the literal `text` already holds `value` (`3e-4` holds 0.0003). */
export function literalEquals(text: string, value: unknown, lang: SourceLang): boolean {
  const p = parseLiteral(text, lang);
  if (!p) return false;
  return deepEqual(p.value, value);
}
