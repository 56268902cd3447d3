/**
 * The pure reducer: replays journal ops into sweep state. No I/O, deterministic.
 * `applyOp` mutates the state it is given (so tails stay O(new ops)); `replay` builds a fresh one.
 * Ops whose seq is not above the last applied seq (duplicates) are ignored.
 */
import type { FlatParams } from '../space/types';
import { restoreNonFinite } from './nonFiniteParams';
import { decodeNumber, type FailureKind, type Op, type SweepCreatedOp } from './ops';
import type { TrialStatus } from './trialStatus';

export interface AttemptState {
  attempt: number;
  /** Executor job id (Slurm). */
  jobId?: string;
  pid?: number;
  pgid?: number;
  argv?: string[];
  gpus?: number[];
  startedAt?: number;
  endedAt?: number;
  status: TrialStatus;
  exitCode?: number | null;
  signal?: string | null;
  failureKind?: FailureKind;
  stderrTail?: string;
  reason?: string;
}

export interface MetricPoint {
  step: number;
  value: number;
  t: number;
}

export interface TrialRecord {
  id: number;
  params: FlatParams;
  source: string;
  index?: number;
  status: TrialStatus;
  /** Current (latest) attempt number; 0 before the first start. */
  attempt: number;
  attempts: AttemptState[];
  /** Every reported metric series of the current attempt, by name. */
  series: Record<string, MetricPoint[]>;
  /** Last value of each metric (current attempt). */
  last: Record<string, number>;
  /** The trial's value: the last reported value of metric.name (raw, not normalised). */
  value?: number;
  /** Best reported value of metric.name (raw). */
  best?: number;
  /** Number of reports of the current attempt. */
  reports: number;
  askedAt: number;
  startedAt?: number;
  endedAt?: number;
  /** Why it stopped / failed / was interrupted. */
  reason?: string;
  stopRequested: boolean;
  /** True when a failed trial will run again. */
  willRetry: boolean;
  /** Why a submitted trial waits in the cluster queue (Slurm's reason), while it does. */
  queueReason?: string;
  /** keep_checkpoints deleted this trial's checkpoint folder. */
  checkpointsDeleted?: boolean;
}

export interface RunnerInfo {
  pid: number;
  host: string;
  startedAt: number;
  stoppedAt?: number;
  stopReason?: string;
}

/** The `evaluate:` run on a trial (the latest one): test metrics, apart from validation metrics. */
export interface EvaluationState {
  trial: number;
  status: 'running' | 'completed' | 'failed';
  argv: string[];
  by: string;
  /** Last value per reported name (test_loss, test_acc, …). */
  metrics: Record<string, number>;
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  startedAt: number;
  endedAt?: number;
}

export interface SweepState {
  created?: SweepCreatedOp;
  trials: TrialRecord[];
  byId: Map<number, TrialRecord>;
  runner?: RunnerInfo;
  finished?: { reason: string; t: number };
  paused?: { reason: string; kind: FailureKind; t: number };
  stopRequested: boolean;
  handledCmds: Set<string>;
  notices: { level: string; message: string; t: number }[];
  /** The latest GPU sample (GPU sweeps only). */
  gpus?: { t: number; gpus: import('./ops').GpuStatusOp['gpus'] };
  /** The latest `evaluate:` run (evaluate_started / evaluate_result). */
  evaluation?: EvaluationState;
  lastSeq: number;
  firstT?: number;
  lastT?: number;
}

export function createState(): SweepState {
  return { trials: [], byId: new Map(), stopRequested: false, handledCmds: new Set(), notices: [], lastSeq: 0 };
}

export function replay(ops: Iterable<Op>): SweepState {
  const s = createState();
  for (const op of ops) applyOp(s, op);
  return s;
}

/** Finished means it counts against run_cap and will not run again. */
export function isFinal(status: TrialStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'stopped' || status === 'pruned';
}

export function applyOp(s: SweepState, op: Op): void {
  if (op.seq <= s.lastSeq) return; // duplicate or replayed op
  s.lastSeq = op.seq;
  s.firstT ??= op.t;
  s.lastT = op.t;
  switch (op.op) {
    case 'sweep_created':
      s.created = op;
      return;
    case 'runner_started':
      s.runner = { pid: op.pid, host: op.host, startedAt: op.t };
      s.stopRequested = false;
      s.finished = undefined;
      return;
    case 'runner_stopped':
      if (s.runner) {
        s.runner.stoppedAt = op.t;
        s.runner.stopReason = op.reason;
      }
      return;
    case 'trial_asked': {
      if (s.byId.has(op.trial)) return;
      const t: TrialRecord = {
        id: op.trial,
        params: restoreNonFinite(op.params, op.nonFinite),
        source: op.source,
        index: op.index,
        status: 'pending',
        attempt: 0,
        attempts: [],
        series: {},
        last: {},
        reports: 0,
        askedAt: op.t,
        stopRequested: false,
        willRetry: false,
      };
      s.trials.push(t);
      s.byId.set(t.id, t);
      return;
    }
    case 'trial_started': {
      const t = s.byId.get(op.trial);
      if (!t) return;
      if (op.reattached) {
        t.status = 'running';
        t.endedAt = undefined;
        t.reason = undefined;
        return;
      }
      t.status = 'running';
      t.attempt = op.attempt;
      t.attempts.push({
        attempt: op.attempt,
        pid: op.pid,
        pgid: op.pgid,
        jobId: op.jobId,
        argv: op.argv,
        gpus: op.gpus,
        startedAt: op.t,
        status: 'running',
      });
      t.queueReason = undefined;
      t.series = {};
      t.last = {};
      t.value = undefined;
      t.best = undefined;
      t.reports = 0;
      t.startedAt ??= op.t;
      t.endedAt = undefined;
      t.reason = undefined;
      t.willRetry = false;
      t.stopRequested = false;
      return;
    }
    case 'metric': {
      const t = s.byId.get(op.trial);
      if (!t || op.attempt !== t.attempt) return;
      t.reports++;
      const metric = s.created?.metric;
      const values = op.values;
      for (const name in values) {
        const raw = values[name];
        const value = typeof raw === 'number' ? raw : decodeNumber(raw);
        (t.series[name] ??= []).push({ step: op.step, value, t: op.t });
        t.last[name] = value;
        if (metric && name === metric.name) {
          t.value = value;
          if (!Number.isNaN(value) && (t.best === undefined || better(value, t.best, metric.goal))) t.best = value;
        }
      }
      return;
    }
    case 'trial_completed':
      endAttempt(s, op.trial, op.attempt, 'completed', op.t, (a) => (a.exitCode = op.exitCode));
      return;
    case 'trial_failed': {
      const t = endAttempt(s, op.trial, op.attempt, 'failed', op.t, (a) => {
        a.exitCode = op.exitCode;
        a.signal = op.signal;
        a.failureKind = op.kind;
        a.stderrTail = op.stderrTail;
        a.reason = failureReason(op.kind, op.exitCode, op.signal);
      });
      if (t) {
        t.reason = failureReason(op.kind, op.exitCode, op.signal);
        t.willRetry = op.willRetry;
        if (op.willRetry) t.status = 'pending';
      }
      return;
    }
    case 'trial_stopped': {
      const t = endAttempt(s, op.trial, op.attempt, op.by === 'pruned' ? 'pruned' : 'stopped', op.t, (a) => (a.reason = op.reason));
      if (t) t.reason = op.reason;
      return;
    }
    case 'trial_interrupted': {
      const t = endAttempt(s, op.trial, op.attempt, 'interrupted', op.t, (a) => (a.reason = op.reason));
      if (t) t.reason = op.reason;
      return;
    }
    case 'stop_requested':
      if (op.cmd) s.handledCmds.add(op.cmd);
      if (op.trial === undefined) s.stopRequested = true;
      else {
        const t = s.byId.get(op.trial);
        if (t) t.stopRequested = true;
      }
      return;
    case 'launch_paused':
      s.paused = { reason: op.reason, kind: op.kind, t: op.t };
      return;
    case 'launch_resumed':
      s.paused = undefined;
      return;
    case 'sweep_finished':
      s.finished = { reason: op.reason, t: op.t };
      return;
    case 'trial_pending': {
      const t = s.byId.get(op.trial);
      if (t && op.attempt === t.attempt) t.queueReason = op.reason ?? undefined;
      return;
    }
    case 'checkpoints_deleted':
      for (const id of op.trials) {
        const t = s.byId.get(id);
        if (t) t.checkpointsDeleted = true;
      }
      return;
    case 'gpu_status':
      s.gpus = { t: op.t, gpus: op.gpus };
      return;
    case 'evaluate_started':
      s.evaluation = { trial: op.trial, status: 'running', argv: op.argv, by: op.by, metrics: {}, startedAt: op.t };
      return;
    case 'evaluate_result': {
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(op.metrics)) metrics[k] = decodeNumber(v);
      const prev = s.evaluation?.trial === op.trial ? s.evaluation : undefined;
      s.evaluation = {
        trial: op.trial,
        status: op.exitCode === 0 && !op.error ? 'completed' : 'failed',
        argv: prev?.argv ?? [],
        by: prev?.by ?? 'user',
        metrics,
        exitCode: op.exitCode,
        signal: op.signal,
        error: op.error,
        startedAt: prev?.startedAt ?? op.t,
        endedAt: op.t,
      };
      return;
    }
    case 'notice':
      s.notices.push({ level: op.level, message: op.message, t: op.t });
      return;
  }
}

function endAttempt(
  s: SweepState,
  trial: number,
  attempt: number,
  status: TrialStatus,
  t: number,
  fill: (a: AttemptState) => void,
): TrialRecord | undefined {
  const rec = s.byId.get(trial);
  if (!rec) return undefined;
  const a = rec.attempts.find((x) => x.attempt === attempt);
  if (a) {
    a.status = status;
    a.endedAt = t;
    fill(a);
  }
  if (attempt === rec.attempt) {
    rec.status = status;
    rec.endedAt = t;
  }
  return rec;
}

export function failureReason(kind: FailureKind, exitCode: number | null, signal: string | null): string {
  const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
  switch (kind) {
    case 'oom':
      return `out of memory (${how})`;
    case 'timeout':
      return `timed out (trial_timeout)`;
    case 'spawn':
      return `could not start the program`;
    default:
      return `crashed (${how})`;
  }
}

export function better(a: number, b: number, goal: 'minimize' | 'maximize'): boolean {
  return goal === 'maximize' ? a > b : a < b;
}

/** The best trial: the one whose value (last reported metric) is best; NaN never wins. */
export function bestTrial(s: SweepState): TrialRecord | undefined {
  const goal = s.created?.metric.goal ?? 'minimize';
  let best: TrialRecord | undefined;
  for (const t of s.trials) {
    if (t.value === undefined || Number.isNaN(t.value)) continue;
    if (t.status === 'failed' || t.status === 'pending') continue;
    if (!best || better(t.value, best.value!, goal)) best = t;
  }
  return best;
}

export interface Counts {
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  stopped: number;
  pruned: number;
  interrupted: number;
  /** completed + failed + stopped + pruned: what run_cap counts. */
  finished: number;
}

export function countTrials(s: SweepState): Counts {
  const c: Counts = { total: 0, pending: 0, running: 0, completed: 0, failed: 0, stopped: 0, pruned: 0, interrupted: 0, finished: 0 };
  for (const t of s.trials) {
    c.total++;
    c[t.status]++;
    if (isFinal(t.status)) c.finished++;
  }
  return c;
}
