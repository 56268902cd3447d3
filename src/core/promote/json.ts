/** JSON config files (comments tolerated): every literal value, by its key path. */
import { tokenizeJs } from './javascript';
import { type RawSite, WRAPPER_KEYS } from './sites';
import { isOp, litEnd, matchBrackets, splitArgs, strValue } from './tokens';

export function scanJson(text: string): RawSite[] {
  const toks = tokenizeJs(text);
  const match = matchBrackets(toks);
  const sites: RawSite[] = [];
  const keyAt = (s: number) => strValue(toks[s], 'json') ?? (toks[s].t === 'name' ? toks[s].s : undefined);
  const obj = (open: number, prefix: string[]): void => {
    const entries = splitArgs(toks, match, open);
    const numeric = (s: number, e: number) =>
      isOp(toks[s + 1], ':') &&
      (toks[s + 2]?.t === 'num' ? e === s + 3 : isOp(toks[s + 2], '-') && toks[s + 3]?.t === 'num' && e === s + 4);
    const wrapped =
      prefix.length > 0 &&
      entries.some(([s, e]) => WRAPPER_KEYS.has(keyAt(s) ?? '') && isOp(toks[s + 1], ':') && litEnd(toks, match, s + 2, 'json') === e) &&
      !entries.some(([s, e]) => !WRAPPER_KEYS.has(keyAt(s) ?? '') && numeric(s, e));
    for (const [s, e] of entries) {
      const key = keyAt(s);
      if (key === undefined || !isOp(toks[s + 1], ':')) continue;
      if (wrapped && !WRAPPER_KEYS.has(key)) continue;
      const vs = s + 2;
      const path = WRAPPER_KEYS.has(key) && prefix.length ? prefix : [...prefix, key];
      if (isOp(toks[vs], '{') && match.get(vs) === e - 1) {
        obj(vs, [...prefix, key]);
        continue;
      }
      if (litEnd(toks, match, vs, 'json') === e)
        sites.push({ path, kind: 'json', defStart: toks[s].start, valueStart: toks[vs].start, valueEnd: toks[e - 1].end });
    }
  };
  const first = toks.findIndex((t) => t.t !== 'eof');
  if (first >= 0 && isOp(toks[first], '{')) obj(first, []);
  return sites;
}
