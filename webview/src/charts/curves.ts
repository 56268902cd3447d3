/**
 * Learning curves (chart.js line chart, a metric vs step or wall time): one line per trial for
 * the best, the selected, running ones and then the best by value (capped so 1k × 1k-point sweeps
 * stay fast), each decimated (LTTB) to about the chart's width. Lines are coloured by the trial's
 * sweep metric (viridis; the colour bar names the range), the best drawn thick in orange, running
 * ones dashed; a series of a few points gets markers. The toolbar chooses the metric (any the
 * trials reported; other than the sweep's, the host is asked for its series), the x axis and the
 * smoothing (TensorBoard's debiased EMA). Hover and click are handled on an overlay canvas
 * (nearest curve under the pointer), so a hover redraws only the highlight and the legend.
 */
import { Chart, type ChartDataset, LinearScale, LineController, LineElement, LogarithmicScale, PointElement } from 'chart.js';
import { formatDuration } from '../../../src/core/format/duration';
import { formatNumber } from '../../../src/core/format/number';
import { type Ctx, el } from '../context';
import { formatParam } from '../format';
import { section } from '../perf';
import type { Series } from '../state/store';
import type { CurveSettings } from '../state/uiState';
import { type ColorRange, colorRange, colorUnit, paintColorBar, scaleColor } from './colorScale';
import { type CurveOptions, type CurvePoint, curvePoints, nearestCurve, pickCurveTrials, suggestLogY } from './curveData';
import { fitCanvas, withAlpha } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale);

export const MAX_CURVES = 80;
/** A series of at most this many points is drawn with markers (one point alone draws no line). */
export const MARKER_POINTS = 12;
const BAR_H = 28;

export class CurvesView {
  readonly root = el('div', 'chart curves');
  private bar = el('div', 'curvebar');
  private metricSel = el('select', 'curve-metric');
  private xSel = el('select', 'curve-x');
  private smoothIn = el('input', 'curve-smoothing');
  private smoothOut = el('span', 'curve-smoothing-value');
  private colorBar = el('canvas', 'colorbar');
  private colorLo = el('span', 'colorbar-lo');
  private colorHi = el('span', 'colorbar-hi');
  private colorName = el('span', 'colorbar-name');
  private legend = el('div', 'legend');
  private canvas = el('canvas', 'layer');
  private over = el('canvas', 'layer over');
  private empty = el('div', 'empty', 'No metric points yet.');
  private chart: Chart<'line', CurvePoint[]> | undefined;
  private curves: { id: number; points: CurvePoint[]; color: string }[] = [];
  /** Decimated points per trial, reused while its series and the options did not change. */
  private cache = new Map<number, { len: number; key: string; points: CurvePoint[]; series: Series }>();
  private range: ColorRange | undefined;
  private metricsKey = '';
  private w = 0;
  private h = 0;
  settings: CurveSettings = { metric: null, x: 'step', smoothing: 0 };
  /** Called when a control changes the settings (the app saves them and redraws). */
  onSettings: () => void = () => undefined;

  constructor(private ctx: Ctx) {
    this.smoothIn.type = 'range';
    this.smoothIn.min = '0';
    this.smoothIn.max = '0.99';
    this.smoothIn.step = '0.01';
    this.smoothIn.title = 'Smoothing: exponential moving average, debiased (as TensorBoard)';
    for (const [v, t] of [
      ['step', 'step'],
      ['time', 'wall time'],
    ])
      this.xSel.append(new Option(t, v));
    this.metricSel.title = 'The metric the curves show';
    this.xSel.title = 'x axis: step, or wall time since the trial started';
    const label = (text: string, ...kids: HTMLElement[]) => {
      const l = el('label', 'ctl', text);
      l.append(...kids);
      return l;
    };
    const bar = el('span', 'colorscale');
    bar.title = 'Colour: the trial’s sweep metric (brightest is best)';
    bar.append(this.colorName, this.colorLo, this.colorBar, this.colorHi);
    this.bar.append(label('metric ', this.metricSel), label('x ', this.xSel), label('smoothing ', this.smoothIn, this.smoothOut), bar);
    this.root.append(this.bar, this.canvas, this.over, this.legend, this.empty);
    this.metricSel.addEventListener('change', () =>
      this.change({ metric: this.metricSel.value === this.ctx.store.metricName ? null : this.metricSel.value }),
    );
    this.xSel.addEventListener('change', () => this.change({ x: this.xSel.value === 'time' ? 'time' : 'step' }));
    this.smoothIn.addEventListener('input', () =>
      this.change({ smoothing: Math.min(0.99, Math.max(0, Number(this.smoothIn.value) || 0)) }),
    );
    this.over.addEventListener('pointermove', (e) => this.move(e));
    this.over.addEventListener('pointerleave', () => {
      this.ctx.setHover(null, 'hover-curves');
      this.ctx.tip(null);
    });
    this.over.addEventListener('click', (e) => {
      const hit = this.hit(e);
      this.ctx.select(hit ? hit.id : null, 'select-curves');
    });
  }

  private change(s: Partial<CurveSettings>): void {
    this.settings = { ...this.settings, ...s };
    this.onSettings();
  }

  /** The metric drawn: the chosen one while the trials report it, else the sweep's. */
  get metric(): string {
    const m = this.settings.metric;
    return m && this.ctx.store.lastColumn(m) ? m : this.ctx.store.metricName;
  }

  private syncControls(): void {
    const { store } = this.ctx;
    const names = store.metricNames;
    const key = names.join('\u0000');
    if (key !== this.metricsKey) {
      this.metricsKey = key;
      this.metricSel.replaceChildren(...names.map((n) => new Option(n, n)));
    }
    this.metricSel.value = this.metric;
    this.xSel.value = this.settings.x;
    this.smoothIn.value = String(this.settings.smoothing);
    this.smoothOut.textContent = this.settings.smoothing.toFixed(2);
  }

  draw(w: number, h: number): void {
    this.syncControls();
    this.w = w;
    this.h = h = Math.max(1, h - BAR_H);
    const { store, theme: t, mask, selected, matched } = this.ctx;
    const metric = this.metric;
    const target = Math.max(50, Math.min(200, Math.round(w / 4)));
    const ids = section('curves-pick', () =>
      pickCurveTrials(store, { max: MAX_CURVES, selected, mask: matched < store.size ? mask : undefined, metric }),
    );
    const cache: typeof this.cache = new Map();
    // series the snapshot left out, or of another metric: ask the host, draw them when they come
    const missing = metric === store.metricName ? store.takeLazy(ids.filter((id) => store.lazy.has(id))) : store.takeUnfetched(metric, ids);
    if (missing.length)
      this.ctx.post(metric === store.metricName ? { type: 'series', trials: missing } : { type: 'series', trials: missing, metric });
    const { x, smoothing } = this.settings;
    const optKey = `${metric}|${x}|${smoothing}|${target}`;
    const drawn = section('curves-points', () =>
      ids
        .filter((id) => store.seriesOf(id, metric))
        .map((id) => {
          const sr = store.seriesOf(id, metric)!;
          const old = this.cache.get(id);
          const opts: CurveOptions = { x, smoothing, t0: store.row(id)?.startedAt };
          const points =
            old && old.len === sr.length && old.key === optKey && old.series === sr ? old.points : curvePoints(sr, target, opts);
          cache.set(id, { len: sr.length, key: optKey, points, series: sr });
          return { id, points, n: sr.length };
        }),
    ).filter((c) => c.points.length > 0);
    this.cache = cache;
    this.empty.style.display = drawn.length ? 'none' : '';
    const metricOf = (id: number) => store.metric[store.indexById.get(id) ?? -1] ?? NaN;
    this.range = colorRange(
      drawn.map((c) => metricOf(c.id)),
      store.minimize,
    );
    const colorOf = (id: number) => {
      const u = this.range ? colorUnit(metricOf(id), this.range) : NaN;
      return u === u ? scaleColor(u, 0.75) : withAlpha(t.fg, 0.28);
    };
    this.curves = drawn.map((c) => ({ id: c.id, points: c.points, color: colorOf(c.id) }));
    this.paintColorBar();
    const bestId = store.best?.id;
    const datasets: ChartDataset<'line', CurvePoint[]>[] = [];
    // draw order: others first, best last (on top)
    for (let k = drawn.length - 1; k >= 0; k--) {
      const c = drawn[k];
      const best = c.id === bestId;
      const running = store.row(c.id)?.status === 'running';
      const color = best ? t.orange : this.curves[k].color;
      const markers = c.n <= MARKER_POINTS;
      datasets.push({
        label: `trial ${c.id}`,
        data: c.points,
        borderColor: color,
        backgroundColor: color,
        borderWidth: best ? 2.5 : 1.25,
        borderDash: running && !best ? [4, 3] : [],
        pointRadius: markers ? (best || c.points.length === 1 ? 3.5 : 2.5) : 0,
        pointHoverRadius: 0,
        tension: 0,
        spanGaps: true,
        parsing: false,
        normalized: true,
      } as ChartDataset<'line', CurvePoint[]>);
    }
    const logY = suggestLogY(drawn.map((c) => c.points));
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const grid = withAlpha(t.grid, 0.5);
    const font = { family: t.font.replace(/^\S+\s/, ''), size: 11 };
    const xTitle = x === 'time' ? 'wall time (since the trial started)' : 'step';
    const xTick = (v: number | string) => (x === 'time' ? formatDuration(Number(v) * 1000) : formatNumber(Number(v)));
    if (!this.chart) {
      this.chart = new Chart<'line', CurvePoint[]>(this.canvas, {
        type: 'line',
        data: { datasets },
        options: {
          animation: false,
          responsive: false,
          maintainAspectRatio: false,
          devicePixelRatio: dpr,
          events: [],
          parsing: false,
          normalized: true,
          plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: {
            x: {
              type: 'linear',
              title: { display: true, text: xTitle, color: t.muted, font },
              ticks: { color: t.muted, font, maxTicksLimit: 8, callback: xTick },
              grid: { color: grid },
            },
            y: {
              type: logY ? 'logarithmic' : 'linear',
              title: { display: true, text: metric, color: t.muted, font },
              ticks: { color: t.muted, font, maxTicksLimit: 6 },
              grid: { color: grid },
            },
          },
        },
      });
      this.chart.resize(w, h);
    } else {
      const c = this.chart;
      c.data.datasets = datasets;
      const o = c.options;
      const sx = o.scales!.x!,
        sy = o.scales!.y!;
      (sy as { type: string }).type = logY ? 'logarithmic' : 'linear';
      for (const s of [sx, sy] as unknown as {
        ticks: { color: string };
        grid: { color: string };
        title: { color: string; text: string };
      }[]) {
        s.ticks.color = t.muted;
        s.grid.color = grid;
        s.title.color = t.muted;
      }
      (sx as unknown as { title: { text: string }; ticks: { callback: unknown } }).title.text = xTitle;
      (sx as unknown as { ticks: { callback: unknown } }).ticks.callback = xTick;
      (sy as unknown as { title: { text: string } }).title.text = metric;
      if (c.width !== w || c.height !== h) c.resize(w, h);
      section('curves-chartjs', () => c.update('none'));
    }
    this.drawOverlay();
  }

  private paintColorBar(): void {
    const r = this.range,
      { store } = this.ctx;
    const g = fitCanvas(this.colorBar, 90, 8);
    g.clearRect(0, 0, 90, 8);
    if (!r) {
      this.colorLo.textContent = this.colorHi.textContent = this.colorName.textContent = '';
      return;
    }
    paintColorBar(g, 0, 0, 90, 8);
    this.colorName.textContent = `${store.metricName} `;
    this.colorLo.textContent = formatNumber(r.minimize ? r.hi : r.lo, 3);
    this.colorHi.textContent = formatNumber(r.minimize ? r.lo : r.hi, 3);
  }

  drawOverlay(): void {
    const g = fitCanvas(this.over, this.w, this.h);
    g.clearRect(0, 0, this.w, this.h);
    this.drawLegend();
    const c = this.chart;
    if (!c) return;
    const { theme: t, selected, hovered } = this.ctx;
    const sx = c.scales.x,
      sy = c.scales.y;
    if (!sx || !sy) return;
    const area = c.chartArea;
    g.save();
    g.beginPath();
    g.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    g.clip();
    const line = (id: number | null, color: string, width: number) => {
      const cur = id == null ? undefined : this.curves.find((k) => k.id === id);
      if (!cur) return;
      g.strokeStyle = g.fillStyle = color;
      g.lineWidth = width;
      g.beginPath();
      cur.points.forEach((p, i) => {
        if (i) g.lineTo(sx.getPixelForValue(p.x), sy.getPixelForValue(p.y));
        else g.moveTo(sx.getPixelForValue(p.x), sy.getPixelForValue(p.y));
      });
      g.stroke();
      if (cur.points.length <= MARKER_POINTS)
        for (const p of cur.points) {
          g.beginPath();
          g.arc(sx.getPixelForValue(p.x), sy.getPixelForValue(p.y), 3.5, 0, 2 * Math.PI);
          g.fill();
        }
    };
    line(selected, t.purple, 2.5);
    if (hovered !== selected) line(hovered, t.fg, 2);
    g.restore();
  }

  /** The legend: the best, selected and hovered trials, each named with its value. */
  private drawLegend(): void {
    const { store, theme: t, selected, hovered } = this.ctx;
    const rows: HTMLElement[] = [];
    const add = (id: number | null | undefined, role: string, color: string) => {
      if (id == null || rows.some((r) => r.dataset.trial === String(id))) return;
      const i = store.indexById.get(id);
      if (i === undefined) return;
      const row = el('div', `item ${role}`);
      row.dataset.trial = String(id);
      const sw = el('span', 'swatch');
      sw.style.background = color;
      const v = store.metric[i];
      row.append(sw, el('span', 'text', `Trial ${id} · ${role} · ${store.metricName} ${v === v ? formatNumber(v) : '–'}`));
      rows.push(row);
    };
    add(store.best?.id, 'best', t.orange);
    add(selected, 'selected', t.purple);
    add(hovered, 'hovered', t.fg);
    this.legend.replaceChildren(...rows);
    this.legend.style.display = rows.length && this.curves.length ? '' : 'none';
  }

  private hit(e: MouseEvent): { id: number; index: number } | undefined {
    const c = this.chart;
    if (!c?.scales.x || !c.scales.y) return undefined;
    const r = this.over.getBoundingClientRect();
    const sx = c.scales.x,
      sy = c.scales.y;
    return nearestCurve(
      this.curves,
      e.clientX - r.left,
      e.clientY - r.top,
      (x) => sx.getPixelForValue(x),
      (y) => sy.getPixelForValue(y),
      8,
    );
  }

  /** "Trial 12 · lr=0.003, dropout=0.2 · val_loss 0.123 at step 8" (and the smoothed value, the time). */
  hoverText(id: number, p: CurvePoint): string {
    const { store } = this.ctx;
    const i = store.indexById.get(id);
    const params =
      i === undefined
        ? ''
        : store.scales
            .filter((s) => s.kind !== 'metric')
            .map((s) => `${s.name}=${formatParam(store.param(i, s.name), 3)}`)
            .join(', ');
    const at = this.settings.x === 'time' ? `at ${formatDuration(p.x * 1000)} (step ${p.step})` : `at step ${p.step}`;
    const smoothed = this.settings.smoothing > 0 ? ` (smoothed ${formatNumber(p.y)})` : '';
    const status = i === undefined ? '' : ` · ${store.statusAt(i)}`;
    return `Trial ${id}${status}${params ? ` · ${params}` : ''}\n${this.metric} ${formatNumber(p.raw)}${smoothed} ${at}`;
  }

  private move(e: PointerEvent): void {
    const hit = this.hit(e);
    const id = hit?.id ?? null;
    if (id !== this.ctx.hovered) this.ctx.setHover(id, 'hover-curves');
    if (hit) this.ctx.tip(this.hoverText(hit.id, this.curves.find((k) => k.id === hit.id)!.points[hit.index]), e.clientX, e.clientY);
    else this.ctx.tip(null);
  }
}
