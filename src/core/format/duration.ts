/**
 * Durations for people, the one style for every face (elapsed times, timeouts, ETAs): "850ms",
 * "42s", "3m05s", "2h07m", "3d04h"; a negative or unknown one prints as MISSING.
 * Pure and import-free apart from ./number (see number.ts for why the webview may import it).
 */
import { MISSING } from './number';

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.floor(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${two(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${two(m % 60)}m`;
  return `${Math.floor(h / 24)}d${two(h % 24)}h`;
}
