/**
 * The dashboard app: receives the host's snapshot and appends, keeps the store, the filters, the
 * sort and the selection, and redraws what changed in one requestAnimationFrame pass. Heavy work
 * (sorting, unit columns, chart rebuilds) runs at most every DATA_THROTTLE_MS while trials stream
 * in; interactions (hover, brush, select) only touch the mask and the overlays.
 */
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatNumber } from '../../src/core/format/number';
import { parseHostMessage, type TrialStatus, type WebviewMessage } from '../../src/protocol/messages';
import { METRIC_AXIS } from './charts/axes';
import { CurvesView } from './charts/curves';
import { ImportanceChart } from './charts/importance';
import { LrFindTab } from './charts/lrFindTab';
import { ParallelView } from './charts/pcp';
import { unitColumns } from './charts/pcpData';
import { ScatterView } from './charts/scatter';
import { onThemeChange, readTheme, type Theme } from './charts/theme';
import { type Ctx, el } from './context';
import { formatCount, STATUS_ORDER, statusLabel } from './format';
import * as perf from './perf';
import { applyMask, computeMask, type Filters, isFiltering, withRange, withStates } from './state/filter';
import { type SortSpec, sortOrder, toggleSort } from './state/sort';
import { TrialStore } from './state/store';
import { sanitizeUiState, TABS, type Tab, type UiState } from './state/uiState';
import { Summary } from './summary';
import { TrialTable } from './table/table';

export interface VsCodeApi {
  postMessage(msg: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const DATA_THROTTLE_MS = 250;

interface Dirty {
  data: boolean;
  axes: boolean;
  changedRows: number[] | null;
  filter: boolean;
  sort: boolean;
  summary: boolean;
  chart: boolean;
  overlay: boolean;
  table: boolean;
}

export class App implements Ctx {
  readonly store = new TrialStore();
  theme: Theme;
  mask = new Uint8Array(16);
  matched = 0;
  filters: Filters;
  selected: number | null;
  hovered: number | null = null;
  units: Float32Array[] = [];
  unitsRev = 0;
  /** Units wait for a chart that needs them: every row (all) or some rows since the last compute. */
  private unitsPending: { all: boolean; rows: number[] } = { all: true, rows: [] };
  private sort: SortSpec | null;
  private tab: Tab;
  private sorted: Int32Array = new Int32Array(0);
  private sortCache: { rev: number; orders: Map<string, Int32Array> } = { rev: -1, orders: new Map() };
  private dirty: Dirty = {
    data: false,
    axes: true,
    changedRows: null,
    filter: true,
    sort: true,
    summary: true,
    chart: true,
    overlay: true,
    table: true,
  };
  private raf = 0;
  private lastData = 0;
  private dataTimer: ReturnType<typeof setTimeout> | undefined;
  private gotSnapshot = false;
  private painted = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private scrollRow: number;

  private summary: Summary;
  private tabs = document.createElement('vscode-tabs') as HTMLElement & { selectedIndex: number };
  private panels: HTMLElement[] = [];
  private curves: CurvesView;
  private pcp: ParallelView;
  private scatter: ScatterView;
  private table: TrialTable;
  private importance = new ImportanceChart();
  private lrFind = new LrFindTab(
    (m) => this.post(m),
    () => this.theme,
  );
  private filterBar = el('div', 'filterbar');
  private stateBoxes = new Map<TrialStatus, HTMLElement & { checked: boolean }>();
  private matchText = el('span', 'match');
  private chips = el('span', 'chips');
  private clearBtn = document.createElement('vscode-button');
  private tipEl = el('div', 'tip');
  private banner = el('div', 'banner');

  constructor(
    private root: HTMLElement,
    private vscode: VsCodeApi,
  ) {
    const ui: UiState = sanitizeUiState(vscode.getState());
    this.filters = ui.filters;
    this.selected = ui.selected;
    this.sort = ui.sort;
    this.tab = ui.tab;
    this.scrollRow = ui.scrollRow;
    this.theme = readTheme();
    this.summary = new Summary(this);
    this.curves = new CurvesView(this);
    this.curves.settings = ui.curves;
    this.curves.onSettings = () => {
      perf.begin('curve-settings');
      if (this.tab === 'curves') this.dirty.chart = true;
      this.save();
      this.schedule();
    };
    this.pcp = new ParallelView(this);
    this.scatter = new ScatterView(this);
    this.table = new TrialTable(this);
    this.build();
    onThemeChange(() => {
      this.theme = readTheme();
      this.markAll();
    });
    window.addEventListener('message', (e) => this.onMessage(e.data));
    setInterval(() => this.summary.tick(), 1000);
  }

  private build(): void {
    const charts = el('section', 'charts');
    const names: Record<Tab, string> = {
      curves: 'Learning curves',
      parallel: 'Parallel coordinates',
      scatter: 'Params vs metric',
      importance: 'Importance',
      lrfind: 'LR finder',
    };
    const views = {
      curves: this.curves.root,
      parallel: this.pcp.root,
      scatter: this.scatter.root,
      importance: this.importance.root,
      lrfind: this.lrFind.root,
    };
    for (const t of TABS) {
      const h = document.createElement('vscode-tab-header');
      h.setAttribute('slot', 'header');
      h.textContent = names[t];
      h.dataset.tab = t;
      this.tabs.append(h);
    }
    for (const t of TABS) {
      const p = document.createElement('vscode-tab-panel');
      p.append(views[t]);
      this.panels.push(p);
      this.tabs.append(p);
    }
    this.tabs.setAttribute('selected-index', String(TABS.indexOf(this.tab)));
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const i = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const next = TABS[i] ?? 'curves';
      if (next === this.tab) return;
      perf.begin('tab');
      this.tab = next;
      this.dirty.chart = true;
      this.save();
      this.schedule();
    });
    charts.append(this.tabs);

    // filters
    const states = el('span', 'states');
    for (const s of STATUS_ORDER) {
      const cb = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
      cb.setAttribute('label', statusLabel(s));
      cb.dataset.state = s;
      cb.checked = this.filters.states.includes(s);
      cb.addEventListener('change', () => {
        perf.begin('filter-state');
        const sel = STATUS_ORDER.filter((x) => this.stateBoxes.get(x)?.checked);
        this.filters = withStates(this.filters, sel);
        this.dirty.filter = true;
        this.save();
        this.schedule();
      });
      this.stateBoxes.set(s, cb);
      states.append(cb);
    }
    this.clearBtn.textContent = 'Clear filters';
    this.clearBtn.setAttribute('secondary', '');
    this.clearBtn.addEventListener('click', () => {
      perf.begin('filter-clear');
      this.filters = { states: [], ranges: {} };
      for (const cb of this.stateBoxes.values()) cb.checked = false;
      this.dirty.filter = true;
      this.save();
      this.schedule();
    });
    this.chips.addEventListener('click', (e) => {
      const c = (e.target as HTMLElement).closest<HTMLElement>('[data-axis]');
      if (c) this.setRange(c.dataset.axis!, undefined, 'filter-chip');
    });
    this.filterBar.append(el('span', 'label', 'Show'), states, this.matchText, this.chips, this.clearBtn);

    this.table.onSort = (key) => {
      perf.begin('sort');
      this.sort = toggleSort(this.currentSort(), key, this.store.minimize);
      this.dirty.sort = true;
      this.save();
      this.schedule();
    };
    this.table.onScroll = (row) => {
      this.scrollRow = row;
      this.save();
    };
    this.banner.style.display = 'none';
    this.root.append(this.summary.root, this.banner, charts, this.filterBar, this.table.root, this.tipEl);
    this.tipEl.style.display = 'none';

    const ro = new ResizeObserver(() => {
      this.dirty.chart = true;
      this.dirty.table = true;
      this.schedule();
    });
    for (const v of Object.values(views)) ro.observe(v);
    ro.observe(this.table.root);
    this.summary.render();
  }

  // ---- messages -------------------------------------------------------------------------

  private onMessage(raw: unknown): void {
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') return;
    const m = parseHostMessage(raw);
    if (typeof m === 'string') {
      this.post({ type: 'log', level: 'warn', message: `dashboard: ignored a host message (${m})` });
      return;
    }
    if (m.type === 'error') {
      this.banner.textContent = m.message;
      this.banner.style.display = '';
      return;
    }
    if (m.type === 'importance') {
      this.importance.set(m.importance, m.message);
      return;
    }
    if (m.type === 'lrFind') {
      this.lrFind.set(m.data, m.message);
      return;
    }
    if (m.type === 'snapshot') {
      perf.markSnapshot();
      this.gotSnapshot = true;
    } else if (!this.gotSnapshot) return;
    const change = perf.section('store', () => this.store.apply(m));
    if (!change) return;
    this.banner.style.display = 'none';
    const d = this.dirty;
    d.data = true;
    d.summary = true;
    if (change.reset || change.axes) {
      d.axes = true;
      d.changedRows = null;
    } else if (!d.axes) {
      d.changedRows = (d.changedRows ?? []).concat(change.trials);
    }
    if (change.reset) {
      this.dataNow();
      return;
    }
    // throttle redraws while streaming
    const wait = this.lastData + DATA_THROTTLE_MS - performance.now();
    if (wait <= 0) this.dataNow();
    else this.dataTimer ??= setTimeout(() => this.dataNow(), wait);
  }

  private dataNow(): void {
    if (this.dataTimer) clearTimeout(this.dataTimer);
    this.dataTimer = undefined;
    this.lastData = performance.now();
    this.dirty.filter = this.dirty.sort = this.dirty.chart = this.dirty.table = true;
    this.schedule();
  }

  // ---- Ctx ------------------------------------------------------------------------------

  post(msg: WebviewMessage): void {
    this.vscode.postMessage(msg);
  }

  setHover(id: number | null, kind: string): void {
    if (id === this.hovered) return;
    perf.begin(kind);
    this.hovered = id;
    this.dirty.overlay = true;
    this.schedule();
  }

  select(id: number | null, kind: string): void {
    perf.begin(kind);
    this.selected = id;
    this.dirty.overlay = true;
    if (this.tab === 'curves') this.dirty.chart = true;
    if (id != null) this.table.scrollToTrial(id);
    this.save();
    this.schedule();
  }

  setRange(axis: string, r: [number, number] | undefined, kind: string): void {
    perf.begin(kind);
    this.filters = withRange(this.filters, axis, r);
    this.dirty.filter = true;
    this.save();
    this.schedule();
  }

  tip(text: string | null, x = 0, y = 0): void {
    if (text === null) {
      this.tipEl.style.display = 'none';
      return;
    }
    this.tipEl.textContent = text;
    this.tipEl.style.display = '';
    const w = this.tipEl.offsetWidth,
      h = this.tipEl.offsetHeight;
    this.tipEl.style.left = `${Math.min(x + 14, window.innerWidth - w - 4)}px`;
    this.tipEl.style.top = `${y + 14 + h > window.innerHeight ? y - h - 8 : y + 14}px`;
  }

  // ---- rendering ------------------------------------------------------------------------

  private currentSort(): SortSpec {
    return this.sort ?? { key: 'value', dir: this.store.minimize ? 'asc' : 'desc' };
  }

  private markAll(): void {
    Object.assign(this.dirty, { summary: true, chart: true, overlay: true, table: true });
    this.schedule();
  }

  private schedule(): void {
    if (!this.raf) this.raf = requestAnimationFrame(() => this.frame());
  }

  private save(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      const ui: UiState = {
        v: 1,
        filters: this.filters,
        selected: this.selected,
        sort: this.sort,
        tab: this.tab,
        scrollRow: this.scrollRow,
        curves: this.curves.settings,
      };
      this.vscode.setState(ui);
    }, 200);
  }

  private frame(): void {
    this.raf = 0;
    const d = this.dirty;
    const s = this.store;
    const n = s.size;
    if (d.data || d.axes) {
      const u = this.unitsPending;
      if (d.axes || !d.changedRows) u.all = true;
      else if (!u.all) for (const r of d.changedRows) u.rows.push(r);
      if (this.mask.length < n) this.mask = new Uint8Array(Math.max(n, this.mask.length * 2));
      d.sort = true;
      d.filter = true;
    }
    let orderChanged = false;
    if (d.filter) {
      this.matched = perf.section('mask', () => computeMask(s, this.filters, this.mask));
      perf.section('filterbar', () => this.renderFilterBar());
      d.chart = true;
      orderChanged = true;
    }
    if (d.sort) {
      this.sorted = perf.section('sort', () => this.sortedBy(this.currentSort()));
      orderChanged = true;
    }
    if (orderChanged) {
      perf.section('table', () => this.table.setOrder(applyMask(this.sorted, this.mask, this.matched), this.currentSort()));
      if (!this.painted && this.scrollRow > 0) this.table.scrollToRowIndex(this.scrollRow);
    } else if (d.table) this.table.render(true);
    else if (d.overlay) this.table.renderHighlight();
    if (d.summary) perf.section('summary', () => this.summary.render());
    const view =
      this.tab === 'curves'
        ? this.curves
        : this.tab === 'parallel'
          ? this.pcp
          : this.tab === 'scatter'
            ? this.scatter
            : this.tab === 'lrfind'
              ? this.lrFind
              : this.importance;
    if ((this.tab === 'parallel' || this.tab === 'scatter') && (d.chart || d.overlay)) this.ensureUnits();
    if (n > 0 || this.gotSnapshot) {
      const r = view.root;
      const w = r.clientWidth,
        h = r.clientHeight;
      if (w > 0 && h > 0) {
        if (d.chart) perf.section(`draw-${this.tab}`, () => view.draw(w, h));
        else if (d.overlay) perf.section(`overlay-${this.tab}`, () => view.drawOverlay());
      }
    }
    this.dirty = {
      data: false,
      axes: false,
      changedRows: null,
      filter: false,
      sort: false,
      summary: false,
      chart: false,
      overlay: false,
      table: false,
    };
    if (this.gotSnapshot && !this.painted) {
      this.painted = true;
      perf.markFirstPaint();
    }
    perf.frameDone();
  }

  /** Row order for a sort, remembered per key and direction until the data changes (toggling back is free). */
  private sortedBy(spec: SortSpec): Int32Array {
    const s = this.store;
    if (this.sortCache.rev !== s.rev) this.sortCache = { rev: s.rev, orders: new Map() };
    const key = `${spec.dir}:${spec.key}`;
    let order = this.sortCache.orders.get(key);
    if (!order) {
      order = sortOrder(s, spec);
      if (this.sortCache.orders.size >= 4) this.sortCache.orders.delete(this.sortCache.orders.keys().next().value!);
      this.sortCache.orders.set(key, order);
    }
    return order;
  }

  /** Unit positions for the charts that plot them (deferred until such a tab is drawn). */
  private ensureUnits(): void {
    const u = this.unitsPending;
    if (!u.all && !u.rows.length && this.units.length) return;
    const s = this.store;
    const all = u.all || !this.units.length;
    this.units = perf.section('units', () =>
      unitColumns(
        s,
        s.scales.map((_, a) => a),
        all ? undefined : this.units,
        all ? undefined : u.rows,
      ),
    );
    this.unitsPending = { all: false, rows: [] };
    this.unitsRev++;
  }

  private renderFilterBar(): void {
    const s = this.store;
    for (const [st, cb] of this.stateBoxes) {
      const label = `${statusLabel(st)} ${formatCount(s.counts[st])}`;
      if (cb.getAttribute('label') !== label) cb.setAttribute('label', label);
      cb.style.display = s.counts[st] || cb.checked ? '' : 'none';
    }
    this.matchText.textContent = isFiltering(this.filters)
      ? `${formatCount(this.matched)} of ${formatCount(s.size)} trials match`
      : `${formatCount(s.size)} trials`;
    const chips: HTMLElement[] = [];
    for (const [axis, r] of Object.entries(this.filters.ranges)) {
      const a = s.axisIndex(axis);
      const sc = a >= 0 ? s.scales[a] : undefined;
      const name = axis === METRIC_AXIS ? s.metricName : axis;
      const fmt = (v: number) => (sc?.kind === 'categorical' ? (sc.categories[Math.round(v)] ?? String(v)) : formatNumber(v, 3));
      const text = sc?.kind === 'categorical' && r[0] === r[1] ? `${name} = ${fmt(r[0])}` : `${name} ∈ [${fmt(r[0])}, ${fmt(r[1])}]`;
      const chip = el('span', 'chip range', text);
      const x = el('span', 'x', '×');
      chip.append(x);
      chip.dataset.axis = axis;
      chip.title = 'Remove this filter';
      chips.push(chip);
    }
    this.chips.replaceChildren(...chips);
    this.clearBtn.style.display = isFiltering(this.filters) ? '' : 'none';
  }
}
