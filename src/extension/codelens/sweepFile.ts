/**
 * Which files get the "▶ Run sweep · Resume · Dashboard" code lens, and on which line (pure: no
 * vscode import).
 *
 *   isSweepFile(fileName, text) → *.sweep.yaml/yml, sweep.yaml/yml, or any YAML file whose top
 *                                 level has both `method` and `parameters`
 *   sweepLensLine(text)         → 0-based line of the first top-level key (0 when none)
 */
import { parse } from 'yaml';

const NAMED_RE = /(?:^|[\\/.])sweep\.ya?ml$/i;
const YAML_RE = /\.ya?ml$/i;
/** A top-level key at column 0: `key:`, `"key":`, `'key':` (followed by space, EOL or nothing). */
const TOP_KEY_RE = /^(?:([A-Za-z_][\w.-]*)|"([^"\n]*)"|'([^'\n]*)')[ \t]*:(?:[ \t]|$)/;

function topLevelKeys(text: string): { key: string; line: number }[] {
  const out: { key: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = TOP_KEY_RE.exec(lines[i].replace(/\r$/, ''));
    if (m) out.push({ key: m[1] ?? m[2] ?? m[3], line: i });
  }
  return out;
}

export function isSweepFile(fileName: string, text: string): boolean {
  const base = fileName.replace(/^.*[\\/]/, '');
  if (NAMED_RE.test(base)) return true;
  if (!YAML_RE.test(base)) return false;
  const keys = new Set(topLevelKeys(text).map((k) => k.key));
  if (keys.has('method') && keys.has('parameters')) return true;
  // a flow-style document: {method: random, parameters: {...}}
  if (/^\s*(?:#[^\n]*\n\s*)*\{/.test(text)) {
    try {
      const v: unknown = parse(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) && 'method' in v && 'parameters' in v;
    } catch {
      return false;
    }
  }
  return false;
}

export function sweepLensLine(text: string): number {
  const first = topLevelKeys(text)[0];
  if (first) return first.line;
  // no block key: the first line that is neither blank, a comment nor a document marker
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim() !== '' && !/^\s*#/.test(l) && !/^(?:---|\.\.\.|%)/.test(l));
  return Math.max(i, 0);
}
