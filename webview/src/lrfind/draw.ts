/**
 * The lr-finder chart on a canvas: loss vs learning rate on a log axis, the EMA-smoothed loss
 * (solid) over the raw loss (faint), the diverging tail (dashed), the sweep range that "Use these
 * bounds" writes (a shaded band), max_lr and base_lr (vertical lines with labels, dots on the
 * curve) and the smoothed minimum. Colours come only from the Theme (VS Code's --vscode-* theme
 * variables, webview/src/charts/theme.ts). Independent of the lr-finder panel: a dashboard tab can
 * call drawLrFind(canvas, data, readTheme()) on its own canvas.
 */

import { formatLr, formatNumber } from '../../../src/core/format/number';
import type { LrFindData } from '../../../src/protocol/lrFindMessages';
import { type Theme, withAlpha } from '../charts/theme';
import { buildLrFindPlot, type Frame, fromPxX, type LrFindPlot, nearestIndex, type Series, toPx } from './plot';

export interface DrawLrFindOptions {
  /** A hovered lr (log10): draws a crosshair and a readout. */
  hoverX?: number;
}

export interface DrawnLrFind {
  plot: LrFindPlot;
  frame: Frame;
}

const MARGIN = { left: 58, right: 18, top: 26, bottom: 42 };

function line(ctx: CanvasRenderingContext2D, p: LrFindPlot, f: Frame, s: Series): void {
  ctx.beginPath();
  for (let i = 0; i < s.x.length; i++) {
    const [x, y] = toPx(p, f, s.x[i], s.y[i]);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  }
  ctx.stroke();
}

/** Sizes the canvas to its CSS box at the device pixel ratio and draws; returns the plot and frame (for hit tests). */
export function drawLrFind(canvas: HTMLCanvasElement, data: LrFindData, theme: Theme, opts: DrawLrFindOptions = {}): DrawnLrFind {
  const dpr = (typeof window !== 'undefined' && window.devicePixelRatio) || 1;
  const w = Math.max(200, canvas.clientWidth || 600);
  const h = Math.max(160, canvas.clientHeight || 320);
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const plot = buildLrFindPlot(data);
  const frame: Frame = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: w - MARGIN.left - MARGIN.right,
    height: h - MARGIN.top - MARGIN.bottom,
  };
  const ctx = canvas.getContext('2d');
  if (!ctx) return { plot, frame };
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = theme.font;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  if (plot.empty) {
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(plot.empty, w / 2, h / 2);
    return { plot, frame };
  }
  const { left, top, width, height } = frame;
  const X = (x: number) => toPx(plot, frame, x, plot.y.lo)[0];

  // sweep range band and base_lr band (behind everything); each is clipped to the frame
  const shade = (band: { lo: number; hi: number }, colour: string, alpha: number): [number, number] | undefined => {
    const a = Math.max(left, X(band.lo));
    const b = Math.min(left + width, X(band.hi));
    if (b <= a) return undefined;
    ctx.fillStyle = withAlpha(colour, alpha);
    ctx.fillRect(a, top, b - a, height);
    return [a, b];
  };
  const sweepBand = plot.band && shade(plot.band, theme.yellow, 0.13);
  if (plot.band && sweepBand) {
    const [a, b] = sweepBand;
    ctx.fillStyle = theme.muted;
    ctx.textAlign = a + 4 + ctx.measureText(plot.band.label).width > left + width ? 'right' : 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(plot.band.label, ctx.textAlign === 'right' ? b - 2 : a + 2, top - 4);
  }
  if (plot.baseBand) shade(plot.baseBand, theme.green, 0.1);

  // grid and axes
  ctx.strokeStyle = withAlpha(theme.grid, 0.6);
  ctx.lineWidth = 1;
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of plot.xTicks) {
    const x = Math.round(X(t.v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillText(t.label, x, top + height + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of plot.yTicks) {
    const y = Math.round(toPx(plot, frame, plot.x.lo, t.v)[1]) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.fillText(t.label, left - 6, y);
  }
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(left + 0.5, top + 0.5, width - 1, height - 1);
  ctx.fillStyle = theme.fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('learning rate (log scale)', left + width / 2, top + height + MARGIN.bottom - 2);
  ctx.save();
  ctx.translate(14, top + height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText('loss', 0, 0);
  ctx.restore();

  // curves, clipped to the frame
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.strokeStyle = withAlpha(theme.muted, 0.35);
  ctx.lineWidth = 1;
  line(ctx, plot, frame, plot.raw);
  if (plot.tail.x.length > 1) {
    ctx.strokeStyle = withAlpha(theme.blue, 0.55);
    ctx.lineWidth = 1.5;
    ctx.setLineDash([5, 4]);
    line(ctx, plot, frame, plot.tail);
    ctx.setLineDash([]);
  }
  ctx.strokeStyle = theme.blue;
  ctx.lineWidth = 2.25;
  line(ctx, plot, frame, plot.smooth);
  ctx.restore();

  // markers
  const colour = { maxLr: theme.red, baseLr: theme.green, min: theme.purple } as const;
  const labelled: { x: number; y: number; w: number }[] = [];
  for (const m of [...plot.markers].sort((a, b) => (a.kind === 'min' ? -1 : 0) - (b.kind === 'min' ? -1 : 0))) {
    const x = X(m.x);
    if (x < left - 1 || x > left + width + 1) continue;
    const c = colour[m.kind];
    if (m.kind !== 'min') {
      ctx.strokeStyle = c;
      ctx.lineWidth = m.kind === 'maxLr' ? 2 : 1.5;
      ctx.setLineDash(m.kind === 'baseLr' ? [4, 3] : []);
      ctx.beginPath();
      ctx.moveTo(Math.round(x) + 0.5, top);
      ctx.lineTo(Math.round(x) + 0.5, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (m.y !== null) {
      const [, y] = toPx(plot, frame, m.x, m.y);
      ctx.fillStyle = c;
      ctx.beginPath();
      ctx.arc(x, y, m.kind === 'min' ? 3.5 : 4.5, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    // label near the top of the line, shifted down when it would overlap another
    ctx.font = `bold ${theme.font}`;
    const tw = ctx.measureText(m.label).width;
    let lx = x + 5;
    if (lx + tw > left + width - 2) lx = x - 5 - tw;
    let ly = m.kind === 'min' && m.y !== null ? toPx(plot, frame, m.x, m.y)[1] + 16 : top + 14;
    while (labelled.some((o) => Math.abs(o.y - ly) < 15 && lx < o.x + o.w && o.x < lx + tw)) ly += 16;
    labelled.push({ x: lx, y: ly, w: tw });
    ctx.fillStyle = withAlpha(theme.bg, 0.8);
    ctx.fillRect(lx - 2, ly - 11, tw + 4, 15);
    ctx.fillStyle = c;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(m.label, lx, ly);
    ctx.font = theme.font;
  }

  // hover readout
  if (opts.hoverX !== undefined && opts.hoverX >= plot.x.lo && opts.hoverX <= plot.x.hi) {
    const i = nearestIndex(data, opts.hoverX);
    if (i >= 0) {
      const lx = Math.log10(data.lrs[i]);
      const x = Math.round(X(lx)) + 0.5;
      ctx.strokeStyle = withAlpha(theme.fg, 0.5);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      const l = data.losses[i];
      const s = data.smoothed[i];
      const text = `lr ${formatLr(data.lrs[i])} · loss ${formatNumber(l, 3)} · smoothed ${formatNumber(s, 3)}${i >= data.stopIndex ? ' (past the stop)' : ''}`;
      const tw = ctx.measureText(text).width;
      const tx = Math.min(left + width - tw - 8, Math.max(left + 4, x + 8));
      const ty = top + height - 10;
      ctx.fillStyle = withAlpha(theme.bg, 0.9);
      ctx.fillRect(tx - 4, ty - 14, tw + 8, 19);
      ctx.fillStyle = theme.fg;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(text, tx, ty);
    }
  }
  return { plot, frame };
}

/** The log10 lr under a pointer at canvas-relative x, or undefined outside the frame. */
export function hoverXAt(drawn: DrawnLrFind, px: number): number | undefined {
  if (px < drawn.frame.left || px > drawn.frame.left + drawn.frame.width) return undefined;
  return fromPxX(drawn.plot, drawn.frame, px);
}
