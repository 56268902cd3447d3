/**
 * A simulated Executor with a fake clock, for fast deterministic scheduler tests and benchmarks.
 *
 * Trials are fed by recorded learning curves: `curveFor(spec)` gives a curve (points of (step,
 * metric values)) for each launch. A trial costs `startupMs` of simulated time before its first
 * point and `epochMs` per point; each point is written as a helper report line
 * (`@@knobs {"step": …, "metrics": {…}}`, REPORT_TAG, so the runner's ReportParser reads it) to
 * stdout (events and, unless `writeLogs: false`, the trial's stdout file), and the trial exits
 * with `exitCode` (default 0) right after its last point.
 *
 * Time: the clock only moves when driven. With `auto: true` (the default) the executor drives it
 * itself: one simulated instant per `setImmediate` turn, so whatever the runner does in reaction
 * (synchronously or in microtasks: stop a trial, launch the next) happens before time moves on,
 * and no real time is spent waiting. With `auto: false`, tests call `advance(ms)` /
 * `runUntilIdle()`. Nothing is ever emitted synchronously inside `start()` or `stop()`.
 *
 * Stopping: `stop()` takes effect at the next simulated tick (the same simulated instant, on the
 * next turn): no more points are emitted and the trial exits with signal SIGTERM — or, for a
 * curve with `ignoreSigterm`, with SIGKILL once the grace period (simulated ms) has passed. A
 * `timeoutMs` in the launch spec stops the trial in simulated time (stoppedBy.timeout = true).
 * A curve with `spawnError` (or no curve at all) fails to start: pid/pgid −1 and an exit with
 * `spawnError`, like the local executor when the program is missing.
 *
 * Deterministic: the same launches in the same order give the same events at the same times.
 */
import * as fs from 'node:fs';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents, TrialHandle } from './executor';
import { REPORT_TAG } from './reportProtocol';

export interface SimPoint {
  step: number;
  values: Record<string, number>;
}

export interface SimCurve {
  points: readonly SimPoint[];
  /** Simulated ms from launch to the first point's start (overrides the executor's). */
  startupMs?: number;
  /** Simulated ms per point (overrides the executor's). */
  epochMs?: number;
  /** Exit code after the last point (default 0). */
  exitCode?: number;
  /** Lines written to stderr just before exiting. */
  stderr?: readonly string[];
  /** The process ignores SIGTERM: a stop waits for the grace period, then SIGKILL. */
  ignoreSigterm?: boolean;
  /** The program cannot be started (e.g. "spawn /x ENOENT"). */
  spawnError?: string;
}

export interface SimulatedExecutorOptions {
  /** The curve a launch replays; undefined → the trial fails to start. */
  curveFor: (spec: LaunchSpec) => SimCurve | undefined;
  /** Default start-up cost in simulated ms (default 1000). */
  startupMs?: number;
  /** Default cost per point in simulated ms (default 100). */
  epochMs?: number;
  /** Default SIGTERM → SIGKILL grace in simulated ms (default 10 000, as the local executor). */
  graceMs?: number;
  /** Drive the clock by itself (default true). */
  auto?: boolean;
  /** Append the lines to the launch's stdout/stderr files (default true). */
  writeLogs?: boolean;
  /** Share a clock between executors (default: a new one at 0). */
  clock?: SimClock;
  /** First fake pid (default 900 000). */
  firstPid?: number;
}

/** A finished (or failed) simulated trial, for accounting. */
export interface SimTrialRecord {
  trialId: number;
  attempt: number;
  startedAt: number;
  endedAt: number;
  /** Points emitted (epochs run). */
  points: number;
  stoppedBy?: ExitInfo['stoppedBy'];
}

/** A curve from a list of per-epoch values of one metric (steps 1, 2, …). */
export function curveFromValues(metric: string, values: readonly number[], extra: Omit<SimCurve, 'points'> = {}): SimCurve {
  return { ...extra, points: values.map((v, i) => ({ step: i + 1, values: { [metric]: v } })) };
}

/** The tagged report line the helpers write (non-finite values as strings). */
export function reportLine(step: number, values: Record<string, number>): string {
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(values))
    metrics[k] = Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return REPORT_TAG + JSON.stringify({ step, metrics });
}

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A discrete-event clock: callbacks run in (time, scheduling order). */
export class SimClock {
  private t = 0;
  private seq = 0;
  private readonly queue: Scheduled[] = [];
  /** Called whenever something is scheduled (the executor's auto driver hooks in here). */
  onSchedule: (() => void) | undefined;

  get now(): number {
    return this.t;
  }

  /** Runs `fn` at simulated time `at` (≥ now). Returns a cancel function. */
  schedule(at: number, fn: () => void): () => void {
    const ev: Scheduled = { at: Math.max(at, this.t), seq: this.seq++, fn, cancelled: false };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = this.queue[mid];
      if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, ev);
    this.onSchedule?.();
    return () => {
      ev.cancelled = true;
    };
  }

  /** Time of the next pending callback. */
  nextAt(): number | undefined {
    this.prune();
    return this.queue[0]?.at;
  }

  get pending(): number {
    this.prune();
    return this.queue.filter((e) => !e.cancelled).length;
  }

  /** Runs every callback due at the earliest pending instant (and any they add at that instant). */
  step(): boolean {
    const at = this.nextAt();
    if (at === undefined) return false;
    this.t = at;
    while (this.queue.length && this.queue[0].at <= at) {
      const ev = this.queue.shift()!;
      if (!ev.cancelled) ev.fn();
    }
    return true;
  }

  /** Moves time forward by `ms`, running what falls due on the way. */
  advance(ms: number): void {
    const end = this.t + Math.max(0, ms);
    for (let at = this.nextAt(); at !== undefined && at <= end; at = this.nextAt()) this.step();
    this.t = end;
  }

  /** Runs until nothing is pending; returns the number of instants run. */
  runUntilIdle(maxInstants = 10_000_000): number {
    let n = 0;
    while (n < maxInstants && this.step()) n++;
    return n;
  }

  private prune(): void {
    while (this.queue.length && this.queue[0].cancelled) this.queue.shift();
  }
}

export class SimulatedExecutor implements Executor {
  readonly name = 'simulated';
  readonly clock: SimClock;
  /** Every trial that has ended, in order of ending. */
  readonly finished: SimTrialRecord[] = [];
  private readonly live = new Set<SimTrial>();
  private nextPid: number;
  private driving = false;
  private disposed = false;

  constructor(readonly opts: SimulatedExecutorOptions) {
    this.clock = opts.clock ?? new SimClock();
    this.nextPid = opts.firstPid ?? 900_000;
    if (opts.auto ?? true) this.clock.onSchedule = () => this.kick();
  }

  get now(): number {
    return this.clock.now;
  }

  get running(): number {
    return this.live.size;
  }

  /** Points emitted so far by all trials (epochs run), the live ones included. */
  get epochs(): number {
    let n = 0;
    for (const r of this.finished) n += r.points;
    for (const t of this.live) n += t.points;
    return n;
  }

  start(spec: LaunchSpec, events: TrialEvents): TrialHandle {
    const curve = this.disposed ? { points: [], spawnError: 'executor disposed' } : this.opts.curveFor(spec);
    const pid = curve && !curve.spawnError ? this.nextPid++ : -1;
    const trial = new SimTrial(this, spec, events, curve, pid, (rec) => {
      this.live.delete(trial);
      this.finished.push(rec);
    });
    this.live.add(trial);
    trial.begin();
    return trial;
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  runUntilIdle(): number {
    return this.clock.runUntilIdle();
  }

  /** Kills every live trial (SIGKILL at the next tick). */
  dispose(): void {
    this.disposed = true;
    for (const t of this.live) t.kill();
  }

  /** @internal */
  defaults(): { startupMs: number; epochMs: number; graceMs: number; writeLogs: boolean } {
    return {
      startupMs: this.opts.startupMs ?? 1000,
      epochMs: this.opts.epochMs ?? 100,
      graceMs: this.opts.graceMs ?? 10_000,
      writeLogs: this.opts.writeLogs ?? true,
    };
  }

  private kick(): void {
    if (this.driving) return;
    this.driving = true;
    setImmediate(() => this.drive());
  }

  private drive(): void {
    this.driving = false;
    if (this.clock.step() && this.clock.nextAt() !== undefined) this.kick();
  }
}

class SimTrial implements TrialHandle {
  readonly trialId: number;
  readonly attempt: number;
  readonly pid: number;
  readonly pgid: number;
  points = 0;
  private readonly startedAt: number;
  private stoppedBy: ExitInfo['stoppedBy'];
  private finished = false;
  private cancels: (() => void)[] = [];
  private pendingCancel: (() => void) | undefined;
  private stderrTail = '';

  constructor(
    private readonly ex: SimulatedExecutor,
    private readonly spec: LaunchSpec,
    private readonly events: TrialEvents,
    private readonly curve: SimCurve | undefined,
    pid: number,
    private readonly onDone: (rec: SimTrialRecord) => void,
  ) {
    this.trialId = spec.trialId;
    this.attempt = spec.attempt;
    this.pid = pid;
    this.pgid = pid;
    this.startedAt = ex.clock.now;
  }

  begin(): void {
    const clock = this.ex.clock;
    const now = clock.now;
    const curve = this.curve;
    if (!curve || curve.spawnError) {
      const message = curve?.spawnError ?? `no recorded curve for trial ${this.trialId} (attempt ${this.attempt})`;
      this.cancels.push(clock.schedule(now, () => this.finish({ code: null, signal: null, spawnError: message })));
      return;
    }
    const d = this.ex.defaults();
    const startup = curve.startupMs ?? d.startupMs;
    const epoch = curve.epochMs ?? d.epochMs;
    // one pending event per trial: point i at start + startup + (i+1)·epoch, then the exit
    const next = (i: number): void => {
      if (i < curve.points.length) {
        this.pendingCancel = clock.schedule(now + startup + (i + 1) * epoch, () => {
          this.emitPoint(curve.points[i]);
          next(i + 1);
        });
      } else {
        this.pendingCancel = clock.schedule(now + startup + curve.points.length * epoch, () => {
          for (const line of curve.stderr ?? []) this.emit('stderr', line);
          this.finish({ code: curve.exitCode ?? 0, signal: null });
        });
      }
    };
    next(0);
    const timeout = this.spec.timeoutMs;
    if (timeout && timeout > 0) {
      this.cancels.push(clock.schedule(now + timeout, () => this.stopInternal(`timed out after ${timeout} ms`, true)));
    }
  }

  stop(reason: string, opts: { graceMs?: number } = {}): void {
    this.stopInternal(reason, false, opts.graceMs);
  }

  /** Immediate SIGKILL (dispose). */
  kill(): void {
    if (this.finished) return;
    this.stoppedBy ??= { reason: 'runner stopped', timeout: false };
    if (this.pid === -1) return; // never started: its spawn-error exit is pending
    this.cancelAll();
    this.cancels.push(this.ex.clock.schedule(this.ex.clock.now, () => this.finish({ code: null, signal: 'SIGKILL' })));
  }

  private stopInternal(reason: string, timeout: boolean, graceMs?: number): void {
    if (this.stoppedBy || this.finished) return;
    this.stoppedBy = { reason, timeout };
    if (this.pid === -1) return; // never started: its spawn-error exit is pending
    const clock = this.ex.clock;
    if (this.curve?.ignoreSigterm) {
      // keeps running (and reporting) through the grace period, then SIGKILL
      const grace = Math.max(0, graceMs ?? this.ex.defaults().graceMs);
      this.cancels.push(clock.schedule(clock.now + grace, () => this.finish({ code: null, signal: 'SIGKILL' })));
      return;
    }
    this.cancelAll();
    this.cancels.push(clock.schedule(clock.now, () => this.finish({ code: null, signal: 'SIGTERM' })));
  }

  private cancelAll(): void {
    for (const c of this.cancels) c();
    this.cancels = [];
    this.pendingCancel?.();
    this.pendingCancel = undefined;
  }

  private emitPoint(p: SimPoint): void {
    if (this.finished) return;
    this.points++;
    this.emit('stdout', reportLine(p.step, p.values));
  }

  private emit(stream: 'stdout' | 'stderr', line: string): void {
    if (stream === 'stderr') this.stderrTail = `${this.stderrTail + line}\n`.slice(-4096);
    if (this.ex.defaults().writeLogs) {
      try {
        fs.appendFileSync(stream === 'stdout' ? this.spec.stdoutPath : this.spec.stderrPath, `${line}\n`);
      } catch {
        /* the simulation does not depend on its logs */
      }
    }
    try {
      this.events.onLine(stream, line);
    } catch {
      /* a consumer bug must not break the simulation */
    }
  }

  private finish(info: { code: number | null; signal: string | null; spawnError?: string }): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelAll();
    this.onDone({
      trialId: this.trialId,
      attempt: this.attempt,
      startedAt: this.startedAt,
      endedAt: this.ex.clock.now,
      points: this.points,
      stoppedBy: this.stoppedBy,
    });
    this.events.onExit({
      code: info.code,
      signal: info.signal,
      stoppedBy: this.stoppedBy,
      spawnError: info.spawnError,
      stderrTail: this.stderrTail,
    });
  }
}
