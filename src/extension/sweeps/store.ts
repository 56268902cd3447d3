/**
 * Live sweep state for the extension: one `JournalTail` per sweep (incremental reads, never a
 * full reparse per change), fed by file-watcher events through `touch()`, debounced per sweep.
 * Each flush applies only the new ops to the sweep's state and reports which trials changed.
 * No vscode import: the extension adapts a FileSystemWatcher onto `add/touch/remove`.
 */
import * as path from 'node:path';
import type { Op } from '../../core/journal/ops';
import { JournalTail } from '../../core/journal/reader';
import { applyOp, createState, type SweepState } from '../../core/journal/reducer';
import { type RunnerStatus, runnerStatus } from '../../core/sweep/open';
import { type SweepPaths, sweepPaths } from '../../core/sweep/paths';
import { type DisposableLike, Emitter } from '../disposables';
import { formatAge } from './describe';

export interface SweepEntry {
  readonly dir: string;
  readonly id: string;
  readonly paths: SweepPaths;
  readonly state: SweepState;
  runner: RunnerStatus;
  /** Bumped on every change. */
  version: number;
}

export interface SweepChange {
  dir: string;
  kind: 'added' | 'changed' | 'removed';
  /** Trials touched by the new ops. */
  trials: Set<number>;
  /** Sweep-level state changed (runner, finished, paused, stop...). */
  meta: boolean;
  /** Number of new ops applied. */
  ops: number;
}

export interface SweepStoreOptions {
  /** Coalesces bursts of watcher events (default 200 ms). */
  debounceMs?: number;
  now?: () => number;
  onError?: (e: unknown) => void;
}

interface Internal extends SweepEntry {
  tail: JournalTail;
  timer?: ReturnType<typeof setTimeout>;
}

/** The sweep folder that holds a journal path. */
export function sweepDirOfJournal(journalPath: string): string {
  return path.dirname(path.resolve(journalPath));
}

export class SweepStore implements DisposableLike {
  private readonly entries = new Map<string, Internal>();
  private readonly emitter: Emitter<SweepChange>;
  private readonly debounceMs: number;
  private readonly now: () => number;
  private disposed = false;
  readonly onDidChange: Emitter<SweepChange>['event'];

  constructor(private readonly opts: SweepStoreOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 200;
    this.now = opts.now ?? Date.now;
    this.emitter = new Emitter<SweepChange>(opts.onError);
    this.onDidChange = this.emitter.event;
  }

  /** Starts tracking a sweep (reads its journal now). Returns the entry. */
  add(journalPath: string): SweepEntry {
    const dir = sweepDirOfJournal(journalPath);
    const existing = this.entries.get(dir);
    if (existing) {
      this.flush(dir);
      return existing;
    }
    const paths = sweepPaths(dir);
    const state = createState();
    const entry: Internal = {
      dir,
      id: paths.id,
      paths,
      state,
      tail: new JournalTail(paths.journal),
      runner: { kind: 'stopped' },
      version: 0,
    };
    this.entries.set(dir, entry);
    const trials = new Set<number>();
    const ops = entry.tail.read();
    for (const op of ops) applyOp(state, op);
    entry.runner = this.safeRunner(entry);
    this.emitter.fire({ dir, kind: 'added', trials, meta: true, ops: ops.length });
    return entry;
  }

  /** The journal may have grown: read it after the debounce. Unknown sweeps are added. */
  touch(journalPath: string): void {
    if (this.disposed) return;
    const dir = sweepDirOfJournal(journalPath);
    const e = this.entries.get(dir);
    if (!e) {
      this.add(journalPath);
      return;
    }
    if (e.timer) return; // a flush is already scheduled: it will read everything new
    if (this.debounceMs <= 0) {
      this.flush(dir);
      return;
    }
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (!this.disposed) this.flush(dir);
    }, this.debounceMs);
  }

  /** Reads new ops of one sweep now; returns the change (undefined when nothing changed). */
  flush(dir: string): SweepChange | undefined {
    const e = this.entries.get(path.resolve(dir));
    if (!e) return undefined;
    if (e.timer) {
      clearTimeout(e.timer);
      e.timer = undefined;
    }
    let ops: Op[];
    try {
      ops = e.tail.read();
    } catch (err) {
      this.opts.onError?.(err);
      return undefined;
    }
    const change: SweepChange = { dir: e.dir, kind: 'changed', trials: new Set(), meta: false, ops: ops.length };
    for (const op of ops) {
      applyOp(e.state, op);
      if ('trial' in op && typeof op.trial === 'number') change.trials.add(op.trial);
      else change.meta = true;
    }
    const runner = this.safeRunner(e);
    if (runner.kind !== e.runner.kind || runner.pid !== e.runner.pid) change.meta = true;
    e.runner = runner;
    if (!ops.length && !change.meta) return undefined;
    e.version++;
    this.emitter.fire(change);
    return change;
  }

  /**
   * Re-checks every runner's heartbeat (a runner that died shows as lost). A lost runner's
   * "last seen 12 s ago" is a change too, when its words change.
   */
  refreshRunners(): void {
    for (const e of this.entries.values()) {
      const r = this.safeRunner(e);
      const changed =
        r.kind !== e.runner.kind ||
        r.pid !== e.runner.pid ||
        (r.kind === 'lost' && formatAge(r.lastSeenMs) !== formatAge(e.runner.lastSeenMs));
      e.runner = r;
      if (changed) {
        e.version++;
        this.emitter.fire({ dir: e.dir, kind: 'changed', trials: new Set(), meta: true, ops: 0 });
      }
    }
  }

  remove(journalPathOrDir: string): void {
    const p = path.resolve(journalPathOrDir);
    const dir = this.entries.has(p) ? p : sweepDirOfJournal(p);
    const e = this.entries.get(dir);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    this.entries.delete(dir);
    this.emitter.fire({ dir, kind: 'removed', trials: new Set(), meta: true, ops: 0 });
  }

  get(dir: string): SweepEntry | undefined {
    return this.entries.get(path.resolve(dir));
  }

  has(dir: string): boolean {
    return this.entries.has(path.resolve(dir));
  }

  /** Newest first (by creation time, then id). */
  list(): SweepEntry[] {
    const created = (e: SweepEntry) => e.state.created?.t ?? e.state.firstT ?? 0;
    return [...this.entries.values()].sort((a, b) => created(b) - created(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** Sweeps whose recorded sweep file is `file` (absolute), newest first. */
  byFile(file: string): SweepEntry[] {
    const abs = path.resolve(file);
    return this.list().filter((e) => e.state.created?.file && path.resolve(e.state.created.file) === abs);
  }

  /** True when any tracked runner is alive (callers poll heartbeats only then). */
  anyRunning(): boolean {
    for (const e of this.entries.values()) if (e.runner.kind === 'running') return true;
    return false;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
    this.emitter.dispose();
  }

  private safeRunner(e: Internal): RunnerStatus {
    try {
      return runnerStatus(e.paths, e.state, this.now());
    } catch {
      return { kind: 'stopped' };
    }
  }
}
