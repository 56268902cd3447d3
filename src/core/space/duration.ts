/**
 * Durations in sweep files: a number of seconds, or a string of amounts with units
 * ("500ms", "90s", "30m", "2h", "1d", "1h30m", "1.5h"). Returns milliseconds, or undefined.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : undefined;
  const s = v.trim().replace(/\s+/g, '');
  if (/^\d+(?:\.\d+)?$/.test(s)) return parseDuration(Number(s));
  if (!WHOLE.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms > 0 ? Math.round(ms) : undefined;
}
