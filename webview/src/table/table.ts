/**
 * The trial table: sortable (click a header), filtered by the shared mask, and virtualized: only
 * the rows in view (plus a few) exist in the DOM, reused as the list scrolls, so 100k rows stay
 * fast. Each row has Stop (running trials only), Promote and Logs buttons.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatDuration } from '../../../src/core/format/duration';
import { formatNumber } from '../../../src/core/format/number';
import type { TrialRow } from '../../../src/protocol/messages';
import { type Ctx, el } from '../context';
import { formatParam, statusColorVar, statusLabel } from '../format';
import type { SortSpec } from '../state/sort';
import { scrollToRow, visibleWindow } from './virtual';

export const ROW_H = 28;
const ACTIONS_W = 220; // Stop + Promote + Logs at the default font, without clipping

interface Column {
  key: string;
  label: string;
  width: number;
  sortable: boolean;
  cell(r: TrialRow, now: number): string;
  cls?: string;
  /** Stays in view when the table scrolls sideways (the columns that name a row). */
  pin?: boolean;
}

/** Pins a leading column: sticky at the summed width of the pinned columns before it. */
function pinCell(cell: HTMLElement, c: Column, cols: readonly Column[]): void {
  if (!c.pin) return;
  let left = 0;
  for (const o of cols) {
    if (o === c) break;
    if (o.pin) left += o.width;
  }
  cell.classList.add('pin');
  cell.style.left = `${left}px`;
}

interface Slot {
  el: HTMLElement;
  cells: HTMLElement[];
  dot: HTMLElement;
  stop: HTMLElement;
  row: TrialRow | undefined;
  index: number;
}

export class TrialTable {
  readonly root = el('div', 'table');
  private headWrap = el('div', 'thead-wrap');
  private head = el('div', 'thead');
  private body = el('div', 'tbody');
  private spacer = el('div', 'spacer');
  private rowsEl = el('div', 'rows');
  private empty = el('div', 'empty', 'No trials match the filters.');
  private columns: Column[] = [];
  private slots: Slot[] = [];
  private columnsKey = '';
  private fitColumn = -1;
  /** Row indices in display order (sorted, filtered). */
  order: Int32Array = new Int32Array(0);
  sort: SortSpec = { key: 'value', dir: 'asc' };
  onSort: (key: string) => void = () => undefined;
  onScroll: (firstRow: number) => void = () => undefined;

  constructor(private ctx: Ctx) {
    this.body.append(this.spacer, this.rowsEl, this.empty);
    this.headWrap.append(this.head);
    this.root.append(this.headWrap, this.body);
    this.body.addEventListener('scroll', () => {
      this.headWrap.scrollLeft = this.body.scrollLeft;
      this.render();
      this.onScroll(Math.floor(this.body.scrollTop / ROW_H));
    });
    this.head.addEventListener('click', (e) => {
      const h = (e.target as HTMLElement).closest<HTMLElement>('[data-key]');
      if (h?.dataset.sortable === '1') this.onSort(h.dataset.key!);
    });
    this.rowsEl.addEventListener('pointermove', (e) => {
      const slot = this.slotOf(e.target);
      const id = slot?.row?.id ?? null;
      if (id !== this.ctx.hovered) this.ctx.setHover(id, 'hover-table');
    });
    this.rowsEl.addEventListener('pointerleave', () => this.ctx.setHover(null, 'hover-table'));
    // keyboard: arrows/Home/End move the selection, Enter opens the logs
    this.body.tabIndex = 0;
    this.body.setAttribute('role', 'grid');
    this.body.setAttribute('aria-label', 'Trials');
    this.body.addEventListener('keydown', (e) => {
      const n = this.order.length;
      if (!n) return;
      const cur = this.ctx.selected == null ? -1 : this.order.indexOf(this.ctx.store.indexById.get(this.ctx.selected) ?? -1);
      const page = Math.max(1, Math.floor(this.body.clientHeight / ROW_H) - 1);
      const next = { ArrowDown: cur + 1, ArrowUp: cur - 1, PageDown: cur + page, PageUp: cur - page, Home: 0, End: n - 1 }[e.key];
      if (next !== undefined) {
        e.preventDefault();
        const k = Math.max(0, Math.min(n - 1, next));
        this.ctx.select(this.ctx.store.ids[this.order[k]], 'select-key');
      } else if (e.key === 'Enter' && this.ctx.selected != null) this.ctx.post({ type: 'openLogs', trial: this.ctx.selected });
    });
    this.rowsEl.addEventListener('click', (e) => {
      const slot = this.slotOf(e.target);
      if (!slot?.row) return;
      const btn = (e.target as HTMLElement).closest<HTMLElement>('[data-action]');
      const trial = slot.row.id;
      if (btn) {
        const a = btn.dataset.action;
        if (a === 'stop') this.ctx.post({ type: 'stopTrial', trial });
        else if (a === 'promote') this.ctx.post({ type: 'promote', trial });
        else if (a === 'logs') this.ctx.post({ type: 'openLogs', trial });
        return;
      }
      this.ctx.select(this.ctx.selected === trial ? null : trial, 'select-table');
    });
  }

  private slotOf(t: EventTarget | null): Slot | undefined {
    const rowEl = (t as HTMLElement | null)?.closest?.<HTMLElement>('.tr');
    return rowEl ? this.slots[Number(rowEl.dataset.slot)] : undefined;
  }

  /** Rebuilds the columns when the params or metric change. */
  private ensureColumns(): void {
    const s = this.ctx.store;
    const key = JSON.stringify([s.paramNames, s.metricName, s.hasFit, this.ctx.theme.font]);
    if (key === this.columnsKey) return;
    this.columnsKey = key;
    const cols: Column[] = [
      { key: 'id', label: '#', width: 68, sortable: true, cell: (r) => String(r.id), cls: 'num', pin: true },
      { key: 'status', label: 'State', width: 104, sortable: true, cell: (r) => statusLabel(r.status), pin: true },
      { key: 'value', label: s.metricName, width: 92, sortable: true, cell: (r) => formatNumber(r.value), cls: 'num' },
      { key: 'best', label: 'best', width: 84, sortable: true, cell: (r) => formatNumber(r.best), cls: 'num' },
      { key: 'step', label: 'step', width: 56, sortable: true, cell: (r) => (r.step == null ? '' : String(r.step)), cls: 'num' },
      ...(s.hasFit ? [{ key: 'fit', label: 'fit', width: 96, sortable: true, cell: (r: TrialRow) => r.fit ?? '', cls: 'fit' }] : []),
      ...s.paramNames.map((p) => ({
        key: `param:${p}`,
        label: p,
        width: Math.max(76, Math.min(140, p.length * 8 + 24)),
        sortable: true,
        cell: (r: TrialRow) => formatParam(r.params[p], 3),
        cls: 'num',
      })),
      {
        key: 'duration',
        label: 'time',
        width: durationWidth(this.ctx.theme.font),
        sortable: true,
        cell: (r, now) => (r.startedAt === undefined ? '' : formatDuration((r.endedAt ?? now) - r.startedAt)),
        cls: 'num',
      },
      { key: 'reason', label: 'reason', width: 160, sortable: false, cell: (r) => r.reason ?? '' },
    ];
    this.columns = cols;
    this.fitColumn = cols.findIndex((c) => c.key === 'fit');
    const template = `${cols.map((c) => `${c.width}px`).join(' ')} ${ACTIONS_W}px`;
    this.head.replaceChildren();
    this.head.style.gridTemplateColumns = template;
    this.rowsEl.style.setProperty('--cols', template);
    for (const c of cols) {
      const h = el('div', `th${c.cls ? ` ${c.cls}` : ''}`, c.label);
      pinCell(h, c, cols);
      h.dataset.key = c.key;
      h.dataset.sortable = c.sortable ? '1' : '0';
      h.title = c.sortable ? `Sort by ${c.label}` : c.label;
      this.head.append(h);
    }
    this.head.append(el('div', 'th actions-h', ''));
    const width = cols.reduce((a, c) => a + c.width, 0) + ACTIONS_W;
    this.head.style.width = `${width}px`;
    this.rowsEl.style.width = `${width}px`;
    this.spacer.style.width = `${width}px`;
    for (const sl of this.slots) sl.el.remove();
    this.slots = [];
  }

  private makeSlot(k: number): Slot {
    const r = el('div', 'tr');
    r.setAttribute('role', 'row');
    r.dataset.slot = String(k);
    r.style.gridTemplateColumns = this.head.style.gridTemplateColumns;
    const cells = this.columns.map((c) => {
      const td = el('div', `td${c.cls ? ` ${c.cls}` : ''}`);
      pinCell(td, c, this.columns);
      r.append(td);
      return td;
    });
    const dot = el('span', 'dot');
    const actions = el('div', 'td actions');
    const mk = (action: string, label: string, title: string) => {
      const b = document.createElement('vscode-button');
      b.setAttribute('secondary', '');
      b.dataset.action = action;
      b.textContent = label;
      b.title = title;
      b.setAttribute('aria-label', title);
      actions.append(b);
      return b;
    };
    const stop = mk('stop', 'Stop', 'Stop this trial');
    mk('promote', 'Promote', 'Write this config into the code');
    mk('logs', 'Logs', 'Open the trial log');
    r.append(actions);
    this.rowsEl.append(r);
    return { el: r, cells, dot, stop, row: undefined, index: -1 };
  }

  /** Sets the display order (row indices) and re-renders. */
  setOrder(order: Int32Array, sort: SortSpec): void {
    this.order = order;
    this.sort = sort;
    this.render(true);
  }

  scrollToTrial(id: number): void {
    const i = this.ctx.store.indexById.get(id);
    if (i === undefined) return;
    const pos = this.order.indexOf(i);
    if (pos < 0) return;
    const vp = this.body.clientHeight;
    const top = scrollToRow(this.order.length, ROW_H, this.body.scrollTop, vp, pos);
    if (Math.abs(top - this.body.scrollTop) > 1) this.body.scrollTop = top;
  }

  scrollToRowIndex(row: number): void {
    this.body.scrollTop = row * ROW_H;
  }

  /** Draws the visible rows; `force` re-renders rows whose trial object did not change. */
  render(force = false): void {
    this.ensureColumns();
    const { store, selected, hovered } = this.ctx;
    for (const h of Array.from(this.head.children) as HTMLElement[]) {
      const on = h.dataset.key === this.sort.key;
      h.classList.toggle('sorted', on);
      h.dataset.dir = on ? this.sort.dir : '';
    }
    const total = this.order.length;
    const vp = this.body.clientHeight || 300;
    const w = visibleWindow(total, ROW_H, this.body.scrollTop, vp, 3);
    this.spacer.style.height = `${w.height}px`;
    this.rowsEl.style.transform = `translateY(${w.offset}px)`;
    this.empty.style.display = total ? 'none' : '';
    const need = w.end - w.start;
    while (this.slots.length < need) this.slots.push(this.makeSlot(this.slots.length));
    const now = store.meta?.state === 'running' ? Date.now() : (store.meta?.updatedAt ?? Date.now());
    for (let k = 0; k < this.slots.length; k++) {
      const sl = this.slots[k];
      if (k >= need) {
        if (sl.row) {
          sl.el.style.display = 'none';
          sl.row = undefined;
          sl.index = -1;
        }
        continue;
      }
      const idx = this.order[w.start + k];
      const row = store.rowAt(idx);
      if (force || sl.row !== row || sl.index !== w.start + k || row.status === 'running') {
        if (!sl.row) sl.el.style.display = '';
        sl.row = row;
        sl.index = w.start + k;
        for (let c = 0; c < this.columns.length; c++) {
          const text = this.columns[c].cell(row, now);
          if (sl.cells[c].textContent !== text) sl.cells[c].textContent = text;
        }
        sl.cells[1].prepend(sl.dot);
        sl.dot.style.background = `var(${statusColorVar(row.status)})`;
        sl.cells[this.columns.length - 1].title = row.reason ?? '';
        const fitCol = this.fitColumn;
        if (fitCol >= 0) {
          sl.cells[fitCol].title = row.fitReason ?? '';
          sl.cells[fitCol].dataset.fit = row.fit ?? '';
        }
        sl.stop.style.visibility = row.status === 'running' ? 'visible' : 'hidden';
        sl.el.classList.toggle('best', row.id === store.best?.id);
      }
      sl.el.classList.toggle('selected', row.id === selected);
      sl.el.classList.toggle('hovered', row.id === hovered && row.id !== selected);
    }
  }

  /** Only the highlight classes (hover/selection changed). */
  renderHighlight(): void {
    const { selected, hovered } = this.ctx;
    for (const sl of this.slots) {
      if (!sl.row) continue;
      sl.el.classList.toggle('selected', sl.row.id === selected);
      sl.el.classList.toggle('hovered', sl.row.id === hovered && sl.row.id !== selected);
    }
  }
}

/** The time column's width: the widest duration (and the header with its sort arrow) in the panel's font, unclipped. */
function durationWidth(font: string): number {
  const g = document.createElement('canvas').getContext('2d');
  if (!g) return 84;
  g.font = font;
  const text = Math.max(...['00h00m', '00m00s', '00d00h', 'time ▲'].map((x) => g.measureText(x).width));
  return Math.max(72, Math.ceil(text) + 12 + 8);
}
