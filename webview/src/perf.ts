/**
 * Interaction timing for the UI bench: an interaction starts in its event handler and ends when
 * the frame that shows its result has been drawn (the requestAnimationFrame after the render).
 * Results go to performance marks/measures and to window.__knobsPerf for the bench to read.
 */
export interface PerfLog {
  /** ms from snapshot received to the first frame drawn */
  firstPaint?: number;
  interactions: Record<string, number[]>;
  /** Time spent per render section (last 200 of each), for profiling. */
  sections: Record<string, number[]>;
}

const log: PerfLog = { interactions: {}, sections: {} };

/** Times fn() under `name`. */
export function section<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const a = (log.sections[name] ??= []);
    a.push(performance.now() - t0);
    if (a.length > 200) a.shift();
  }
}
const pending = new Map<string, number>();
(globalThis as unknown as { __knobsPerf: PerfLog }).__knobsPerf = log;

export function begin(kind: string, t = performance.now()): void {
  if (!pending.has(kind)) pending.set(kind, t);
}

/** Called after a render pass: the next frame ends every pending interaction. */
export function frameDone(): void {
  if (!pending.size) return;
  const open = [...pending];
  pending.clear();
  requestAnimationFrame(() => {
    const now = performance.now();
    for (const [kind, t0] of open) (log.interactions[kind] ??= []).push(now - t0);
  });
}

export function markSnapshot(): void {
  performance.mark('knobs:snapshot');
}

export function markFirstPaint(): void {
  requestAnimationFrame(() => {
    performance.mark('knobs:first-paint');
    try {
      log.firstPaint = performance.measure('knobs:first-paint', 'knobs:snapshot', 'knobs:first-paint').duration;
    } catch {
      /* no snapshot mark */
    }
  });
}
