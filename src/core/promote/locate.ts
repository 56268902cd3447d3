/**
 * Where a training script or config file defines its hyperparameters (pure: no vscode import).
 *
 *   locateParams(text, lang, names?)      → definition sites: argparse/click options, dict and
 *                                           object literal keys, function keyword defaults,
 *                                           top-level assignments, YAML/JSON config keys
 *
 * Each language has its own scanner (python.ts, javascript.ts, yaml.ts, json.ts) over a small
 * tokenizer (strings, comments, brackets), so text inside strings and comments is never taken
 * for a definition and multi-line calls work. Sites carry the offsets of the default value's
 * literal, which promote (edits.ts) rewrites.
 *
 * Names match after normalisation: case-insensitive, camelCase = snake_case, `-` = `_`
 * (`LR` ~ `lr`, `batchSize` ~ `batch_size`, `--batch-size` ~ `batch_size`). A dotted name
 * (`optimizer.lr`) matches a nested key path, or the same words joined by `_`; a plain name also
 * matches the last key of a nested path (`lr` ~ `optimizer.lr`) when nothing better exists.
 * Several sites of one name are ordered argparse/click > dict/object/config key > function
 * default > assignment (last-key-only matches come after all of those); the first is the one
 * promote edits.
 */

import { scanJs } from './javascript';
import { scanJson } from './json';
import type { SourceLang } from './lang';
import { scanPython } from './python';
import { KIND_RANK, type ParamSite, type RawSite } from './sites';
import { scanYaml } from './yaml';

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
    return {
      name,
      kind: r.kind,
      line: pos.line,
      col: pos.col,
      valueStart: r.valueStart,
      valueEnd: r.valueEnd,
      valueText: text.slice(r.valueStart, r.valueEnd),
    };
  };
  const out: ParamSite[] = [];
  if (names) {
    // a site that another requested name matches fully is not offered as a last-key match
    const owned = new Set(
      uniq.filter((r) =>
        names.some((n) => {
          const l = matchLevel(n, r.path);
          return l === 0 || l === 1;
        }),
      ),
    );
    for (const name of names) {
      const hits = uniq
        .map((r) => ({ r, level: matchLevel(name, r.path) }))
        .filter((h) => h.level >= 0 && !(h.level === 2 && owned.has(h.r)))
        .sort(
          (a, b) =>
            +(a.level === 2) - +(b.level === 2) ||
            KIND_RANK[a.r.kind] - KIND_RANK[b.r.kind] ||
            a.level - b.level ||
            a.r.valueStart - b.r.valueStart,
        );
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
