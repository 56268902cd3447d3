/**
 * Collects parse diagnostics and reads typed values out of the positioned tree, reporting each
 * problem at the exact line:col of the offending key or value with a hint of what would be valid.
 */
import { closest, listChoices } from './suggest';
import type { Diagnostic, Severity, SourceLoc } from './types';
import { describeNode, type MapEntry, type MapNode, type ScalarNode, type TreeNode } from './yamlTree';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  add(severity: Severity, loc: SourceLoc | undefined, code: string, message: string, hint?: string, fix?: Diagnostic['fix']): void {
    const d: Diagnostic = { severity, code, message };
    if (loc) d.loc = { ...loc };
    if (hint) d.hint = hint;
    if (fix) d.fix = fix;
    this.diagnostics.push(d);
  }
  error(loc: SourceLoc | undefined, code: string, message: string, hint: string, fix?: Diagnostic['fix']): void {
    this.add('error', loc, code, message, hint, fix);
  }
  warning(loc: SourceLoc | undefined, code: string, message: string, hint?: string): void {
    this.add('warning', loc, code, message, hint);
  }
  info(loc: SourceLoc | undefined, code: string, message: string, hint?: string): void {
    this.add('info', loc, code, message, hint);
  }
  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

export interface NumberRule {
  /** Must be an integer literal. */
  int?: boolean;
  min?: number;
  /** `min` is exclusive. */
  minExclusive?: boolean;
  max?: number;
}

/** A display name like `early_terminate.eta`. */
const q = (what: string) => `\`${what}\``;

/** A scalar string that would be a number if unquoted, for a quick fix. */
function numericString(n: ScalarNode): string | undefined {
  if (typeof n.value !== 'string') return undefined;
  const t = n.value.trim();
  return t !== '' && Number.isFinite(Number(t)) ? t : undefined;
}

export function readNumber(r: Reporter, node: TreeNode, what: string, rule: NumberRule = {}): number | undefined {
  const kind = rule.int ? 'an integer' : 'a number';
  if (node.kind !== 'scalar' || typeof node.value !== 'number') {
    const asNum = node.kind === 'scalar' ? numericString(node) : undefined;
    if (asNum !== undefined && !(rule.int && !/^[-+]?\d+$/.test(asNum))) {
      r.error(node.loc, 'bad-type', `${q(what)} is ${describeNode(node)} but must be ${kind}`, `write it without quotes: ${asNum}`, {
        title: `Write ${asNum} as a number`,
        replacement: asNum,
      });
    } else {
      r.error(
        node.loc,
        'bad-type',
        `${q(what)} is ${describeNode(node)} but must be ${kind}`,
        `give ${kind}${rule.min !== undefined ? ` ${rule.minExclusive ? '>' : '≥'} ${rule.min}` : ''}, e.g. \`${what.split('.').pop()}: ${rule.min !== undefined ? (rule.minExclusive ? rule.min + 1 : rule.min) : 1}\``,
      );
    }
    return undefined;
  }
  const v = node.value;
  const src = node.source.trim();
  if (!Number.isFinite(v)) {
    r.error(node.loc, 'bad-value', `${q(what)} is ${src} but must be finite`, `give a finite ${rule.int ? 'integer' : 'number'}`);
    return undefined;
  }
  if (rule.int && !node.intLiteral) {
    const fixed = Number.isInteger(v) ? String(v) : String(Math.round(v));
    r.error(node.loc, 'bad-type', `${q(what)} is ${src} but must be an integer`, `write an integer such as ${fixed}`, {
      title: `Use ${fixed}`,
      replacement: fixed,
    });
    return undefined;
  }
  if (rule.min !== undefined && (rule.minExclusive ? !(v > rule.min) : !(v >= rule.min))) {
    const bound = `${rule.minExclusive ? '>' : '≥'} ${rule.min}`;
    r.error(node.loc, 'out-of-range', `${q(what)} is ${src} but must be ${bound}`, `give ${kind} ${bound}`);
    return undefined;
  }
  if (rule.max !== undefined && !(v <= rule.max)) {
    r.error(node.loc, 'out-of-range', `${q(what)} is ${src} but must be ≤ ${rule.max}`, `give ${kind} ≤ ${rule.max}`);
    return undefined;
  }
  return v;
}

export function readString(r: Reporter, node: TreeNode, what: string, example = 'a name'): string | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
  if (node.kind === 'scalar' && node.value !== null && !node.quoted) {
    // A plain number or boolean where a string is wanted: accept its source text.
    return node.source.trim();
  }
  r.error(node.loc, 'bad-type', `${q(what)} is ${describeNode(node)} but must be a string`, `give ${example}`);
  return undefined;
}

export function readBool(r: Reporter, node: TreeNode, what: string): boolean | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
  const s = node.kind === 'scalar' && typeof node.value === 'string' ? node.value.toLowerCase() : undefined;
  const fix = s === 'yes' || s === 'on' || s === 'true' ? 'true' : s === 'no' || s === 'off' || s === 'false' ? 'false' : undefined;
  r.error(
    node.loc,
    'bad-type',
    `${q(what)} is ${describeNode(node)} but must be true or false`,
    'write true or false',
    fix ? { title: `Use ${fix}`, replacement: fix } : undefined,
  );
  return undefined;
}

export function readEnum<T extends string>(r: Reporter, node: TreeNode, what: string, choices: readonly T[]): T | undefined {
  const s =
    node.kind === 'scalar' && node.value !== null && (typeof node.value === 'string' || !node.quoted) ? String(node.value) : undefined;
  if (s !== undefined && (choices as readonly string[]).includes(s)) return s as T;
  const near = s !== undefined ? closest(s, choices) : undefined;
  r.error(
    node.loc,
    'bad-enum',
    `${q(what)} is ${describeNode(node)} but must be one of ${listChoices(choices)}`,
    near ? `did you mean \`${near}\`?` : `use one of ${listChoices(choices)}`,
    near ? { title: `Change to ${near}`, replacement: near } : undefined,
  );
  return undefined;
}

export function requireMap(r: Reporter, node: TreeNode, what: string, example: string): MapNode | undefined {
  if (node.kind === 'map') return node;
  r.error(node.loc, 'bad-type', `${q(what)} is ${describeNode(node)} but must be a map`, `write it as a map, e.g. ${example}`);
  return undefined;
}

export function requireSeq(r: Reporter, node: TreeNode, what: string, example: string): TreeNode[] | undefined {
  if (node.kind === 'seq') return node.items;
  r.error(node.loc, 'bad-type', `${q(what)} is ${describeNode(node)} but must be a list`, `write it as a list, e.g. ${example}`);
  return undefined;
}

/**
 * Reports keys of `map` that are not in `allowed` (unknown-key, with a did-you-mean fix).
 * Returns the entries that are allowed.
 */
export function checkKeys(r: Reporter, map: MapNode, allowed: readonly string[], where: string, extraHint?: string): MapEntry[] {
  const ok: MapEntry[] = [];
  for (const e of map.entries) {
    if (allowed.includes(e.key)) {
      ok.push(e);
      continue;
    }
    const near = closest(e.key, allowed);
    const label = e.key === '' ? 'an empty key' : `\`${e.key}\``;
    r.error(
      e.keyLoc,
      'unknown-key',
      `unknown key ${label} in ${where}`,
      near ? `did you mean \`${near}\`?` : (extraHint ?? `valid keys here: ${listChoices(allowed)}`),
      near ? { title: `Change to ${near}`, replacement: near } : undefined,
    );
  }
  return ok;
}

export function entry(map: MapNode, key: string): MapEntry | undefined {
  return map.entries.find((e) => e.key === key);
}
