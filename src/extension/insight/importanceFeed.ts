/**
 * Hyperparameter importance for a dashboard: computed in the host with computeImportanceInWorker
 * (a worker thread, never the extension host's own thread), again each time `every` more trials
 * have completed (default 10), debounced, one computation at a time. No vscode import: the
 * dashboard posts what `onResult` hands it.
 */

import type { ImportanceReport, ImportanceTrial } from '../../core/analysis/importance';
import { computeImportanceInWorker } from '../../core/analysis/importanceClient';
import type { SweepState } from '../../core/journal/reducer';
import type { Goal, Space } from '../../core/space/types';
import type { ImportanceMessage, ImportanceView } from '../../protocol/messages';
import { spaceParams } from '../sweeps/describe';

export const IMPORTANCE_MIN_TRIALS = 5;

/** Completed trials with a finite value (what importance reads). */
export function usableTrials(state: SweepState): number {
  let n = 0;
  for (const t of state.trials) if (t.status === 'completed' && t.value !== undefined && Number.isFinite(t.value)) n++;
  return n;
}

/** Recompute when at least `min` trials are usable and `every` more have completed since the last run. */
export function shouldRecompute(usable: number, lastUsed: number | undefined, every = 10, min = IMPORTANCE_MIN_TRIALS): boolean {
  if (usable < min) return false;
  if (lastUsed === undefined) return true;
  return usable - lastUsed >= every;
}

/** The report as the webview draws it: finite numbers, importance in 0…1, most important first. */
export function importanceView(r: ImportanceReport): ImportanceView {
  const clamp = (x: number, lo: number, hi: number) => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo);
  const view: ImportanceView = {
    method: r.method,
    n: r.n,
    params: [...r.params]
      .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name))
      .map((p) => ({
        name: p.name,
        importance: clamp(p.importance, 0, 1),
        correlation: p.correlation === null || !Number.isFinite(p.correlation) ? null : clamp(p.correlation, -1, 1),
      })),
  };
  if (r.explained !== undefined && Number.isFinite(r.explained)) view.explained = r.explained;
  if (r.note) view.note = r.note;
  return view;
}

export type ImportanceCompute = (trials: readonly ImportanceTrial[], space: Space, goal: Goal) => Promise<ImportanceReport>;

export interface ImportanceFeedOptions {
  every?: number;
  debounceMs?: number;
  compute?: ImportanceCompute;
  onResult: (m: ImportanceMessage) => void;
  onError?: (e: unknown) => void;
}

export class ImportanceFeed {
  private lastUsed: number | undefined;
  private last: ImportanceMessage | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private again = false;
  private disposed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly state: () => SweepState | undefined,
    private readonly opts: ImportanceFeedOptions,
  ) {}

  /** The latest result (sent again after a snapshot). */
  latest(): ImportanceMessage | undefined {
    return this.last;
  }

  /** The sweep changed: maybe recompute (debounced). */
  changed(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.opts.debounceMs ?? 1000);
  }

  /** Runs now when due; resolves when done (tests). */
  async run(): Promise<void> {
    const st = this.state();
    if (!st || this.disposed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const usable = usableTrials(st);
    if (!shouldRecompute(usable, this.lastUsed, this.opts.every ?? 10)) return;
    const params = spaceParams(st);
    if (!params.length || !st.created) return;
    this.inFlight = true;
    this.lastUsed = usable;
    const trials: ImportanceTrial[] = st.trials
      .filter((t) => t.status === 'completed')
      .map((t) => ({ params: t.params, value: t.value, status: t.status }));
    const compute: ImportanceCompute =
      this.opts.compute ?? ((tr, space, goal) => computeImportanceInWorker(tr, space, goal, { signal: this.abort.signal }));
    try {
      const report = await compute(trials, { params }, st.created.metric.goal);
      if (this.disposed) return;
      this.last = { type: 'importance', importance: importanceView(report) };
    } catch (e) {
      if (this.disposed) return;
      this.opts.onError?.(e);
      this.last = { type: 'importance', importance: null, message: `importance failed: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      this.inFlight = false;
    }
    this.opts.onResult(this.last);
    if (this.again) {
      this.again = false;
      await this.run();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
  }
}
