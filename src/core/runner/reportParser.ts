/**
 * Turns a trial's stdout lines into metric reports, with no configuration needed:
 *
 * 1. helper lines: `@@knobs {"step": 3, "metrics": {...}}` (REPORT_TAG, written by the helpers):
 *    every numeric metric; the strings "NaN", "Infinity", "-Infinity" are non-finite numbers;
 * 2. JSON-object lines (`{"epoch": 3, "val_loss": 0.2}`): every numeric key (bools ignored;
 *    nested objects give dotted names "train.loss"; bare NaN/Infinity as Python's json writes
 *    them are accepted);
 * 3. `metric_regex` (a JS regex; Python's `(?P<name>...)` and a leading `(?i)` are accepted):
 *    named groups give the metrics of those names, or a single unnamed group gives metric.name;
 * 4. free text: `name: value` / `name=value` anywhere in a line, for metric.name and the names
 *    in `metrics` only, at word boundaries (`val_loss` does not match inside `xval_loss_avg`);
 *    `'name': value` as a printed Python dict also counts. Values: 0.23, -1e-3, 3, nan, inf,
 *    -inf, NaN, Infinity, and `tensor(0.23)` / `np.float64(0.23)`. ANSI colour codes are ignored. The last value of a name in a
 *    line wins (a progress bar redrawn with "\r" shows its last value). Regex values override
 *    free-text values of the same name.
 *
 * The step is, in order: the helper's `step`; a `step`, `_step`, `global_step` or `epoch` field
 * of the report (JSON key, regex group, or free text `epoch 3` / `Epoch 3/10` / `step=3`);
 * else the number of reports so far, this one included (1-based).
 * `parse` never throws: malformed JSON, huge lines and binary garbage give null or what could
 * be read. Only an invalid `metric_regex` throws, from the constructor.
 */
import { KnobsError } from '../errors';
import { REPORT_TAG } from './reportProtocol';

export interface Report {
  step: number;
  /** Metric values by name; may be NaN or ±Infinity. */
  values: Record<string, number>;
}

export interface ReportParserOptions {
  /** `metric.name`. */
  metricName: string;
  /** Extra names captured from free text (`extra_metrics:`). */
  metrics?: readonly string[];
  /** `metric_regex`. */
  metricRegex?: string;
}

/** Field names that give the step, most specific first. */
const STEP_KEYS = ['step', '_step', 'global_step', 'epoch'] as const;

// Unambiguous sub-patterns only (no \d+\.?\d*): a long digit run must not backtrack quadratically.
const NUMBER_TEXT = String.raw`[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)`;
const STRICT_NUMBER = new RegExp(`^${NUMBER_TEXT}$`);
const FREE_STEP = /(?<![\w./])(['"]?)(step|global_step|epoch)\1\s*(?:[:=]\s*)?(?:[[(]\s*)?([-+]?\d+(?:\.\d+)?)(?!\.?\w)/gi;
const MAX_JSON_DEPTH = 8;
const ANSI_ESCAPE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Parses a number as printed by Python/JS; undefined when the text is not one. */
export function parseMetricNumber(text: string): number | undefined {
  const t = text.trim();
  if (!STRICT_NUMBER.test(t)) return undefined;
  const lower = t.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[-+]/, '');
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  return Number(t);
}

/** A JSON value as a metric: numbers, or the strings "NaN", "Infinity", "-Infinity". */
function jsonNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

/** Copies the numeric leaves of `obj` into `out`; returns how many it found. */
function collectNumbers(obj: Record<string, unknown>, prefix: string, out: Record<string, number>, depth: number): number {
  let found = 0;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key) || key === '__proto__') continue; // never a metric (it would set the prototype)
    const v = obj[key];
    const n = jsonNumber(v);
    if (n !== undefined) {
      out[prefix + key] = n;
      found++;
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_JSON_DEPTH) {
      found += collectNumbers(v as Record<string, unknown>, `${prefix}${key}.`, out, depth + 1);
    }
  }
  return found;
}

function stepFrom(values: Record<string, number>): number | undefined {
  for (const k of STEP_KEYS) {
    const v = values[k];
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** JSON.parse that also takes Python's bare NaN / Infinity / -Infinity; undefined on failure. */
function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (!/NaN|Infinity/.test(text)) return undefined;
    const quoted = text.replace(/([:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '$1"$2"');
    try {
      return JSON.parse(quoted);
    } catch {
      return undefined;
    }
  }
}

interface CompiledRegex {
  re: RegExp;
  /** Named groups → metric names; null: use group 1 for metricName. */
  named: string[] | null;
}

function compileMetricRegex(source: string, metricName: string): CompiledRegex {
  let src = source;
  let flags = 'g';
  const inline = /^\(\?([imsu]+)\)/.exec(src);
  if (inline) {
    flags += [...new Set(inline[1])].join('');
    src = src.slice(inline[0].length);
  }
  src = src.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new KnobsError(
      'E_SWEEP_PARSE',
      `\`metric_regex\` ${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}`,
      {
        hint: String.raw`use a JavaScript regex with a named group per metric, e.g. "val_loss=(?<val_loss>\S+)", or one group for metric.name`,
      },
    );
  }
  // Count groups by matching the empty alternative.
  const probe = new RegExp(`(?:${src})|`, flags.replace('g', '')).exec('')!;
  const named = Object.keys(probe.groups ?? {});
  const groupCount = probe.length - 1;
  if (named.length > 0) return { re, named };
  if (groupCount === 1) return { re, named: null };
  throw new KnobsError(
    'E_SWEEP_PARSE',
    `\`metric_regex\` ${JSON.stringify(source)} has ${groupCount} unnamed capture groups but needs one (for \`${metricName}\`) or named groups`,
    {
      hint: String.raw`name the groups after the metrics, e.g. "loss=(?<train_loss>\S+) val=(?<val_loss>\S+)", or use (?:...) for groups that capture nothing`,
    },
  );
}

const FREE_TEXT_CACHE = new Map<string, RegExp>();

export class ReportParser {
  private count = 0;
  private readonly freeText: RegExp;
  private readonly regex?: CompiledRegex;
  private readonly metricName: string;

  constructor(opts: ReportParserOptions) {
    this.metricName = opts.metricName;
    const names = [...new Set([opts.metricName, ...(opts.metrics ?? [])].filter((n) => n.length > 0))];
    names.sort((a, b) => b.length - a.length);
    const alternatives = names.length > 0 ? names.map(escapeRegex).join('|') : '(?!)';
    // one compiled regex per set of names (a sweep makes a parser per trial); `read` resets lastIndex
    let free = FREE_TEXT_CACHE.get(alternatives);
    if (!free) {
      free = new RegExp(
        String.raw`(?<![\w./])(['"]?)(${alternatives})\1\s*[:=]\s*(?:(?:np\.\w+|torch\.\w+|tensor|float)\()?(${NUMBER_TEXT})(?!\.?\w|-\w)`,
        'g',
      );
      if (FREE_TEXT_CACHE.size > 64) FREE_TEXT_CACHE.clear();
      FREE_TEXT_CACHE.set(alternatives, free);
    }
    this.freeText = free;
    if (opts.metricRegex !== undefined && opts.metricRegex !== '') this.regex = compileMetricRegex(opts.metricRegex, opts.metricName);
  }

  /** Reports returned so far. */
  get reports(): number {
    return this.count;
  }

  /**
   * After `parse` returned a helper report whose `metrics` object holds exactly its values: that
   * object's text between the braces, as the trial printed it (`"loss": 0.25, "acc": 0.9`), which
   * parses to the same values; else undefined. The runner hands it to the journal writer, which
   * then copies the numbers instead of formatting each double again.
   */
  valuesJson: string | undefined;

  /** The report in this line, or null. Never throws. */
  parse(line: string): Report | null {
    this.valuesJson = undefined;
    let found: { values: Record<string, number>; step?: number } | undefined;
    try {
      found = this.read(line);
    } catch {
      found = undefined;
    }
    if (!found) return null;
    this.count++;
    return { step: found.step ?? this.count, values: found.values };
  }

  private read(line: string): { values: Record<string, number>; step?: number } | undefined {
    const tag = line.indexOf(REPORT_TAG);
    if (tag >= 0) return this.readHelper(line, tag + REPORT_TAG.length);

    const first = firstNonSpace(line);
    if (first >= 0 && line.charCodeAt(first) === 0x7b /* { */) {
      const json = this.readJson(line);
      if (json) return json;
    }

    // Colours (rich, loguru, Keras) would hide names from the word-boundary match.
    if (line.indexOf('\x1b') >= 0) line = line.replace(ANSI_ESCAPE, '');
    const values: Record<string, number> = {};
    let any = false;
    if (line.indexOf(':') >= 0 || line.indexOf('=') >= 0) {
      this.freeText.lastIndex = 0;
      for (let m = this.freeText.exec(line); m; m = this.freeText.exec(line)) {
        const n = parseMetricNumber(m[3]);
        if (n !== undefined) {
          values[m[2]] = n;
          any = true;
        }
      }
    }
    let step: number | undefined;
    if (this.regex) {
      const r = this.readRegex(line);
      if (r) {
        Object.assign(values, r.values);
        any = true;
        step = r.step;
      }
    }
    if (!any) return undefined;
    return { values, step: step ?? stepFrom(values) ?? freeTextStep(line) };
  }

  private readHelper(line: string, start: number): { values: Record<string, number>; step?: number } | undefined {
    const payload = line.slice(start).trim();
    const obj = parseLooseJson(payload);
    if (!isPlainObject(obj)) return undefined;
    const values: Record<string, number> = {};
    let found: number;
    if (isPlainObject(obj.metrics)) {
      found = collectNumbers(obj.metrics, '', values, 0);
      if (found > 0) this.valuesJson = flatMetricsText(payload, obj, found);
    } else {
      const rest = { ...obj };
      delete rest.step;
      found = collectNumbers(rest, '', values, 0);
    }
    if (found === 0) return undefined;
    const step = jsonNumber(obj.step);
    return { values, step: step !== undefined && Number.isFinite(step) ? step : stepFrom(values) };
  }

  private readJson(line: string): { values: Record<string, number>; step?: number } | undefined {
    const text = line.trim();
    if (!text.endsWith('}')) return undefined;
    const obj = parseLooseJson(text);
    if (!isPlainObject(obj)) return undefined;
    const values: Record<string, number> = {};
    if (collectNumbers(obj, '', values, 0) === 0) return undefined;
    return { values, step: stepFrom(values) };
  }

  private readRegex(line: string): { values: Record<string, number>; step?: number } | undefined {
    const { re, named } = this.regex!;
    const values: Record<string, number> = {};
    let any = false;
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      if (m[0].length === 0) re.lastIndex++;
      if (named) {
        for (const name of named) {
          const text = m.groups?.[name];
          const n = text === undefined ? undefined : parseMetricNumber(text);
          if (n !== undefined) {
            values[name] = n;
            any = true;
          }
        }
      } else if (m[1] !== undefined) {
        const n = parseMetricNumber(m[1]);
        if (n !== undefined) {
          values[this.metricName] = n;
          any = true;
        }
      }
    }
    return any ? { values, step: stepFrom(values) } : undefined;
  }
}

/**
 * The text inside the braces of `metrics` in a helper payload, when it means exactly the values
 * read from it: the payload has only `step` (a number) and `metrics`, every metric is a number or
 * "NaN"/"Infinity"/"-Infinity" (nothing nested or ignored), and no name holds a brace, a quote,
 * a backslash or is `__proto__` (so the first "}" closes the object and the text is unambiguous).
 */
function flatMetricsText(payload: string, obj: Record<string, unknown>, found: number): string | undefined {
  let keys = 0;
  for (const k in obj) {
    keys++;
    if (k !== 'metrics' && !(k === 'step' && typeof obj.step === 'number')) return undefined;
  }
  if (keys > 2) return undefined;
  const metrics = obj.metrics as Record<string, unknown>;
  let n = 0;
  for (const name in metrics) {
    n++;
    const v = metrics[name];
    if (typeof v !== 'number' && v !== 'NaN' && v !== 'Infinity' && v !== '-Infinity') return undefined;
    if (name === '__proto__' || /["{}\\]/.test(name)) return undefined;
  }
  if (n !== found) return undefined;
  const key = payload.indexOf('"metrics"');
  if (key < 0) return undefined;
  const open = payload.indexOf('{', key + 9);
  const close = payload.indexOf('}', open + 1);
  if (open < 0 || close < 0 || payload.slice(key + 9, open).trim() !== ':') return undefined;
  return payload.slice(open + 1, close);
}

function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return i;
  }
  return -1;
}

/** `epoch 3`, `Epoch 3/10`, `step=3`, `'epoch': 3` in free text (last one wins; step over epoch). */
function freeTextStep(line: string): number | undefined {
  FREE_STEP.lastIndex = 0;
  const found: Record<string, number> = {};
  for (let m = FREE_STEP.exec(line); m; m = FREE_STEP.exec(line)) {
    const n = Number(m[3]);
    if (Number.isFinite(n)) found[m[2].toLowerCase()] = n;
  }
  return stepFrom(found);
}
