/** Formatting for the dashboard (pure). */
import type { ParamValue, TrialStatus } from '../../src/protocol/messages';

/** A number in at most `digits` significant digits: 0.00032 → "3.2e-4", 1234567 → "1.23e+6". */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(digits)));
  const [m, e] = v.toExponential(Math.max(0, digits - 2)).split('e');
  return `${String(Number(m))}e${e.startsWith('+') ? e.slice(1) : e}`;
}

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds as "850ms", "42s", "3m 05s", "2h 07m", "3d 4h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A parameter value for a table cell or a tooltip. */
export function formatParam(v: ParamValue | undefined, digits = 4): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v, digits);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** "lr=3.2e-4 dropout=0.2" */
export function formatConfig(params: Record<string, ParamValue>, max = Infinity): string {
  const keys = Object.keys(params);
  const parts = keys.slice(0, max).map((k) => `${k}=${formatParam(params[k])}`);
  if (keys.length > max) parts.push('…');
  return parts.join(' ');
}

export const STATUS_ORDER: readonly TrialStatus[] = ['running', 'pending', 'completed', 'pruned', 'stopped', 'failed', 'interrupted'];

export function statusLabel(s: TrialStatus): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Theme colour variable for a trial state. */
export function statusColorVar(s: TrialStatus): string {
  switch (s) {
    case 'running':
      return '--vscode-charts-blue';
    case 'completed':
      return '--vscode-charts-green';
    case 'failed':
      return '--vscode-charts-red';
    case 'pruned':
      return '--vscode-charts-orange';
    case 'stopped':
    case 'interrupted':
      return '--vscode-charts-yellow';
    default:
      return '--vscode-descriptionForeground';
  }
}
