/**
 * Parallel coordinates on our own canvas (params → metric). Up to DENSITY_THRESHOLD trials every
 * line is drawn; above it, a density layer (2-D histograms between adjacent axes) plus a sample
 * of the matching lines, so 100k trials draw in tens of milliseconds while the filter counts
 * stay exact. Drag along an axis to brush (filter); click an axis without dragging to clear it.
 * Lines are coloured by the metric (the colour scale of colorScale.ts, shown along the metric
 * axis). The best, selected and hovered trials are drawn on an overlay canvas.
 */
import { type Ctx, el } from '../context';
import { section } from '../perf';
import { type AxisScale, METRIC_AXIS, ticks } from './axes';
import { scaleColor } from './colorScale';
import {
  axisAt,
  binColumns,
  brushRange,
  DENSITY_THRESHOLD,
  type Density,
  densityFromBins,
  rangeUnits,
  rasterDensity,
  sampleRows,
} from './pcpData';
import { fitCanvas, toRgba, withAlpha } from './theme';

const PAD = { top: 34, bottom: 18, left: 56, right: 56 };
const BINS = 64;
const SAMPLE = 400;
/** Colours the lines are drawn in (buckets of the metric's range). */
const COLOR_BUCKETS = 10;
const DENSITY_SCALE = 2;
const EMPTY_DENSITY: Density = { bins: 0, counts: [], max: 0 };

export class ParallelView {
  readonly root = el('div', 'chart pcp');
  private base = el('canvas', 'layer');
  private over = el('canvas', 'layer over');
  private axes: number[] = [];
  private acc: Float32Array | undefined;
  private allLayer: { key: string; pixels: Uint8ClampedArray } | undefined;
  private w = 0;
  private h = 0;
  private drag: { axis: number; u0: number; moved: boolean } | undefined;
  private bins: Uint8Array[] = [];
  private densityImg: ImageData | undefined;
  private fullAcc: { key: string; acc: Float32Array } | undefined;
  private densityCanvas = document.createElement('canvas');
  private binsKey = '';

  constructor(private ctx: Ctx) {
    this.root.append(this.base, this.over);
    this.over.addEventListener('pointerdown', (e) => this.down(e));
    this.over.addEventListener('pointermove', (e) => this.move(e));
    this.over.addEventListener('pointerup', (e) => this.up(e));
  }

  private get units(): Float32Array[] {
    return this.ctx.units;
  }

  private layerKey(): string {
    const dpr = window.devicePixelRatio || 1;
    return `${this.ctx.store.rev}:${Math.round(this.w * dpr)}:${Math.round(this.h * dpr)}:${this.ctx.theme.muted}:${this.axes.length}`;
  }

  private xs(): number[] {
    const n = this.axes.length;
    const iw = this.w - PAD.left - PAD.right;
    return this.axes.map((_, k) => PAD.left + (n <= 1 ? iw / 2 : (k * iw) / (n - 1)));
  }

  private yOf(u: number): number {
    return PAD.top + (1 - u) * (this.h - PAD.top - PAD.bottom);
  }

  private uOf(y: number): number {
    return 1 - (y - PAD.top) / (this.h - PAD.top - PAD.bottom);
  }

  draw(w: number, h: number): void {
    this.w = w;
    this.h = h;
    const g = fitCanvas(this.base, w, h);
    const { store, theme: t, mask, matched } = this.ctx;
    g.clearRect(0, 0, w, h);
    const n = store.size;
    this.axes = store.scales.map((_, a) => a);
    const xs = this.xs();
    const filtering = matched < n;
    g.lineWidth = 1;
    if (n > DENSITY_THRESHOLD) {
      const bk = `${this.ctx.unitsRev}:${n}`;
      if (bk !== this.binsKey) {
        this.bins = binColumns(this.units, n, BINS, this.bins);
        this.binsKey = bk;
      }
      const all = filtering ? (this.allLayer?.key === this.layerKey() ? EMPTY_DENSITY : densityFromBins(this.bins, n, BINS)) : undefined;
      const matching = section('pcp-density', () => densityFromBins(this.bins, n, BINS, filtering ? mask : undefined));
      section('pcp-raster', () => this.drawDensity(g, xs, all, matching));
      const sample = sampleRows(n, SAMPLE, filtering ? mask : undefined, matched);
      section('pcp-lines', () => this.drawColored(g, xs, sample, 0.3));
    } else {
      const out: number[] = [],
        inn: number[] = [];
      for (let i = 0; i < n; i++) (mask[i] ? inn : out).push(i);
      this.drawLines(g, xs, out, t.muted, 0.12);
      this.drawColored(g, xs, inn, n > 500 ? 0.35 : 0.7);
    }
    this.drawAxes(g, xs);
    this.drawOverlay();
  }

  drawOverlay(): void {
    const { store, theme: t, selected, hovered, filters } = this.ctx;
    const g = fitCanvas(this.over, this.w, this.h);
    g.clearRect(0, 0, this.w, this.h);
    const xs = this.xs();
    const line = (id: number | null | undefined, color: string, width: number) => {
      if (id == null) return;
      const i = store.indexById.get(id);
      if (i === undefined) return;
      g.strokeStyle = color;
      g.lineWidth = width;
      this.path(g, xs, i);
      g.stroke();
    };
    line(store.best?.id, t.orange, 2.5);
    line(selected, t.purple, 2.5);
    if (hovered !== selected) line(hovered, t.fg, 1.5);
    // brushes
    for (let k = 0; k < this.axes.length; k++) {
      const s = store.scales[this.axes[k]];
      const r = filters.ranges[s.name];
      if (!r) continue;
      const [lo, hi] = rangeUnits(s, r);
      const y0 = this.yOf(hi),
        y1 = this.yOf(lo);
      g.fillStyle = withAlpha(t.selection, 0.25);
      g.fillRect(xs[k] - 7, y0, 14, Math.max(2, y1 - y0));
      g.strokeStyle = t.selection;
      g.lineWidth = 1;
      g.strokeRect(xs[k] - 7 + 0.5, y0 + 0.5, 13, Math.max(1, y1 - y0 - 1));
    }
  }

  private path(g: CanvasRenderingContext2D, xs: number[], i: number): void {
    g.beginPath();
    this.trace(g, xs, i);
  }

  /** Adds row i's polyline to the current path (a missing value lifts the pen). */
  private trace(g: CanvasRenderingContext2D, xs: number[], i: number): void {
    let pen = false;
    for (let k = 0; k < xs.length; k++) {
      const u = this.units[k][i];
      if (u !== u) {
        pen = false;
        continue;
      }
      const y = this.yOf(u);
      if (pen) g.lineTo(xs[k], y);
      else g.moveTo(xs[k], y);
      pen = true;
    }
  }

  private drawLines(g: CanvasRenderingContext2D, xs: number[], rows: ArrayLike<number>, color: string, alpha: number): void {
    if (!rows.length) return;
    g.strokeStyle = color;
    g.globalAlpha = alpha;
    g.beginPath();
    for (let j = 0; j < rows.length; j++) {
      this.trace(g, xs, rows[j]);
      if (j % 64 === 63) {
        g.stroke();
        g.beginPath();
      }
    }
    g.stroke();
    g.globalAlpha = 1;
  }

  /** Colour unit of row i (0 worst … 1 best metric value, as the colour scale), NaN when it has none. */
  private goodness(i: number): number {
    const u = this.units[this.units.length - 1]?.[i] ?? NaN;
    return this.ctx.store.minimize ? 1 - u : u;
  }

  /** Lines coloured by their metric value (optuna-dashboard's colouring): one path per colour bucket. */
  private drawColored(g: CanvasRenderingContext2D, xs: number[], rows: ArrayLike<number>, alpha: number): void {
    const buckets: number[][] = Array.from({ length: COLOR_BUCKETS + 1 }, () => []);
    for (let j = 0; j < rows.length; j++) {
      const u = this.goodness(rows[j]);
      buckets[u === u ? Math.min(COLOR_BUCKETS - 1, Math.max(0, Math.floor(u * COLOR_BUCKETS))) : COLOR_BUCKETS].push(rows[j]);
    }
    this.drawLines(g, xs, buckets[COLOR_BUCKETS], this.ctx.theme.muted, alpha);
    for (let b = 0; b < COLOR_BUCKETS; b++) this.drawLines(g, xs, buckets[b], scaleColor((b + 0.5) / COLOR_BUCKETS), alpha);
  }

  /** Density layers as one ImageData: all trials (muted, when filtering) under the matching ones (blue). */
  private drawDensity(g: CanvasRenderingContext2D, xs: number[], all: Density | undefined, matching: Density): void {
    const t = this.ctx.theme;
    // the density is rasterized at half the device resolution (4× fewer pixels to fill while
    // brushing) and scaled up smoothly: it is a blurred layer anyway
    const dpr = (window.devicePixelRatio || 1) / DENSITY_SCALE;
    const W = Math.max(1, Math.round(this.w * dpr)),
      H = Math.max(1, Math.round(this.h * dpr));
    const dxs = xs.map((x) => x * dpr);
    const yOf = (u: number) => this.yOf(u) * dpr;
    const img = this.densityImg?.width === W && this.densityImg.height === H ? this.densityImg : (this.densityImg = new ImageData(W, H));
    img.data.fill(0);
    const px = img.data;
    // the all-trials layer does not change while brushing: cache its pixels
    const key = all ? this.layerKey() : '';
    const cached = all && this.allLayer?.key === key;
    if (cached) px.set(this.allLayer!.pixels);
    // the unfiltered raster (drawn while nothing is filtered) is kept: the first brush reuses it
    // for the muted all-trials layer instead of rasterizing it again
    const fullKey = `${this.ctx.store.rev}:${W}:${H}:${this.axes.length}`;
    const layer = (d: Density, css: string, maxAlpha: number, reuse?: Float32Array) => {
      const acc = reuse ?? (this.acc = rasterDensity(d, dxs, yOf, W, H, this.acc));
      if (!all && !reuse) this.fullAcc = { key: fullKey, acc: acc.slice() };
      let max = 0;
      for (let k = 0; k < acc.length; k++) if (acc[k] > max) max = acc[k];
      if (!max) return;
      const lm = Math.log1p(max);
      const [r, gg, b] = toRgba(css);
      for (let k = 0, o = 0; k < acc.length; k++, o += 4) {
        const v = acc[k];
        if (!v) continue;
        const q = Math.log1p(v) / lm;
        const a = maxAlpha * (0.06 + 0.94 * q * q);
        const A = px[o + 3] / 255;
        const na = a + A * (1 - a);
        px[o] = (r * a + px[o] * A * (1 - a)) / na;
        px[o + 1] = (gg * a + px[o + 1] * A * (1 - a)) / na;
        px[o + 2] = (b * a + px[o + 2] * A * (1 - a)) / na;
        px[o + 3] = na * 255;
      }
    };
    if (all && !cached) {
      layer(all, t.muted, 0.45, this.fullAcc?.key === fullKey ? this.fullAcc.acc : undefined);
      this.allLayer = { key, pixels: new Uint8ClampedArray(px) };
    }
    layer(matching, t.blue, 0.9);
    const off = this.densityCanvas;
    if (off.width !== W || off.height !== H) {
      off.width = W;
      off.height = H;
    }
    off.getContext('2d')!.putImageData(img, 0, 0);
    g.imageSmoothingEnabled = true;
    g.drawImage(off, 0, 0, this.w, this.h);
  }

  private drawAxes(g: CanvasRenderingContext2D, xs: number[]): void {
    const { store, theme: t } = this.ctx;
    g.font = t.font;
    g.textBaseline = 'middle';
    for (let k = 0; k < this.axes.length; k++) {
      const s: AxisScale = store.scales[this.axes[k]];
      g.strokeStyle = t.fg;
      g.globalAlpha = 0.7;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(Math.round(xs[k]) + 0.5, PAD.top);
      g.lineTo(Math.round(xs[k]) + 0.5, this.h - PAD.bottom);
      g.stroke();
      g.globalAlpha = 1;
      if (s.name === METRIC_AXIS) {
        // the colour scale along the metric axis: a line's colour reads off its value
        const y0 = this.yOf(1),
          y1 = this.yOf(0);
        const grad = g.createLinearGradient(0, y1, 0, y0);
        for (let q = 0; q <= COLOR_BUCKETS; q++)
          grad.addColorStop(q / COLOR_BUCKETS, scaleColor(store.minimize ? 1 - q / COLOR_BUCKETS : q / COLOR_BUCKETS));
        g.fillStyle = grad;
        g.fillRect(xs[k] + 3, y0, 5, y1 - y0);
      }
      g.fillStyle = s.name === METRIC_AXIS ? t.orange : t.fg;
      g.textAlign = 'center';
      g.fillText(clip(s.label + (s.log ? ' (log)' : ''), 18), xs[k], 12);
      g.fillStyle = t.muted;
      g.textAlign = 'right';
      const tk = Number.isFinite(s.lo) ? ticks(s, 4) : [];
      g.strokeStyle = t.bg;
      g.lineWidth = 3;
      g.lineJoin = 'round';
      for (const tick of tk) {
        const y = this.yOf(tick.u);
        g.fillRect(xs[k] - 3, Math.round(y), 3, 1);
        const label = clip(tick.label, 10);
        g.strokeText(label, xs[k] - 5, y);
        g.fillText(label, xs[k] - 5, y);
      }
    }
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.over.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private down(e: PointerEvent): void {
    const p = this.local(e);
    const k = axisAt(this.xs(), p.x, 14);
    if (k < 0 || p.y < PAD.top - 6 || p.y > this.h - PAD.bottom + 6) return;
    this.over.setPointerCapture(e.pointerId);
    this.drag = { axis: k, u0: clamp01(this.uOf(p.y)), moved: false };
  }

  private move(e: PointerEvent): void {
    const p = this.local(e);
    if (!this.drag) {
      this.over.style.cursor = axisAt(this.xs(), p.x, 14) >= 0 ? 'ns-resize' : 'default';
      return;
    }
    const u1 = clamp01(this.uOf(p.y));
    if (!this.drag.moved && Math.abs(u1 - this.drag.u0) * (this.h - PAD.top - PAD.bottom) < 3) return;
    this.drag.moved = true;
    const s = this.ctx.store.scales[this.axes[this.drag.axis]];
    this.ctx.setRange(s.name, brushRange(s, this.drag.u0, u1), 'brush-pcp');
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (this.over.hasPointerCapture(e.pointerId)) this.over.releasePointerCapture(e.pointerId);
    if (d && !d.moved) {
      const s = this.ctx.store.scales[this.axes[d.axis]];
      this.ctx.setRange(s.name, undefined, 'brush-pcp');
    }
  }
}

function clamp01(u: number): number {
  return u < 0 ? 0 : Math.min(u, 1);
}

export function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
