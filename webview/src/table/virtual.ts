/** Virtual scrolling maths (pure): which rows to put in the DOM for a scroll offset. */

export interface VisibleWindow {
  /** First row index rendered (inclusive) and last (exclusive). */
  start: number;
  end: number;
  /** Pixel offset of the first rendered row. */
  offset: number;
  /** Full scroll height in px. */
  height: number;
}

/** Browsers cap element heights (~16.7M px in Chromium); rows beyond are reached by scaling. */
export const MAX_SCROLL_PX = 8_000_000;

export function visibleWindow(total: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 4): VisibleWindow {
  const full = total * rowHeight;
  const height = Math.min(full, MAX_SCROLL_PX);
  // scale the scroll offset when the list is taller than the browser allows
  const ratio = full > height && height > viewport ? (full - viewport) / (height - viewport) : 1;
  const top = Math.max(0, scrollTop * ratio);
  const first = Math.floor(top / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, Math.ceil((top + viewport) / rowHeight) + overscan);
  const offset = scrollTop + (start * rowHeight - top);
  return { start, end, offset: Math.max(0, offset), height };
}

/** scrollTop that brings row `index` into view (unchanged when it already is). */
export function scrollToRow(total: number, rowHeight: number, scrollTop: number, viewport: number, index: number): number {
  const full = total * rowHeight;
  const height = Math.min(full, MAX_SCROLL_PX);
  const ratio = full > height && height > viewport ? (full - viewport) / (height - viewport) : 1;
  const top = scrollTop * ratio;
  const y = index * rowHeight;
  let next = top;
  if (y < top) next = y;
  else if (y + rowHeight > top + viewport) next = y + rowHeight - viewport;
  return Math.max(0, next / ratio);
}
