/** YAML config files: every scalar or flow-list value, by its key path. */
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { type RawSite, WRAPPER_KEYS } from './sites';

export function scanYaml(text: string): RawSite[] {
  const sites: RawSite[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return sites;
  }
  const list = Array.isArray(docs) ? docs : [];
  const walk = (node: unknown, prefix: string[]): void => {
    if (!isMap(node)) return;
    // `dropout: {desc: ..., value: 0.1}` (W&B config-defaults): only the value is promoted
    // (unless a sibling holds a number: then it is a config map with a key named `value`)
    const wrapped =
      prefix.length > 0 &&
      node.items.some((p) => isScalar(p.key) && WRAPPER_KEYS.has(String(p.key.value)) && isScalar(p.value)) &&
      !node.items.some(
        (p) => isScalar(p.key) && !WRAPPER_KEYS.has(String(p.key.value)) && isScalar(p.value) && typeof p.value.value === 'number',
      );
    for (const pair of node.items) {
      const k = pair.key;
      if (!isScalar(k) || !k.range) continue;
      const key = String(k.value);
      if (wrapped && !WRAPPER_KEYS.has(key)) continue;
      const v = pair.value;
      if (!(isMap(v) || isScalar(v) || isSeq(v)) || !v.range) continue;
      const path = WRAPPER_KEYS.has(key) && prefix.length ? prefix : [...prefix, key];
      if (isMap(v)) {
        walk(v, [...prefix, key]);
        continue;
      }
      if (isScalar(v)) {
        if (v.type === 'BLOCK_LITERAL' || v.type === 'BLOCK_FOLDED') continue;
        if (v.range[1] <= v.range[0]) continue;
        sites.push({ path, kind: 'yaml', defStart: k.range[0], valueStart: v.range[0], valueEnd: v.range[1] });
        continue;
      }
      if (isSeq(v) && v.flow) sites.push({ path, kind: 'yaml', defStart: k.range[0], valueStart: v.range[0], valueEnd: v.range[1] });
    }
  };
  for (const d of list) walk(d.contents, []);
  return sites;
}
