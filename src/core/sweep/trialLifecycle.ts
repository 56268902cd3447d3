/**
 * The trial lifecycle: one trial's process from launch to journaled end. It owns the trials that
 * run now, the queue of trials to run again (retries, interrupted ones), and the failure streak:
 *   - launch: the trial folder, params file, argv, environment and report parser, then the
 *     executor's start (or attach to a job a crashed runner submitted), journaled trial_started;
 *   - recovery on start: trials a dead runner left RUNNING are killed and journaled interrupted
 *     (or, on a cluster, followed again), then queued to run again with a new attempt;
 *   - output: each report is journaled; the sweep metric goes to early termination;
 *   - exit: completed, stopped, pruned, interrupted, or failed (a crash is retried up to
 *     max_failures); `max_consecutive_failures` failures of one kind in a row pause launching;
 *     a final end goes to early termination and checkpoint retention;
 *   - stops: by the user, the whole sweep, an interrupt, a journal failure.
 * It never decides when to launch or to finish (the loop, runner.ts, does), never asks the
 * sampler, and writes the journal only through its host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKnobsError, KnobsError } from '../errors';
import { encodeNumber, type FailureKind, type Op, type OpInput } from '../journal/ops';
import { isFinal, type SweepState, type TrialRecord } from '../journal/reducer';
import { buildArgv, formatArgsJsonFile } from '../runner/command';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents } from '../runner/executor';
import { classifyFailure, lastLine } from '../runner/failure';
import type { GpuPlacement } from '../runner/gpuPlacement';
import { groupAlive, killGroup } from '../runner/localExecutor';
import { ReportParser } from '../runner/reportParser';
import { trialEnv } from '../runner/trialEnv';
import { toConfig } from '../space/config';
import type { SweepSpec } from '../space/types';
import { pruneCheckpoints } from './checkpointRetention';
import type { EarlyTermination, StoppableTrial } from './earlyTermination';
import { type SweepPaths, trialDir } from './paths';

/** What the lifecycle needs of the run around it: the loop (SweepRunner) provides it. */
export interface TrialHost {
  readonly spec: SweepSpec;
  readonly paths: SweepPaths;
  readonly state: SweepState;
  /** Where trials run, and the interpreter for ${interpreter} (known once the run started). */
  readonly cwd: string;
  readonly interpreter: string;
  /** GPU placement, when the sweep asks for GPUs and some were found. */
  readonly gpus: GpuPlacement | undefined;
  /** The run has ended: nothing more is journaled. */
  readonly done: boolean;
  /** The journal failed: output is no longer read. */
  readonly failed: boolean;
  /** The sweep is stopping or being interrupted: a crash is not retried. */
  readonly windingDown: boolean;
  /** Journals an op (undefined after a journal failure). */
  append(input: OpInput, valuesJson?: string): Op | undefined;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  /** A trial could not be prepared: the run stops. */
  onFatal(e: KnobsError): void;
  /** A trial ended: launch the next ones, or finish. */
  pump(): void;
}

export interface TrialLifecycleOptions {
  executor: Executor;
  /** Base environment for trials (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Force the W&B shim on. */
  wandbShim?: boolean;
  /** SIGTERM→SIGKILL grace for stops (ms). */
  graceMs?: number;
}

interface Running extends StoppableTrial {
  parser: ReportParser;
  /** Re-attached after a crash: reports up to this step are already in the journal. */
  skipUntilStep?: number;
}

export class TrialLifecycle {
  private readonly running = new Map<number, Running>();
  private readonly rerunQueue: number[] = [];
  private failureStreak: { kind: FailureKind; count: number } | undefined;
  private envSnapshot: NodeJS.ProcessEnv | undefined;

  constructor(
    private readonly host: TrialHost,
    private readonly opts: TrialLifecycleOptions,
    private readonly decisions: EarlyTermination,
  ) {}

  /** How many trials run now. */
  get count(): number {
    return this.running.size;
  }

  /** Whether some trial waits to run again. */
  get hasReruns(): boolean {
    return this.rerunQueue.length > 0;
  }

  /** The next trial to run again (retries and interrupted trials come before new ones). */
  nextRerun(): TrialRecord | undefined {
    while (this.rerunQueue.length) {
      const id = this.rerunQueue.shift()!;
      const t = this.host.state.byId.get(id);
      if (t && !isFinal(t.status) && !this.running.has(id)) return t;
    }
    return undefined;
  }

  /**
   * Takes over what the previous runner left: trials RUNNING when it died are killed and
   * journaled interrupted (a cluster job is followed again instead), and every interrupted or
   * pending trial is queued to run again, unless the user asked to stop it.
   */
  recover(): void {
    const { state } = this.host;
    const reattach: TrialRecord[] = [];
    for (const t of state.trials) {
      if (t.status === 'running') {
        const a = t.attempts[t.attempts.length - 1];
        if (a?.jobId && this.opts.executor.attach) {
          reattach.push(t); // a cluster job outlives the runner: follow it again, never resubmit
          continue;
        }
        if (a?.pgid && groupAlive(a.pgid)) killGroup(a.pgid, 'SIGKILL');
        this.host.append({ op: 'trial_interrupted', trial: t.id, attempt: t.attempt, reason: 'runner stopped' });
      }
    }
    for (const t of reattach) this.reattach(t);
    this.decisions.judge(this.running.values());
    for (const t of state.trials) {
      if (t.status === 'interrupted' || t.status === 'pending') {
        if (t.stopRequested) this.stoppedBeforeItRan(t);
        else this.rerunQueue.push(t.id);
      }
    }
  }

  /** Starts the trial's next attempt, on these GPUs. */
  launch(trial: TrialRecord, gpus?: number[]): void {
    const attempt = trial.attempt + 1;
    let prepared: ReturnType<TrialLifecycle['prepare']>;
    try {
      prepared = this.prepare(trial, attempt, gpus, true);
    } catch (e) {
      this.host.onFatal(
        isKnobsError(e) ? e : new KnobsError('E_SPAWN', `cannot prepare trial ${trial.id}: ${(e as Error).message}`, { cause: e }),
      );
      return;
    }
    const { dir, config, argv, resumeFrom, spec, events, run } = prepared;
    // a job a crashed runner submitted but never journaled: follow it instead of submitting again
    const submitted = this.opts.executor.findSubmitted?.(spec);
    const handle =
      submitted && this.opts.executor.attach ? this.opts.executor.attach(submitted, spec, events) : this.opts.executor.start(spec, events);
    run.handle = handle;
    this.running.set(trial.id, run as Running);
    writeJson(path.join(dir, 'config.json'), {
      trial: trial.id,
      attempt,
      sweep: this.host.paths.id,
      params: config,
      flat: trial.params,
      argv,
      cwd: this.host.cwd,
      gpus: gpus ?? [],
      jobId: handle.jobId,
      startedAt: new Date().toISOString(),
    });
    this.host.append({
      op: 'trial_started',
      trial: trial.id,
      attempt,
      pid: handle.pid,
      pgid: handle.pgid,
      argv,
      resumeFrom,
      gpus,
      jobId: handle.jobId,
    });
  }

  /** The user's stop: a running trial gets SIGTERM; one waiting to run is dropped and journaled stopped. */
  stopByUser(t: TrialRecord): void {
    const run = this.running.get(t.id);
    if (run && !run.stopAs) {
      run.stopAs = { status: 'stopped', reason: 'stopped by user', by: 'user' };
      run.handle.stop('stopped by user', { graceMs: this.opts.graceMs });
    } else if (!run && !isFinal(t.status)) {
      const i = this.rerunQueue.indexOf(t.id);
      if (i >= 0) this.rerunQueue.splice(i, 1);
      this.stoppedBeforeItRan(t);
    }
  }

  /** The sweep stops: every trial not already being stopped ends as stopped. */
  stopAll(message: string): void {
    for (const r of this.running.values()) {
      if (r.stopAs) continue;
      r.stopAs = { status: 'stopped', reason: message, by: 'sweep' };
      r.handle.stop(message, { graceMs: this.opts.graceMs });
    }
  }

  /** The runner stops (Ctrl-C, SIGTERM): every trial ends as interrupted, to run again on resume. */
  interruptAll(reason: string, graceMs: number): void {
    for (const r of this.running.values()) {
      r.stopAs = { status: 'interrupted', reason, by: 'runner' };
      r.handle.stop(reason, { graceMs });
    }
  }

  /** The journal failed: every trial is stopped quickly, as interrupted unless already being stopped. */
  abortAll(message: string): void {
    for (const r of this.running.values()) {
      r.stopAs ??= { status: 'interrupted', reason: message, by: 'runner' };
      r.handle.stop(message, { graceMs: 2000 });
    }
  }

  /** The user resumed launching: the failure streak starts again. */
  resetFailureStreak(): void {
    this.failureStreak = undefined;
  }

  private stoppedBeforeItRan(t: TrialRecord): void {
    this.host.append({ op: 'trial_stopped', trial: t.id, attempt: t.attempt, reason: 'stopped by user before it ran', by: 'user' });
  }

  /**
   * The base environment of trials, copied once per run: reading process.env goes through a
   * native lookup per key, and a copy of it per trial cost ~0.2 ms.
   */
  private baseEnv(): NodeJS.ProcessEnv {
    return (this.envSnapshot ??= { ...(this.opts.env ?? process.env) });
  }

  /** Everything a trial's process needs: folders, params file, argv, env, parser, events. */
  private prepare(trial: TrialRecord, attempt: number, gpus: number[] | undefined, fresh: boolean) {
    const { spec: sweep, paths } = this.host;
    const dir = trialDir(paths.dir, trial.id);
    const checkpoints = path.join(dir, 'checkpoints');
    const stdoutPath = path.join(dir, 'stdout.log');
    const stderrPath = path.join(dir, 'stderr.log');
    const config = toConfig(sweep.space, trial.params);
    const argsJsonFile = path.join(dir, 'params.json');
    makeTrialDirs(dir, checkpoints);
    if (fresh) fs.writeFileSync(argsJsonFile, formatArgsJsonFile(config));
    const argv = buildArgv({
      command: sweep.command,
      program: sweep.program,
      interpreter: this.host.interpreter,
      space: sweep.space,
      flat: trial.params,
      config,
      argsJsonFile,
      env: this.baseEnv(),
    });
    if (fresh && attempt > 1) {
      const banner = `\n===== knobs: attempt ${attempt} (${new Date().toISOString()}) =====\n`;
      fs.appendFileSync(stdoutPath, banner);
      fs.appendFileSync(stderrPath, banner);
    }
    const resumeFrom = hasEntries(checkpoints) ? checkpoints : undefined;
    const env = trialEnv({
      base: this.baseEnv(),
      trialId: trial.id,
      attempt,
      sweepDir: paths.dir,
      trialDir: dir,
      checkpointDir: checkpoints,
      config,
      resumeFrom,
      wandbShim: this.opts.wandbShim || sweep.wandbShim,
      gpus,
    });
    const parser = new ReportParser({ metricName: sweep.metric.name, metrics: sweep.metrics, metricRegex: sweep.metricRegex });
    const run: Partial<Running> = { trial, parser };
    const spec: LaunchSpec = {
      trialId: trial.id,
      attempt,
      argv,
      cwd: this.host.cwd,
      env,
      stdoutPath,
      stderrPath,
      timeoutMs: sweep.trialTimeoutMs,
    };
    const events: TrialEvents = {
      onLine: (_stream, line) => this.onLine(run as Running, line),
      onExit: (info) => this.onExit(run as Running, info),
      onPending: (reason) => {
        if (!this.host.done && this.running.has(trial.id)) this.host.append({ op: 'trial_pending', trial: trial.id, attempt, reason });
      },
    };
    return { dir, config, argv, resumeFrom, spec, events, run };
  }

  /** Follows a cluster job that outlived the previous runner; reports already journaled are skipped. */
  private reattach(trial: TrialRecord): void {
    const a = trial.attempts[trial.attempts.length - 1];
    let prepared: ReturnType<TrialLifecycle['prepare']>;
    try {
      prepared = this.prepare(trial, trial.attempt, a.gpus, false);
    } catch (e) {
      this.host.onFatal(
        isKnobsError(e) ? e : new KnobsError('E_SPAWN', `cannot re-attach trial ${trial.id}: ${(e as Error).message}`, { cause: e }),
      );
      return;
    }
    const { spec, events, run } = prepared;
    let last = 0;
    for (const series of Object.values(trial.series)) last = Math.max(last, series[series.length - 1]?.step ?? 0);
    run.skipUntilStep = last;
    run.handle = this.opts.executor.attach!(a.jobId!, spec, events);
    this.running.set(trial.id, run as Running);
    this.host.notice('info', `re-attached to trial ${trial.id} (job ${a.jobId})`);
  }

  private onLine(run: Running, line: string): void {
    if (this.host.done || this.host.failed) return;
    const report = run.parser.parse(line);
    if (!report || !this.running.has(run.trial.id)) return;
    if (run.skipUntilStep !== undefined) {
      if (report.step <= run.skipUntilStep) return; // replayed output of a re-attached job
      run.skipUntilStep = undefined;
    }
    const values = encodeValues(report.values);
    // the values' text as printed (helper lines) is journaled as is when nothing was re-encoded
    const valuesJson = values === report.values ? run.parser.valuesJson : undefined;
    this.host.append({ op: 'metric', trial: run.trial.id, attempt: run.trial.attempt, step: report.step, values }, valuesJson);
    const v = report.values[this.host.spec.metric.name];
    if (v !== undefined && !run.stopAs) this.decisions.report(run, report.step, v, this.running.values());
  }

  private onExit(run: Running, info: ExitInfo): void {
    const { trial } = run;
    this.running.delete(trial.id);
    this.host.gpus?.release(trial.id);
    if (this.host.done) return;
    const attempt = trial.attempt;
    try {
      if (run.stopAs?.status === 'interrupted') {
        this.host.append({ op: 'trial_interrupted', trial: trial.id, attempt, reason: run.stopAs.reason });
      } else if (run.stopAs?.by === 'budget') {
        // it used its whole budget (max_t): complete, whatever the exit after our SIGTERM
        this.host.append({ op: 'trial_completed', trial: trial.id, attempt, exitCode: 0 });
        this.streak(undefined);
      } else if (run.stopAs) {
        this.host.append({ op: 'trial_stopped', trial: trial.id, attempt, reason: run.stopAs.reason, by: run.stopAs.by });
        this.streak(undefined);
      } else if (info.code === 0 && !info.stoppedBy) {
        this.host.append({ op: 'trial_completed', trial: trial.id, attempt, exitCode: 0 });
        this.streak(undefined);
      } else {
        const kind = classifyFailure(info);
        const willRetry = kind === 'crash' && attempt <= this.host.spec.maxFailures && !this.host.windingDown;
        const tail = info.spawnError ? `${info.spawnError}\n${info.stderrTail}`.trim() : info.stderrTail;
        this.host.append({
          op: 'trial_failed',
          trial: trial.id,
          attempt,
          kind,
          exitCode: info.code,
          signal: info.signal,
          stderrTail: tail,
          willRetry,
        });
        if (willRetry) this.rerunQueue.push(trial.id);
        this.streak(kind, trial, info);
      }
      if (isFinal(trial.status)) {
        this.decisions.ended(trial);
        const deleted = pruneCheckpoints(this.host.state, this.host.spec, this.host.paths.dir);
        if (deleted) this.host.append(deleted);
      }
      this.decisions.judge(this.running.values());
    } catch (e) {
      if (!isKnobsError(e)) throw e;
      // journal failure: already routed to onFatal
    }
    this.host.pump();
  }

  /** Tracks failures of one kind in a row; pauses launching at max_consecutive_failures. */
  private streak(kind: FailureKind | undefined, trial?: TrialRecord, info?: ExitInfo): void {
    if (!kind) {
      this.failureStreak = undefined;
      return;
    }
    this.failureStreak = this.failureStreak?.kind === kind ? { kind, count: this.failureStreak.count + 1 } : { kind, count: 1 };
    if (this.failureStreak.count >= this.host.spec.maxConsecutiveFailures && !this.host.state.paused) {
      const n = this.failureStreak.count;
      const detail = info ? lastLine(info.spawnError ?? info.stderrTail) : '';
      const gpus = trial ? trial.attempts[trial.attempts.length - 1]?.gpus : undefined;
      const where = gpus?.length ? ` on GPU ${gpus.join(', ')}` : '';
      const what =
        kind === 'oom'
          ? `ran out of ${gpus?.length ? 'GPU ' : ''}memory${where}; lower batch_size or gpus_per_trial`
          : kind === 'timeout'
            ? `hit trial_timeout; raise trial_timeout or shorten the trials`
            : kind === 'spawn'
              ? `could not start; check program/command and the interpreter`
              : `crashed; fix the script (see trial ${trial?.id}'s stderr.log)`;
      const reason = `${n} trials in a row ${what}${detail ? ` — last error: ${detail}` : ''}. Launching is paused: run \`knobs resume\` when fixed.`;
      this.host.append({ op: 'launch_paused', reason, kind });
    }
  }
}

/** The values as journaled: the same object when all are finite (the usual case), else a copy with NaN/±Infinity as strings. */
function encodeValues(values: Record<string, number>): Record<string, ReturnType<typeof encodeNumber>> {
  for (const k in values) {
    if (!Number.isFinite(values[k])) {
      const out: Record<string, ReturnType<typeof encodeNumber>> = {};
      for (const j in values) out[j] = encodeNumber(values[j]);
      return out;
    }
  }
  return values;
}

function hasEntries(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** Written in the background (after the spawn): config.json is informational; the journal is the source of truth. */
function writeJson(file: string, value: unknown): void {
  fs.writeFile(file, `${JSON.stringify(value, null, 2)}\n`, () => {
    /* ignored: see above */
  });
}

/** The trial folder and its checkpoints folder: two mkdirs for a new trial (a recursive mkdir tries the deepest first and fails). */
function makeTrialDirs(dir: string, checkpoints: string): void {
  try {
    fs.mkdirSync(dir);
    fs.mkdirSync(checkpoints);
  } catch {
    fs.mkdirSync(checkpoints, { recursive: true });
  }
}
