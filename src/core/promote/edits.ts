/**
 * Promote a config into code (pure: no vscode import): plan the text edits that rewrite the
 * default value literals at their definition sites, and apply edits to a string.
 *
 *   planPromote(text, lang, params) → {edits, missing, unchanged}
 *   applyEdits(text, edits)         → the new text
 *
 * The vscode adapter turns `edits` into one WorkspaceEdit (offsets → positions of the document).
 */
import { KnobsError } from '../errors';
import type { SourceLang } from './lang';
import { formatLiteral, literalEquals } from './literal';
import { locateParams } from './locate';
import type { ParamSite } from './sites';

export interface PlannedEdit {
  name: string;
  start: number;
  end: number;
  oldText: string;
  newText: string;
  /** 0-based line of the value. */
  line: number;
}

export interface PromotePlan {
  edits: PlannedEdit[];
  /** Names with no definition site in the text. */
  missing: string[];
  /** Names whose site already holds the value. */
  unchanged: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The edits that write `params` (flat, dotted names → values) into `text`. For each name the
 * first (best) site is rewritten; a nested object value with no site of its own is written leaf
 * by leaf (`{optimizer: {lr: 0.1}}` → `optimizer.lr`).
 */
export function planPromote(text: string, lang: SourceLang, params: Record<string, unknown>): PromotePlan {
  // expand nested objects that have no site of their own into dotted leaves
  const flat: [string, unknown][] = [];
  const expand = (name: string, value: unknown): void => {
    if (isPlainObject(value) && Object.keys(value).length && locateParams(text, lang, [name]).length === 0) {
      for (const [k, v] of Object.entries(value)) expand(`${name}.${k}`, v);
    } else flat.push([name, value]);
  };
  for (const [k, v] of Object.entries(params)) expand(k, v);

  const sites = locateParams(
    text,
    lang,
    flat.map(([k]) => k),
  );
  const byName = new Map<string, ParamSite[]>();
  for (const s of sites) {
    const g = byName.get(s.name);
    if (g) g.push(s);
    else byName.set(s.name, [s]);
  }
  const plan: PromotePlan = { edits: [], missing: [], unchanged: [] };
  const taken: [number, number][] = [];
  const overlaps = (s: ParamSite) => taken.some(([a, b]) => s.valueStart < b && a < s.valueEnd);
  for (const [name, value] of flat) {
    const site = (byName.get(name) ?? []).find((s) => !overlaps(s));
    if (!site) {
      plan.missing.push(name);
      continue;
    }
    taken.push([site.valueStart, site.valueEnd]);
    if (literalEquals(site.valueText, value, lang)) {
      plan.unchanged.push(name);
      continue;
    }
    const newText = formatLiteral(value, lang, site.valueText);
    if (newText === site.valueText) {
      plan.unchanged.push(name);
      continue;
    }
    const line = text.slice(0, site.valueStart).split('\n').length - 1;
    plan.edits.push({ name, start: site.valueStart, end: site.valueEnd, oldText: site.valueText, newText, line });
  }
  plan.edits.sort((a, b) => a.start - b.start);
  return plan;
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos || e.end < e.start || e.end > text.length) {
      throw new KnobsError(
        'E_INTERNAL',
        `edit [${e.start}, ${e.end}) overlaps another edit or lies outside the text (length ${text.length})`,
        {
          hint: 'plan the edits again from the current text',
        },
      );
    }
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}
