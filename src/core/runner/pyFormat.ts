/**
 * Python's `str()` / `repr()` / `json.dumps()` of parameter values, so that argv matches what
 * W&B's agent produces (it formats `--name=value` with Python's str()).
 *
 * JS has one number type; Python has int and float. The caller says which a number is:
 * `{ float: true }` for the top-level value, or `floatAt(path, n)` for numbers nested in lists and
 * dicts. `pyStrParam(spec, value)` decides from the parameter's spec.
 */
import type { ParamSpec, Value } from '../space/types';

export interface PyFormatOptions {
  /** The top-level number is a Python float (1 → "1.0"). */
  float?: boolean;
  /**
   * For numbers inside lists/dicts: is the number at this path (keys / indices below the value)
   * a float? Not consulted for the top level (see `float`). Undefined → decided by the number.
   */
  floatAt?: (path: readonly (string | number)[], n: number) => boolean | undefined;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const neg = x < 0;
  // toExponential() with no argument gives the shortest digits that round-trip.
  const e = Math.abs(x).toExponential();
  const ePos = e.indexOf('e');
  const digits = e.slice(0, ePos).replace('.', '');
  const exp = Number(e.slice(ePos + 1)); // decimal exponent of the first digit
  let out: string;
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exp < 0 ? '-' : '+';
    const absExp = String(Math.abs(exp)).padStart(2, '0');
    out = `${mant}e${sign}${absExp}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

/** Python's `repr(int)` for an integral JS number (exact digits, never exponent form). */
export function pyIntRepr(x: number): string {
  if (Object.is(x, -0)) return '0';
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

/** A number as Python would print it: int when integral and not marked float, else float. */
export function pyNumber(x: number, float?: boolean): string {
  if (!float && Number.isInteger(x)) return pyIntRepr(x);
  return pyFloatRepr(x);
}

// Python's str.isprintable() is false for categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (except ' ').
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's `repr(str)`: quote choice and escapes as CPython's unicode_repr. */
export function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
      else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
      else out += `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

function reprAt(value: Value, path: (string | number)[], opts: PyFormatOptions, top: boolean): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    const float = top ? opts.float : opts.floatAt?.(path, value);
    return pyNumber(value, float);
  }
  if (typeof value === 'string') return pyStringRepr(value);
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => reprAt(v, [...path, i], opts, false)).join(', ')}]`;
  }
  const parts = Object.keys(value).map((k) => `${pyStringRepr(k)}: ${reprAt(value[k], [...path, k], opts, false)}`);
  return `{${parts.join(', ')}}`;
}

/** Python's `repr()` of the value (strings quoted). */
export function pyRepr(value: Value, opts: PyFormatOptions = {}): string {
  return reprAt(value, [], opts, true);
}

/** Python's `str()` of the value: strings verbatim, everything else as repr. */
export function pyStr(value: Value, opts: PyFormatOptions = {}): string {
  if (typeof value === 'string') return value;
  return reprAt(value, [], opts, true);
}

/** JSON string literal as Python's json.dumps (ensure_ascii=True) writes it. */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e)
      out += `\\u${hex(c, 4)}`; // UTF-16 units, as Python does
    else out += ch;
  }
  return `${out}"`;
}

function jsonAt(value: Value, path: (string | number)[], opts: PyFormatOptions, top: boolean): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return pyNumber(value, top ? opts.float : opts.floatAt?.(path, value));
  }
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => jsonAt(v, [...path, i], opts, false)).join(', ')}]`;
  }
  const parts = Object.keys(value).map((k) => `${pyJsonString(k)}: ${jsonAt(value[k], [...path, k], opts, false)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Python's `json.dumps(value)` with default settings: separators ", " and ": ", ensure_ascii,
 * floats by repr, NaN/Infinity/-Infinity bare (as Python writes them).
 */
export function pyJsonDumps(value: Value, opts: PyFormatOptions = {}): string {
  return jsonAt(value, [], opts, true);
}

/**
 * Is this leaf value a Python float? Numeric params: `integer: false`. Categorical values and
 * constants keep the kind of their YAML literal (`1.0` vs `1`) when the parser recorded it in
 * `floatValues` / `float` (a value written twice takes its last literal's kind); otherwise a
 * number is a float only when it is not integral.
 */
export function isFloatValue(spec: ParamSpec, value: Value): boolean | undefined {
  if (typeof value !== 'number') return undefined;
  if (spec.kind === 'numeric') return !spec.integer || !Number.isInteger(value);
  if (spec.kind === 'categorical') {
    const hints = (spec as { floatValues?: readonly boolean[] }).floatValues;
    if (hints) {
      // the last literal of a repeated value, as W&B's grid keeps it (`[1, 1.0]` gives 1.0)
      for (let i = spec.values.length - 1; i >= 0; i--) {
        const v = spec.values[i];
        if (v === value || (Number.isNaN(v) && Number.isNaN(value))) return hints[i];
      }
    }
    return undefined;
  }
  const hint = (spec as { float?: boolean }).float;
  return hint;
}

/** `str()` of a leaf value, with int/float decided by its parameter spec. */
export function pyStrParam(spec: ParamSpec, value: Value): string {
  return pyStr(value, { float: isFloatValue(spec, value) });
}
