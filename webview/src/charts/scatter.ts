/**
 * Scatter of each parameter against the metric (small multiples on one canvas; log x for log
 * params). Above a few thousand trials points are plotted straight into ImageData (2×2 px,
 * alpha-blended), so 100k points draw in milliseconds. Hover shows the nearest trial (linked to
 * the table and the curves), click selects it, drag a rectangle to brush the param (and the
 * metric when the rectangle has height); click empty space to clear the param's brush.
 */

import { formatNumber } from '../../../src/core/format/number';
import { type Ctx, el } from '../context';
import { formatParam } from '../format';
import { type AxisScale, METRIC_AXIS, ticks } from './axes';
import { clip } from './pcp';
import { brushRange, rangeUnits } from './pcpData';
import { nearestPoint, type Plot, project } from './scatterData';
import { fitCanvas, toRgba, withAlpha } from './theme';

const CELL_MIN_W = 240;
const CELL_MIN_H = 150;
const PAD = { top: 20, bottom: 22, left: 48, right: 10 };
const PIXEL_THRESHOLD = 2000;
const INSET = 6;

interface Cell {
  axis: number;
  box: Plot;
  /** The data area (box minus an inset so points do not sit on the frame). */
  inner: Plot;
  px: Float32Array;
  py: Float32Array;
}

export class ScatterView {
  readonly root = el('div', 'chart scatter');
  /** Points (redrawn when the filter changes), frames and labels (on layout changes), overlay. */
  private pts = el('canvas', 'layer');
  private base = el('canvas', 'layer');
  private over = el('canvas', 'layer over');
  private cells: Cell[] = [];
  private w = 0;
  private h = 0;
  private layoutKey = '';
  private theme: unknown;
  /** Per cell: the device-pixel index of each point's square (-1: none). */
  private pix: Int32Array[] = [];
  private img: ImageData | undefined;
  private cntIn: Uint32Array = new Uint32Array(0);
  private cntOut: Uint32Array = new Uint32Array(0);
  private drag: { cell: Cell; x0: number; y0: number; x1: number; y1: number; moved: boolean } | undefined;

  constructor(private ctx: Ctx) {
    this.root.append(this.pts, this.base, this.over);
    this.over.addEventListener('pointerdown', (e) => this.down(e));
    this.over.addEventListener('pointermove', (e) => this.move(e));
    this.over.addEventListener('pointerup', (e) => this.up(e));
    this.over.addEventListener('pointerleave', () => {
      if (!this.drag) {
        this.ctx.setHover(null, 'hover-scatter');
        this.ctx.tip(null);
      }
    });
  }

  /** Total height the cells need for a width (the panel scrolls when taller than its box). */
  layout(w: number, h: number): number {
    const params = this.ctx.store.scales.length - 1;
    const cols = Math.max(1, Math.min(params, Math.floor(w / CELL_MIN_W)));
    const rows = Math.max(1, Math.ceil(params / cols));
    const cellH = Math.max(CELL_MIN_H, Math.floor(h / rows));
    return rows * cellH;
  }

  /**
   * Redraws the points for the current filter; positions, frames and labels only when the data,
   * the size or the theme changed (a brush only re-plots the points).
   */
  draw(w: number, h: number): void {
    const { store, theme: t, units, unitsRev } = this.ctx;
    const params = store.scales.length - 1;
    const cols = Math.max(1, Math.min(params, Math.floor(w / CELL_MIN_W)));
    const rows = Math.max(1, Math.ceil(params / cols));
    const cellW = Math.floor(w / cols);
    const cellH = Math.max(CELL_MIN_H, Math.floor(h / rows));
    h = rows * cellH;
    const n = store.size;
    const dpr = window.devicePixelRatio || 1;
    const key = `${unitsRev}:${n}:${w}:${h}:${dpr}:${params}`;
    if (key !== this.layoutKey || this.theme !== t) {
      this.layoutKey = key;
      this.theme = t;
      this.w = w;
      this.h = h;
      const my = units[store.scales.length - 1];
      const prev = this.cells;
      this.cells = [];
      for (let a = 0; a < params; a++) {
        const cx = (a % cols) * cellW,
          cy = Math.floor(a / cols) * cellH;
        const box: Plot = { x: cx + PAD.left, y: cy + PAD.top, w: cellW - PAD.left - PAD.right, h: cellH - PAD.top - PAD.bottom };
        const old = prev[a];
        const inner: Plot = { x: box.x + INSET, y: box.y + INSET, w: box.w - 2 * INSET, h: box.h - 2 * INSET };
        const { px, py } = project(units[a], my, n, inner, old ? { px: old.px, py: old.py } : undefined);
        this.cells.push({ axis: a, box, inner, px, py });
      }
      if (n > PIXEL_THRESHOLD)
        this.pix = this.cells.map((c, k) =>
          pixelIndex(c.px, c.py, n, dpr, Math.round(w * dpr), Math.round(h * dpr), pointSize(dpr), this.pix[k]),
        );
      const g = fitCanvas(this.base, w, h);
      g.clearRect(0, 0, w, h);
      g.font = t.font;
      for (const c of this.cells) this.drawFrame(g, c, store.scales[c.axis], store.scales[store.scales.length - 1]);
    }
    const g = fitCanvas(this.pts, w, h);
    if (n > PIXEL_THRESHOLD) this.plotPixels(g, w, h);
    else {
      g.clearRect(0, 0, w, h);
      for (const c of this.cells) {
        this.plotDots(g, c, false, withAlpha(t.muted, 0.35), 2);
        this.plotDots(g, c, true, withAlpha(t.blue, 0.75), 2.5);
      }
    }
    this.drawOverlay();
  }

  private plotDots(g: CanvasRenderingContext2D, c: Cell, matching: boolean, color: string, r: number): void {
    const { store, mask } = this.ctx;
    g.fillStyle = color;
    g.beginPath();
    for (let i = 0; i < store.size; i++) {
      if ((mask[i] === 1) !== matching) continue;
      const x = c.px[i],
        y = c.py[i];
      if (x !== x) continue;
      g.moveTo(x + r, y);
      g.arc(x, y, r, 0, Math.PI * 2);
    }
    g.fill();
  }

  /**
   * Every point as a small device-pixel square: hits are counted per pixel (matching and not),
   * then each pixel gets the colour of that many alpha-blended squares (the muted ones under the
   * matching ones) from a lookup table. One pass over the points, one over the pixels.
   */
  private plotPixels(g: CanvasRenderingContext2D, w: number, h: number): void {
    const { store, mask, theme: t } = this.ctx;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(w * dpr),
      H = Math.round(h * dpr);
    if (!this.img || this.img.width !== W || this.img.height !== H) {
      this.img = g.createImageData(W, H);
      this.cntIn = new Uint32Array(W * H);
      this.cntOut = new Uint32Array(W * H);
    } else {
      this.cntIn.fill(0);
      this.cntOut.fill(0);
    }
    const n = store.size;
    const cin = this.cntIn,
      cout = this.cntOut;
    const size = pointSize(dpr);
    for (const pix of this.pix) {
      for (let i = 0; i < n; i++) {
        const p = pix[i];
        if (p < 0) continue;
        const cnt = mask[i] ? cin : cout;
        for (let dy = 0, row = p; dy < size; dy++, row += W) for (let dx = 0; dx < size; dx++) cnt[row + dx]++;
      }
    }
    blendCounts(this.img.data, cout, cin, toRgba(t.muted), toRgba(t.blue), 0.12, n > 20000 ? 0.3 : 0.5);
    g.putImageData(this.img, 0, 0);
  }

  private drawFrame(g: CanvasRenderingContext2D, c: Cell, sx: AxisScale, sy: AxisScale): void {
    const t = this.ctx.theme;
    const b = c.box;
    g.strokeStyle = t.grid;
    g.lineWidth = 1;
    g.globalAlpha = 0.8;
    g.strokeRect(Math.round(b.x) + 0.5, Math.round(b.y) + 0.5, Math.round(b.w), Math.round(b.h));
    const { x, y, w, h } = c.inner;
    g.globalAlpha = 1;
    g.fillStyle = t.fg;
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    const title = clip(`${sx.label}${sx.log ? ' (log)' : ''}`, 30);
    g.fillText(title, b.x, b.y - 6);
    g.fillStyle = t.muted;
    const ylabel = clip(`↕ ${sy.label}`, 16);
    if (g.measureText(title).width + g.measureText(ylabel).width + 16 < b.w) {
      g.textAlign = 'right';
      g.fillText(ylabel, b.x + b.w, b.y - 6);
    }
    g.textBaseline = 'top';
    g.textAlign = 'center';
    if (Number.isFinite(sx.lo))
      for (const tk of ticks(sx, 4)) {
        const px = x + tk.u * w;
        g.fillRect(Math.round(px), b.y + b.h, 1, 3);
        g.fillText(clip(tk.label, 8), px, b.y + b.h + 5);
      }
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    if (Number.isFinite(sy.lo))
      for (const tk of ticks(sy, 3)) {
        const py = y + (1 - tk.u) * h;
        g.fillRect(b.x - 3, Math.round(py), 3, 1);
        g.fillText(clip(tk.label, 7), b.x - 5, py);
      }
  }

  drawOverlay(): void {
    const { store, theme: t, selected, hovered, filters } = this.ctx;
    const g = fitCanvas(this.over, this.w, this.h);
    g.clearRect(0, 0, this.w, this.h);
    const metric = store.scales[store.scales.length - 1];
    for (const c of this.cells) {
      const sx = store.scales[c.axis];
      const r = filters.ranges[sx.name];
      const m = filters.ranges[METRIC_AXIS];
      g.fillStyle = withAlpha(t.selection, 0.12);
      if (r) {
        const [lo, hi] = rangeUnits(sx, r);
        g.fillRect(c.inner.x + lo * c.inner.w, c.box.y, Math.max(2, (hi - lo) * c.inner.w), c.box.h);
      }
      if (m) {
        const [lo, hi] = rangeUnits(metric, m);
        g.fillRect(c.box.x, c.inner.y + (1 - hi) * c.inner.h, c.box.w, Math.max(2, (hi - lo) * c.inner.h));
      }
      const mark = (id: number | null | undefined, color: string, radius: number, fill: boolean) => {
        if (id == null) return;
        const i = store.indexById.get(id);
        if (i === undefined || c.px[i] !== c.px[i]) return;
        g.beginPath();
        g.arc(c.px[i], c.py[i], radius, 0, Math.PI * 2);
        if (fill) {
          g.fillStyle = color;
          g.fill();
        }
        g.strokeStyle = color;
        g.lineWidth = 2;
        g.stroke();
      };
      mark(store.best?.id, t.orange, 5, true);
      mark(selected, t.purple, 6, false);
      if (hovered !== selected) mark(hovered, t.fg, 5, false);
    }
    if (this.drag?.moved) {
      const d = this.drag;
      g.strokeStyle = t.selection;
      g.lineWidth = 1;
      g.setLineDash([4, 3]);
      g.strokeRect(Math.min(d.x0, d.x1) + 0.5, Math.min(d.y0, d.y1) + 0.5, Math.abs(d.x1 - d.x0), Math.abs(d.y1 - d.y0));
      g.setLineDash([]);
    }
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const r = this.over.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private cellAt(x: number, y: number): Cell | undefined {
    return this.cells.find((c) => x >= c.box.x - 4 && x <= c.box.x + c.box.w + 4 && y >= c.box.y - 4 && y <= c.box.y + c.box.h + 4);
  }

  private down(e: PointerEvent): void {
    const p = this.local(e);
    const c = this.cellAt(p.x, p.y);
    if (!c) return;
    this.over.setPointerCapture(e.pointerId);
    this.drag = { cell: c, x0: p.x, y0: p.y, x1: p.x, y1: p.y, moved: false };
  }

  private move(e: PointerEvent): void {
    const p = this.local(e);
    const d = this.drag;
    if (d) {
      d.x1 = p.x;
      d.y1 = p.y;
      if (!d.moved && Math.abs(d.x1 - d.x0) < 4 && Math.abs(d.y1 - d.y0) < 4) return;
      d.moved = true;
      this.brush(d, 'brush-scatter');
      return;
    }
    const c = this.cellAt(p.x, p.y);
    const { store, mask } = this.ctx;
    const i = c ? nearestPoint(c.px, c.py, store.size, p.x, p.y, 10, mask) : -1;
    const id = i >= 0 ? store.ids[i] : null;
    if (id !== this.ctx.hovered) this.ctx.setHover(id, 'hover-scatter');
    if (i >= 0 && c) {
      const r = store.rowAt(i);
      const sx = store.scales[c.axis];
      this.ctx.tip(
        `trial ${r.id} · ${r.status}\n${sx.name} = ${formatParam(r.params[sx.name])}\n${store.metricName} = ${formatNumber(r.value)}`,
        e.clientX,
        e.clientY,
      );
    } else this.ctx.tip(null);
  }

  private brush(d: NonNullable<ScatterView['drag']>, kind: string): void {
    const { store } = this.ctx;
    const c = d.cell;
    const sx = store.scales[c.axis];
    const ux0 = (d.x0 - c.inner.x) / c.inner.w,
      ux1 = (d.x1 - c.inner.x) / c.inner.w;
    this.ctx.setRange(sx.name, brushRange(sx, ux0, ux1), kind);
    if (Math.abs(d.y1 - d.y0) >= 6) {
      const m = store.scales[store.scales.length - 1];
      const uy0 = 1 - (d.y0 - c.inner.y) / c.inner.h,
        uy1 = 1 - (d.y1 - c.inner.y) / c.inner.h;
      this.ctx.setRange(METRIC_AXIS, brushRange(m, uy0, uy1), kind);
    }
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (this.over.hasPointerCapture(e.pointerId)) this.over.releasePointerCapture(e.pointerId);
    if (!d) return;
    if (d.moved) {
      this.drawOverlay();
      return;
    }
    const { store, mask } = this.ctx;
    const i = nearestPoint(d.cell.px, d.cell.py, store.size, d.x0, d.y0, 10, mask);
    if (i >= 0) this.ctx.select(store.ids[i], 'select-scatter');
    else this.ctx.setRange(store.scales[d.cell.axis].name, undefined, 'brush-scatter');
  }
}

function pointSize(dpr: number): number {
  return Math.max(2, Math.round(2 * dpr));
}

/** Device-pixel index of the top-left corner of each point's size×size square (-1: no point). */
export function pixelIndex(
  px: Float32Array,
  py: Float32Array,
  n: number,
  dpr: number,
  W: number,
  H: number,
  size: number,
  out?: Int32Array,
): Int32Array {
  const pix = out && out.length >= n ? out : new Int32Array(n);
  const half = size >> 1;
  for (let i = 0; i < n; i++) {
    const x = px[i],
      y = py[i];
    if (x !== x || y !== y) {
      pix[i] = -1;
      continue;
    }
    let X = Math.round(x * dpr) - half,
      Y = Math.round(y * dpr) - half;
    X = X < 0 ? 0 : Math.min(X, W - size);
    Y = Y < 0 ? 0 : Math.min(Y, H - size);
    pix[i] = Y * W + X;
  }
  return pix;
}

/**
 * Colours pixels from hit counts: `under` hits of colour cu at alpha au, then `over` hits of co at
 * alpha ao, blended as that many squares drawn one over another (alpha 1 − (1 − a)^k).
 */
export function blendCounts(
  d: Uint8ClampedArray,
  under: Uint32Array,
  over: Uint32Array,
  cu: number[],
  co: number[],
  au: number,
  ao: number,
): void {
  const K = 256;
  const lu = new Float32Array(K),
    lo = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    lu[k] = 1 - (1 - au) ** k;
    lo[k] = 1 - (1 - ao) ** k;
  }
  d.fill(0);
  for (let p = 0, o = 0; p < under.length; p++, o += 4) {
    const ku = under[p],
      ko = over[p];
    if (!ku && !ko) continue;
    const A = lu[ku < K ? ku : K - 1],
      a = lo[ko < K ? ko : K - 1];
    const na = a + A * (1 - a);
    const wu = (A * (1 - a)) / na,
      wo = a / na;
    d[o] = co[0] * wo + cu[0] * wu;
    d[o + 1] = co[1] * wo + cu[1] * wu;
    d[o + 2] = co[2] * wo + cu[2] * wu;
    d[o + 3] = na * 255;
  }
}
