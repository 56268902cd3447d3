/**
 * The sequential colour scale of trials by metric value (viridis, as matplotlib and
 * optuna-dashboard use): the learning curves, their colour bar and the parallel coordinates'
 * lines. Unit 0 is the worst value shown, 1 the best, so the best trials are the brightest.
 */
const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** The colour at unit u (0…1, clamped) as rgba(). */
export function scaleColor(u: number, alpha = 1): string {
  const x = (u > 1 ? 1 : Math.max(u, 0)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x)),
    f = x - k;
  const a = VIRIDIS[k],
    b = VIRIDIS[k + 1];
  const c = (i: number) => Math.round(a[i] + (b[i] - a[i]) * f);
  return `rgba(${c(0)}, ${c(1)}, ${c(2)}, ${alpha})`;
}

/** The values a colour scale spans: linear, or log when all are positive over > 2 decades. */
export interface ColorRange {
  lo: number;
  hi: number;
  log: boolean;
  minimize: boolean;
}

export function colorRange(values: Iterable<number>, minimize: boolean): ColorRange | undefined {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return undefined;
  return { lo, hi, log: lo > 0 && hi / lo > 100, minimize };
}

/** Unit of a value on a range: 0 the worst end, 1 the best; NaN for a missing value. */
export function colorUnit(v: number, r: ColorRange): number {
  if (!Number.isFinite(v)) return NaN;
  const a = r.log ? Math.log(r.lo) : r.lo,
    b = r.log ? Math.log(r.hi) : r.hi;
  const u = b > a ? ((r.log ? Math.log(v) : v) - a) / (b - a) : 1;
  return r.minimize ? 1 - u : u;
}

/** A horizontal colour bar (worst on the left, best on the right) on a canvas context. */
export function paintColorBar(g: CanvasRenderingContext2D, x: number, y: number, w: number, h: number): void {
  const grad = g.createLinearGradient(x, 0, x + w, 0);
  for (let k = 0; k < VIRIDIS.length; k++) grad.addColorStop(k / (VIRIDIS.length - 1), scaleColor(k / (VIRIDIS.length - 1)));
  g.fillStyle = grad;
  g.fillRect(x, y, w, h);
}
