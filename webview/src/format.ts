/** Formatting for the dashboard (pure): counts, parameters, states; numbers and durations are src/core/format's. */
import { formatNumber } from '../../src/core/format/number';
import type { ParamValue, TrialStatus } from '../../src/protocol/messages';

/** 12345 → "12,345". */
export function formatCount(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
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
