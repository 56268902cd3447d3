/**
 * Journal ops: one JSON object per line in `.knobs/sweeps/<id>/journal.jsonl`.
 * Every op carries `seq` (1-based, gap-free per journal), `w` (worker id of the writer) and
 * `t` (ms since epoch). Non-finite numbers are written as the strings "NaN", "Infinity",
 * "-Infinity" (see encodeNumber) so that JSON stays valid.
 */
import type { FlatParams, SweepSpec } from '../space/types';
import type { NonFiniteAt } from './nonFiniteParams';

export type NumberOrNonFinite = number | 'NaN' | 'Infinity' | '-Infinity';

export interface Provenance {
  knobsVersion: string;
  nodeVersion: string;
  pythonVersion?: string;
  gitCommit?: string;
  /** sha256 of `git diff HEAD` when the tree is dirty. */
  gitDirtyHash?: string;
  host: string;
  /** The working folder: where trials run and `program` is resolved (sweep/workdir.ts). */
  cwd: string;
  /** How `cwd` was chosen; absent in journals written before the rule (the sweep file's folder then). */
  cwdFrom?: WorkdirSource;
}

/** `flag`: --cwd; `started`: the folder Knobs was started in; `sweep-file`: the sweep file's folder. */
export type WorkdirSource = 'flag' | 'started' | 'sweep-file';

export type FailureKind = 'crash' | 'oom' | 'timeout' | 'spawn';

interface OpBase {
  seq: number;
  w: string;
  t: number;
}

export interface SweepCreatedOp extends OpBase {
  op: 'sweep_created';
  sweepId: string;
  /** Absolute path of the sweep file at creation. */
  file?: string;
  /** The sweep file's text, verbatim. */
  text: string;
  /** Canonical JSON of the search space, compared on resume. */
  spaceKey: string;
  seed: number;
  /** Copied from the spec so that readers need not re-parse the text. */
  metric: { name: string; goal: 'minimize' | 'maximize'; target?: number };
  method: string;
  runCap?: number;
  provenance: Provenance;
  forkedFrom?: string;
}
export interface RunnerStartedOp extends OpBase {
  op: 'runner_started';
  pid: number;
  host: string;
  resumed: boolean;
}
export interface RunnerStoppedOp extends OpBase {
  op: 'runner_stopped';
  reason: string;
}
export interface TrialAskedOp extends OpBase {
  op: 'trial_asked';
  trial: number;
  params: FlatParams;
  /** NaN/±Infinity inside `params` (written there as null): see nonFiniteParams.ts. */
  nonFinite?: NonFiniteAt[];
  /** "points_to_evaluate" | sampler name */
  source: string;
  /** index within the sampler's suggestions (for deterministic resume) */
  index?: number;
}
export interface TrialStartedOp extends OpBase {
  op: 'trial_started';
  trial: number;
  attempt: number;
  pid: number;
  /** process group id (== pid for a group leader) */
  pgid: number;
  argv: string[];
  gpus?: number[];
  resumeFrom?: string;
  /** The executor's job id (Slurm); pid and pgid are -1 then. */
  jobId?: string;
  /** True when a new runner re-attached to a job that outlived the old one. */
  reattached?: boolean;
}
export interface TrialPendingOp extends OpBase {
  op: 'trial_pending';
  trial: number;
  attempt: number;
  /** The scheduler's reason it waits (Slurm: Resources, Priority, ...); null once it runs. */
  reason: string | null;
}
export interface MetricOp extends OpBase {
  op: 'metric';
  trial: number;
  attempt: number;
  step: number;
  values: Record<string, NumberOrNonFinite>;
}
export interface TrialCompletedOp extends OpBase {
  op: 'trial_completed';
  trial: number;
  attempt: number;
  exitCode: number;
}
export interface TrialFailedOp extends OpBase {
  op: 'trial_failed';
  trial: number;
  attempt: number;
  kind: FailureKind;
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
  /** Will the same config run again (max_failures)? */
  willRetry: boolean;
}
export interface TrialStoppedOp extends OpBase {
  op: 'trial_stopped';
  trial: number;
  attempt: number;
  reason: string;
  /** "user" | "pruned" | "sweep" */
  by: string;
}
export interface TrialInterruptedOp extends OpBase {
  op: 'trial_interrupted';
  trial: number;
  attempt: number;
  reason: string;
}
export interface StopRequestedOp extends OpBase {
  op: 'stop_requested';
  /** undefined = the whole sweep */
  trial?: number;
  /** control command id (idempotency) */
  cmd?: string;
}
export interface LaunchPausedOp extends OpBase {
  op: 'launch_paused';
  reason: string;
  kind: FailureKind;
}
export interface LaunchResumedOp extends OpBase {
  op: 'launch_resumed';
}
export interface SweepFinishedOp extends OpBase {
  op: 'sweep_finished';
  /** "run_cap" | "exhausted" | "target" | "stopped" | "sweep_timeout" */
  reason: string;
}
export interface CheckpointsDeletedOp extends OpBase {
  op: 'checkpoints_deleted';
  trials: number[];
  bytes: number;
  reason: string;
}
export interface GpuStatusOp extends OpBase {
  op: 'gpu_status';
  gpus: { index: number; name: string; memoryUsedMiB: number; memoryTotalMiB: number; utilization: number; trials: number[] }[];
}
/** The sweep file's `evaluate:` command started on a (best) trial's checkpoint. */
export interface EvaluateStartedOp extends OpBase {
  op: 'evaluate_started';
  trial: number;
  argv: string[];
  pid: number;
  /** "sweep_finished" (after the sweep) or "user" (knobs evaluate / the tree). */
  by: string;
}
/** Its result: test metrics (kept apart from the trial's validation metrics), last value per name. */
export interface EvaluateResultOp extends OpBase {
  op: 'evaluate_result';
  trial: number;
  metrics: Record<string, NumberOrNonFinite>;
  exitCode: number | null;
  signal?: string | null;
  /** Why it failed or was stopped, with the stderr tail. */
  error?: string;
}
export interface NoticeOp extends OpBase {
  op: 'notice';
  level: 'info' | 'warning' | 'error';
  message: string;
}

export type Op =
  | SweepCreatedOp
  | RunnerStartedOp
  | RunnerStoppedOp
  | TrialAskedOp
  | TrialStartedOp
  | MetricOp
  | TrialCompletedOp
  | TrialFailedOp
  | TrialStoppedOp
  | TrialInterruptedOp
  | StopRequestedOp
  | LaunchPausedOp
  | LaunchResumedOp
  | SweepFinishedOp
  | GpuStatusOp
  | CheckpointsDeletedOp
  | TrialPendingOp
  | EvaluateStartedOp
  | EvaluateResultOp
  | NoticeOp;

export type OpKind = Op['op'];
/** An op before the writer stamps seq, w and t. */
export type OpInput = Op extends infer O ? (O extends Op ? Omit<O, 'seq' | 'w' | 't'> : never) : never;

/** Ops written at once (their fsync runs in the background); the rest (metric, gpu_status samples) are group-committed. */
export function isLifecycle(op: { op: OpKind }): boolean {
  return op.op !== 'metric' && op.op !== 'gpu_status';
}

export function encodeNumber(x: number): NumberOrNonFinite {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(x: NumberOrNonFinite | unknown): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  return NaN;
}

export type { SweepSpec };
