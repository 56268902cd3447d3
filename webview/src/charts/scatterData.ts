/** Scatter data (pure): pixel positions of every row and the nearest-point lookup for hover. */

export interface Plot {
  /** Inner plot box in CSS pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Pixel positions of rows 0..n-1 from unit x and unit y (y up); NaN where either is missing. */
export function project(
  ux: ArrayLike<number>,
  uy: ArrayLike<number>,
  n: number,
  box: Plot,
  out?: { px: Float32Array; py: Float32Array },
): { px: Float32Array; py: Float32Array } {
  const px = out && out.px.length >= n ? out.px : new Float32Array(n);
  const py = out && out.py.length >= n ? out.py : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = ux[i],
      b = uy[i];
    if (a !== a || b !== b) {
      px[i] = NaN;
      py[i] = NaN;
    } else {
      px[i] = box.x + a * box.w;
      py[i] = box.y + (1 - b) * box.h;
    }
  }
  return { px, py };
}

/** Row index of the point nearest (x, y) within `radius` px among rows with mask = 1; -1 if none. */
export function nearestPoint(
  px: Float32Array,
  py: Float32Array,
  n: number,
  x: number,
  y: number,
  radius: number,
  mask?: Uint8Array,
): number {
  let best = -1;
  let bd = radius * radius;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const dx = px[i] - x,
      dy = py[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}
