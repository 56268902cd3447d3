/**
 * The importance tab: one row per parameter, most important first, with two bars: importance
 * (0…1, from the left) and correlation with the metric (−1…1, from the middle; none for
 * categoricals), as W&B shows both. DOM bars, coloured from the theme's chart variables.
 * The host computes the numbers in a worker thread and sends `importance` messages.
 */

import { formatNumber } from '../../../src/core/format/number';
import type { ImportanceView } from '../../../src/protocol/messages';
import { el } from '../context';

export interface ImportanceRowModel {
  name: string;
  /** Bar width in % of its track. */
  importancePct: number;
  importanceText: string;
  /** Correlation bar: left edge and width in % of its track (centre at 50%). */
  corrLeftPct: number;
  corrWidthPct: number;
  corrText: string;
  corrSign: 'pos' | 'neg' | 'none';
}

/** Pure: the rows to draw (importance scaled to the largest, so the top bar fills its track). */
export function importanceRows(v: ImportanceView): ImportanceRowModel[] {
  const max = Math.max(1e-12, ...v.params.map((p) => p.importance));
  return v.params.map((p) => {
    const c = p.correlation;
    const half = c === null ? 0 : Math.min(1, Math.abs(c)) * 50;
    return {
      name: p.name,
      importancePct: Math.round((p.importance / max) * 1000) / 10,
      importanceText: `${(p.importance * 100).toFixed(p.importance < 0.1 ? 1 : 0)}%`,
      corrLeftPct: c === null ? 50 : c < 0 ? 50 - half : 50,
      corrWidthPct: half,
      corrText: formatNumber(c, 2),
      corrSign: c === null || c === 0 ? 'none' : c > 0 ? 'pos' : 'neg',
    };
  });
}

export function importanceCaption(v: ImportanceView | null, message?: string): string {
  if (!v) return message ?? 'Importance appears once a few trials have completed (it is recomputed every 10).';
  const how = v.method === 'fanova' ? 'fANOVA share of variance' : 'PED-ANOVA share';
  const explained = v.explained !== undefined ? `; the additive model explains ${Math.round(v.explained * 100)}%` : '';
  return `${how} from ${v.n} completed trials${explained}. Correlation: Pearson r with the metric.${v.note ? ` ${v.note}` : ''}`;
}

export class ImportanceChart {
  readonly root = el('div', 'importance');
  private caption = el('div', 'imp-caption');
  private list = el('div', 'imp-list');
  private view: ImportanceView | null = null;
  private message: string | undefined;

  constructor() {
    this.root.append(this.caption, this.list);
    this.root.setAttribute('role', 'table');
    this.root.setAttribute('aria-label', 'Hyperparameter importance');
    this.render();
  }

  set(view: ImportanceView | null, message?: string): void {
    this.view = view;
    this.message = message;
    this.render();
  }

  draw(): void {
    // DOM layout: nothing to redraw on resize
  }

  drawOverlay(): void {}

  private render(): void {
    this.caption.textContent = importanceCaption(this.view, this.message);
    if (!this.view) {
      this.list.replaceChildren();
      return;
    }
    const head = el('div', 'imp-row imp-head');
    head.append(el('span', 'imp-name', 'parameter'), el('span', 'imp-track-h', 'importance'), el('span', 'imp-track-h', 'correlation'));
    const rows = importanceRows(this.view).map((r) => {
      const row = el('div', 'imp-row');
      row.setAttribute('role', 'row');
      row.dataset.param = r.name;
      const name = el('span', 'imp-name', r.name);
      name.title = r.name;
      const imp = el('span', 'imp-track');
      const bar = el('span', 'imp-bar');
      bar.style.width = `${r.importancePct}%`;
      imp.append(bar, el('span', 'imp-val', r.importanceText));
      imp.title = `importance ${r.importanceText}`;
      const corr = el('span', 'imp-track corr');
      const cb = el('span', `corr-bar ${r.corrSign}`);
      cb.style.left = `${r.corrLeftPct}%`;
      cb.style.width = `${r.corrWidthPct}%`;
      corr.append(el('span', 'corr-mid'), cb, el('span', 'imp-val', r.corrText));
      corr.title = `correlation ${r.corrText}`;
      row.append(name, imp, corr);
      return row;
    });
    this.list.replaceChildren(head, ...rows);
  }
}
