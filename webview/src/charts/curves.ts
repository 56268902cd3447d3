/**
 * Learning curves (chart.js line chart, metric vs step): one line per trial for the best, the
 * selected, running ones and then the best by value (capped so 1k × 1k-point sweeps stay fast),
 * each decimated (LTTB) to about the chart's width. The best trial is drawn thick in orange.
 * Hover and click are handled on an overlay canvas (nearest curve under the pointer), so a hover
 * redraws only the highlight, not the chart.
 */
import { Chart, type ChartDataset, LinearScale, LineController, LineElement, LogarithmicScale, PointElement } from 'chart.js';
import { formatNumber } from '../../../src/core/format/number';
import { type Ctx, el } from '../context';
import { section } from '../perf';
import type { Series } from '../state/store';
import { type CurvePoint, curvePoints, nearestCurve, pickCurveTrials, suggestLogY } from './curveData';
import { fitCanvas, withAlpha } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale);

export const MAX_CURVES = 80;

export class CurvesView {
  readonly root = el('div', 'chart curves');
  private canvas = el('canvas', 'layer');
  private over = el('canvas', 'layer over');
  private empty = el('div', 'empty', 'No metric points yet.');
  private chart: Chart<'line', CurvePoint[]> | undefined;
  private curves: { id: number; points: CurvePoint[] }[] = [];
  /** Decimated points per trial, reused while its series did not grow. */
  private cache = new Map<number, { len: number; target: number; points: CurvePoint[]; series: Series }>();
  private w = 0;
  private h = 0;

  constructor(private ctx: Ctx) {
    this.root.append(this.canvas, this.over, this.empty);
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

  draw(w: number, h: number): void {
    this.w = w;
    this.h = h;
    const { store, theme: t, mask, selected, matched } = this.ctx;
    const target = Math.max(50, Math.min(200, Math.round(w / 4)));
    const ids = section('curves-pick', () =>
      pickCurveTrials(store, { max: MAX_CURVES, selected, mask: matched < store.size ? mask : undefined }),
    );
    const cache: typeof this.cache = new Map();
    // series the snapshot left out: ask the host, draw them when they come
    const missing = store.takeLazy(ids.filter((id) => store.lazy.has(id)));
    if (missing.length) this.ctx.post({ type: 'series', trials: missing });
    this.curves = section('curves-points', () =>
      ids
        .filter((id) => store.seriesOf(id))
        .map((id) => {
          const sr = store.seriesOf(id)!;
          const old = this.cache.get(id);
          const points = old && old.len === sr.length && old.target === target && old.series === sr ? old.points : curvePoints(sr, target);
          cache.set(id, { len: sr.length, target, points, series: sr });
          return { id, points };
        }),
    );
    this.cache = cache;
    this.empty.style.display = this.curves.length ? 'none' : '';
    const bestId = store.best?.id;
    const datasets: ChartDataset<'line', CurvePoint[]>[] = [];
    // draw order: others first, best last (on top)
    for (let k = this.curves.length - 1; k >= 0; k--) {
      const c = this.curves[k];
      const row = store.row(c.id);
      const best = c.id === bestId;
      const running = row?.status === 'running';
      datasets.push({
        label: `trial ${c.id}`,
        data: c.points,
        borderColor: best ? t.orange : running ? t.blue : withAlpha(t.fg, 0.28),
        borderWidth: best ? 2.5 : running ? 1.5 : 1,
        pointRadius: 0,
        pointHoverRadius: 0,
        tension: 0,
        spanGaps: true,
        parsing: false,
        normalized: true,
      } as ChartDataset<'line', CurvePoint[]>);
    }
    const logY = suggestLogY(this.curves.map((c) => c.points));
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const grid = withAlpha(t.grid, 0.5);
    const font = { family: t.font.replace(/^\S+\s/, ''), size: 11 };
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
              title: { display: true, text: 'step', color: t.muted, font },
              ticks: { color: t.muted, font, maxTicksLimit: 8 },
              grid: { color: grid },
            },
            y: {
              type: logY ? 'logarithmic' : 'linear',
              title: { display: true, text: store.metricName, color: t.muted, font },
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
      (sy as unknown as { title: { text: string } }).title.text = store.metricName;
      if (c.width !== w || c.height !== h) c.resize(w, h);
      section('curves-chartjs', () => c.update('none'));
    }
    this.drawOverlay();
  }

  drawOverlay(): void {
    const g = fitCanvas(this.over, this.w, this.h);
    g.clearRect(0, 0, this.w, this.h);
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
      g.strokeStyle = color;
      g.lineWidth = width;
      g.beginPath();
      cur.points.forEach((p, i) => {
        if (i) g.lineTo(sx.getPixelForValue(p.x), sy.getPixelForValue(p.y));
        else g.moveTo(sx.getPixelForValue(p.x), sy.getPixelForValue(p.y));
      });
      g.stroke();
    };
    line(selected, t.purple, 2.5);
    if (hovered !== selected) line(hovered, t.fg, 2);
    g.restore();
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

  private move(e: PointerEvent): void {
    const hit = this.hit(e);
    const id = hit?.id ?? null;
    if (id !== this.ctx.hovered) this.ctx.setHover(id, 'hover-curves');
    if (hit) {
      const p = this.curves.find((k) => k.id === hit.id)!.points[hit.index];
      const row = this.ctx.store.row(hit.id);
      this.ctx.tip(
        `trial ${hit.id} · ${row?.status ?? ''}\nstep ${p.x}: ${this.ctx.store.metricName} = ${formatNumber(p.y)}`,
        e.clientX,
        e.clientY,
      );
    } else this.ctx.tip(null);
  }
}
