/**
 * An option's help string often repeats its default: `help="learning rate (default: 1.0)"`.
 * When Promote rewrites the default, the help string's "(default: X)" (or "(default=X)") is
 * rewritten with it, but only where X is the old value (`1.0`, `1`, `'adam'`, `adam`), so
 * text that says something else is left alone; `%(default)s` needs nothing.
 */
import type { SourceLang } from './lang';
import { formatLiteral, parseLiteral } from './literal';

const DEFAULT_RE = /\(\s*default\s*[:=]\s*([^()\s]+)\s*\)/i;

export interface HelpEdit {
  start: number;
  end: number;
  oldText: string;
  newText: string;
}

/** X written in the help text's own style, or undefined when X is not the old value. */
function rewrite(x: string, old: unknown, value: unknown, lang: SourceLang): string | undefined {
  if (typeof old === 'number' && typeof value === 'number') return Number(x) === old ? formatLiteral(value, lang, x) : undefined;
  if (typeof old === 'boolean' && typeof value === 'boolean')
    return x.toLowerCase() === String(old) ? formatLiteral(value, lang, x) : undefined;
  if (typeof old === 'string' && typeof value === 'string') {
    const quote = /^(['"]).*\1$/.test(x) ? x[0] : '';
    return (quote ? x.slice(1, -1) : x) === old ? `${quote}${value}${quote}` : undefined;
  }
  return undefined;
}

/**
 * The edit of the "(default: X)" in `help` (the help string literal at its offsets) when X holds
 * the value of `oldText`; undefined otherwise, or when the new value cannot sit in the string.
 */
export function helpDefaultEdit(
  help: { start: number; text: string },
  oldText: string,
  value: unknown,
  lang: SourceLang,
): HelpEdit | undefined {
  const m = DEFAULT_RE.exec(help.text);
  const old = parseLiteral(oldText, lang);
  if (!m || !old) return undefined;
  const x = m[1];
  const newText = rewrite(x, old.value, value, lang);
  if (newText === undefined || newText === x || /["'\\\n{}%]/.test(newText.replace(/^(['"])(.*)\1$/, '$2'))) return undefined;
  const start = help.start + m.index + m[0].lastIndexOf(x);
  return { start, end: start + x.length, oldText: x, newText };
}
