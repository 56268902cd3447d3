/**
 * YAML (and so JSON) text → a small positioned tree that the sweep parser walks.
 * Every node keeps its 1-based source span; scalars keep their source text so that `1.0` and `1`
 * stay distinct. Aliases are expanded here under a node budget and a depth limit, so hostile input
 * (alias bombs, thousands of nested brackets) ends in a diagnostic, never a crash or a hang.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

// the yaml package's parsed tree and its items, named by what parseDocument returns, so the core
// spells none of the package's own type names
type ParsedYaml = ReturnType<typeof parseDocument>;
type YamlItem = ParsedYaml['contents'];

import type { Diagnostic, Scalar, SourceLoc, Value } from './types';

export interface ScalarNode {
  kind: 'scalar';
  value: Scalar;
  /** Source text of the value as written (quotes included for quoted scalars). */
  source: string;
  /** An integer literal (`3`, `-2`, `0x10`, `!!int 3`), as opposed to `3.0` or `3e0`. */
  intLiteral: boolean;
  /** Written as a quoted (or block) string. */
  quoted: boolean;
  loc: SourceLoc;
}
export interface SeqNode {
  kind: 'seq';
  items: TreeNode[];
  loc: SourceLoc;
}
export interface MapEntry {
  key: string;
  keyLoc: SourceLoc;
  value: TreeNode;
}
export interface MapNode {
  kind: 'map';
  entries: MapEntry[];
  loc: SourceLoc;
}
export type TreeNode = ScalarNode | SeqNode | MapNode;

export interface ParsedTree {
  root?: TreeNode;
  diagnostics: Diagnostic[];
  /** Converts a 0-based offset to a 1-based position. */
  locOf(start: number, end?: number): SourceLoc;
}

export interface TreeLimits {
  /** Deepest nesting of maps and sequences. */
  maxDepth: number;
  /** Most nodes produced, aliases expanded (guards against alias bombs). */
  maxNodes: number;
  /** Most aliases in the document. */
  maxAliasCount: number;
}

export const DEFAULT_TREE_LIMITS: TreeLimits = { maxDepth: 64, maxNodes: 100_000, maxAliasCount: 1000 };

const INT_TAG = 'tag:yaml.org,2002:int';
const INT_RE = /^[-+]?(?:0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$/;

/** Hints for the yaml package's error codes. */
const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  BAD_INDENT: 'line up keys of the same map at the same column, and close every `[` and `{`',
  MULTIPLE_DOCS: 'a sweep file holds one document: remove the `---` separator and what follows, or split the file',
  BLOCK_AS_IMPLICIT_KEY: 'put the nested map on its own indented lines, or quote the value if it contains `: `',
  MISSING_CHAR: 'add the missing character: a `,` between items of a `{...}` or `[...]`, or the closing bracket or quote',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the indentation and any unclosed quote above',
  UNEXPECTED_TOKEN: 'check the quoting and indentation here; quote values that contain `: `, `#` or start with `*`, `&`, `!`, `@`',
  BAD_ALIAS: 'define the anchor (`&name`) before using the alias (`*name`)',
  BAD_SCALAR_START: 'quote the value; plain values cannot start with this character',
  BAD_DQ_ESCAPE: 'fix the escape sequence, or use single quotes',
  ALIAS_PROPS: 'an alias (`*name`) cannot carry a tag or an anchor',
  IMPOSSIBLE: 'check the syntax near here',
};

/** Clearer wording for some of the yaml package's messages. */
const YAML_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document (a `---` separator)',
};

export function parseTree(text: string, limits: TreeLimits = DEFAULT_TREE_LIMITS): ParsedTree {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const locOf = (start: number, end?: number): SourceLoc => {
    const a = lineCounter.linePos(Math.max(0, Math.min(start, text.length)));
    const loc: SourceLoc = { line: a.line, col: a.col };
    if (end !== undefined) {
      const b = lineCounter.linePos(Math.max(0, Math.min(end, text.length)));
      loc.endLine = b.line;
      loc.endCol = b.col;
    }
    return loc;
  };
  let doc: ParsedYaml;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      // The package's own duplicate check is quadratic in the keys of a map; convert() checks instead.
      uniqueKeys: false,
      keepSourceTokens: false,
    });
  } catch (e) {
    // The yaml package recurses per nesting level; extreme nesting may exhaust the stack.
    diagnostics.push({
      severity: 'error',
      code: 'too-deep',
      message: `the file could not be parsed: ${e instanceof RangeError ? 'it is nested too deeply' : String(e)}`,
      loc: { line: 1, col: 1 },
      hint: `keep nesting under ${limits.maxDepth} levels`,
    });
    return { diagnostics, locOf };
  }
  for (const err of doc.errors) {
    diagnostics.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML syntax error: ${YAML_MESSAGES[err.code] ?? err.message}`,
      loc: locOf(err.pos[0], err.pos[1]),
      hint: YAML_HINTS[err.code] ?? 'check the quoting and indentation near here',
    });
  }
  if (diagnostics.length > 0) return { diagnostics, locOf };

  let nodes = 0;
  let aliases = 0;
  let stopped = false;
  const fail = (code: string, message: string, loc: SourceLoc, hint: string): undefined => {
    if (!stopped) diagnostics.push({ severity: 'error', code, message, loc, hint });
    stopped = true;
    return undefined;
  };

  const convert = (n: YamlItem | undefined, depth: number, fallback: SourceLoc, fromAlias: boolean): TreeNode | undefined => {
    if (stopped) return undefined;
    if (++nodes > limits.maxNodes) {
      return fail(
        'too-large',
        `the file expands to more than ${limits.maxNodes} nodes${fromAlias ? ' once its aliases are expanded' : ''}`,
        fallback,
        'use fewer aliases (`*name`), or split the sweep',
      );
    }
    if (n === null || n === undefined) {
      return { kind: 'scalar', value: null, source: '', intLiteral: false, quoted: false, loc: fallback };
    }
    const loc = n.range ? locOf(n.range[0], n.range[1]) : fallback;
    if (isAlias(n)) {
      if (++aliases > limits.maxAliasCount) {
        return fail('too-many-aliases', `more than ${limits.maxAliasCount} aliases`, loc, 'use fewer aliases (`*name`)');
      }
      const target = n.resolve(doc);
      if (!target) return fail('yaml-syntax', `alias \`*${n.source}\` has no anchor`, loc, `define \`&${n.source}\` before this line`);
      const resolved = convert(target as YamlItem, depth, loc, true);
      return resolved;
    }
    if (depth > limits.maxDepth) {
      return fail('too-deep', `nesting deeper than ${limits.maxDepth} levels`, loc, `keep nesting under ${limits.maxDepth} levels`);
    }
    if (isScalar(n)) {
      const src = n.range ? text.slice(n.range[0], n.range[1]) : String(n.value);
      let value: Scalar;
      const v = n.value;
      if (v === null || v === undefined) value = null;
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') value = v;
      else if (typeof v === 'bigint') value = Number(v);
      else value = String(v as unknown);
      const quoted = n.type !== undefined && n.type !== 'PLAIN';
      const intLiteral = typeof value === 'number' && Number.isInteger(value) && (n.tag === INT_TAG || (!n.tag && INT_RE.test(src.trim())));
      return { kind: 'scalar', value, source: src, intLiteral, quoted, loc };
    }
    if (isSeq(n)) {
      const items: TreeNode[] = [];
      for (const it of n.items) {
        const c = convert(it as YamlItem, depth + 1, loc, fromAlias);
        if (!c) return undefined;
        items.push(c);
      }
      return { kind: 'seq', items, loc };
    }
    if (isMap(n)) {
      const entries: MapEntry[] = [];
      const merges: MapNode[] = [];
      const seen = new Set<string>();
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YamlItem;
        const keyLoc = k?.range ? locOf(k.range[0], k.range[1]) : loc;
        if (k !== null && !isScalar(k)) {
          return fail('bad-key', 'a map key must be a plain word, not a list or map', keyLoc, 'write the key as a name such as `lr`');
        }
        const key = k === null || k.value === null || k.value === undefined ? '' : String(k.value);
        const pv = pair.value as YamlItem;
        const valueLoc: SourceLoc = pv?.range
          ? locOf(pv.range[0])
          : { line: keyLoc.endLine ?? keyLoc.line, col: keyLoc.endCol ?? keyLoc.col };
        const value = convert(pv, depth + 1, valueLoc, fromAlias);
        if (!value) return undefined;
        if (key === '<<' && k && (k as { type?: string }).type === 'PLAIN') {
          // YAML 1.1 merge key, as PyYAML (and so W&B) reads it.
          const srcs = value.kind === 'seq' ? value.items : [value];
          for (const s of srcs) {
            if (s.kind !== 'map')
              return fail(
                'bad-merge',
                '`<<` must merge a map or a list of maps',
                value.loc,
                'write `<<: *anchor` where the anchor names a map',
              );
            merges.push(s);
          }
          continue;
        }
        if (seen.has(key)) {
          // PyYAML (and so W&B) keeps the last value, in the first key's place: so do we, and warn.
          const i = entries.findIndex((x) => x.key === key);
          diagnostics.push({
            severity: 'warning',
            code: 'duplicate-key',
            message: `the key \`${key}\` appears twice in the same map (first at line ${entries[i].keyLoc.line}); this later value is used, as W&B does`,
            loc: keyLoc,
            hint: `remove one of the two \`${key}\` keys`,
          });
          entries[i] = { key, keyLoc, value };
          continue;
        }
        seen.add(key);
        entries.push({ key, keyLoc, value });
      }
      for (const m of merges) {
        for (const e of m.entries) {
          if (!seen.has(e.key)) {
            seen.add(e.key);
            entries.push(e);
          }
        }
      }
      return { kind: 'map', entries, loc };
    }
    return fail('yaml-syntax', 'unsupported YAML node', loc, 'use plain maps, lists and scalars');
  };

  const root = doc.contents === null ? undefined : convert(doc.contents as YamlItem, 0, { line: 1, col: 1 }, false);
  if (stopped) return { diagnostics, locOf };
  return { root, diagnostics, locOf };
}

/** Plain JS value of a node (maps become objects, in file order). */
export function toValue(n: TreeNode): Value {
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toValue);
  const o: { [k: string]: Value } = {};
  for (const e of n.entries) o[e.key] = toValue(e.value);
  return o;
}

export function describeNode(n: TreeNode): string {
  if (n.kind === 'map') return 'a map';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'empty';
  if (typeof n.value === 'string') return `the string ${JSON.stringify(n.value)}`;
  return `${typeof n.value} ${n.source.trim() || String(n.value)}`;
}
