/**
 * The sweep runner: the ask/tell loop that joins sampler + scheduler + executor + journal.
 * It alone writes the journal. Life cycle:
 *   1. take the runner lock; replay the journal;
 *   2. recover: trials RUNNING when the last runner died become "interrupted" (their process
 *      groups are killed) and run again first, with the same id and a new attempt;
 *   3. launch trials while slots are free (reruns first, then new suggestions), record every
 *      report, ask the scheduler, honour stop commands from control.jsonl;
 *   4. finish on run_cap / exhausted grid / target / stop / sweep_timeout, or pause launching after
 *      `max_consecutive_failures` failures of one kind in a row;
 *   5. on run_cap / exhausted / target (never on a stop or an interrupt), run the sweep file's
 *      `evaluate:` command once on the best trial (`runEvaluation`), then journal sweep_finished.
 * A config depends only on (seed, trial index) for random/grid/Sobol, so a resumed sweep proposes
 * the same configs as an uninterrupted one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KnobsError, isKnobsError } from '../errors';
import { JournalWriter } from '../journal/writer';
import { readJournal } from '../journal/reader';
import { applyOp, bestTrial, createState, isFinal, type SweepState, type TrialRecord } from '../journal/reducer';
import { nonFiniteParams } from '../journal/nonFiniteParams';
import { decodeNumber, encodeNumber, type FailureKind, type Op, type OpInput } from '../journal/ops';
import { createRng } from '../random/rng';
import type { Sampler, TrialView } from '../samplers/sampler';
import { createSampler } from '../samplers/registry';
import { normalise, type Decision, type Scheduler } from '../schedulers/scheduler';
import { createScheduler } from '../schedulers/registry';
import { toConfig } from '../space/config';
import type { SweepSpec } from '../space/types';
import { buildArgv, formatArgsJsonFile } from '../runner/command';
import { buildEvaluateArgv, testMetricName } from '../analysis/evaluate';
import { LocalExecutor } from '../runner/localExecutor';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents, TrialHandle } from '../runner/executor';
import { classifyFailure, lastLine } from '../runner/failure';
import { resolveInterpreter } from '../runner/interpreter';
import { detectGpus, parseNvidiaSmi, queryNvidiaSmi, type GpuInfo } from '../runner/gpu';
import { GpuAllocator } from '../runner/gpuAllocator';
import { groupAlive, killGroup, formatMs } from '../runner/localExecutor';
import { ReportParser } from '../runner/reportParser';
import { trialEnv } from '../runner/trialEnv';
import { ControlReader, type ControlCommand } from './control';
import { acquireLock, HEARTBEAT_MS, type RunnerLock } from './lock';
import { sweepPaths, trialDir, type SweepPaths } from './paths';
import { journalWorkdir } from './workdir';

export interface RunnerOptions {
  sweepDir: string;
  /** The spec to run (parsed from the sweep file or the journal's copy). */
  spec: SweepSpec;
  executor: Executor;
  /** Where trials run (default: the working folder journalled in sweep_created). */
  cwd?: string;
  /** Base environment for trials (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides the interpreter (CLI --python, extension setting). */
  interpreter?: string;
  /** Force the W&B shim on. */
  wandbShim?: boolean;
  /** SIGTERM→SIGKILL grace for stops (ms). */
  graceMs?: number;
  /** How often control.jsonl is polled (ms). */
  pollMs?: number;
  scheduler?: Scheduler;
  /** Injected journal I/O (fault tests: a full disk, a read-only folder). */
  journalIo?: { write(fd: number, data: string): void; fsync(fd: number): void };
  /** How often GPUs are sampled into the journal while trials run (ms). */
  gpuSampleMs?: number;
  /** Called after every journal op the runner writes (for live UIs), with its journal line ("\n"-terminated). */
  onOp?: (op: Op, state: SweepState, line: string) => void;
  /** Human-readable notices (e.g. "method bayes runs Sobol ..."). */
  onNotice?: (message: string) => void;
}

export type RunOutcome =
  | { kind: 'finished'; reason: string }
  | { kind: 'paused'; reason: string }
  | { kind: 'interrupted'; reason: string };

interface Running {
  handle: TrialHandle;
  trial: TrialRecord;
  parser: ReportParser;
  /** Re-attached after a crash: reports up to this step are already in the journal. */
  skipUntilStep?: number;
  /** Why we are stopping it, if we are. */
  stopAs?: { status: 'stopped' | 'pruned' | 'interrupted'; reason: string; by: string };
}

export class SweepRunner {
  readonly paths: SweepPaths;
  readonly state: SweepState = createState();
  private journal!: JournalWriter;
  private lock!: RunnerLock;
  private sampler!: Sampler;
  private scheduler: Scheduler;
  private readonly spec: SweepSpec;
  private readonly running = new Map<number, Running>();
  private readonly rerunQueue: number[] = [];
  private nextSamplerIndex = 0;
  private exhausted = false;
  private stopping: { reason: string } | undefined;
  private interrupting: { reason: string } | undefined;
  private failureStreak: { kind: FailureKind; count: number } | undefined;
  private timers: NodeJS.Timeout[] = [];
  private control!: ControlReader;
  private resolveDone!: (o: RunOutcome) => void;
  private rejectDone!: (e: unknown) => void;
  private done = false;
  private fatal: KnobsError | undefined;
  private seed = 0;
  private cwd = '';
  private interpreter = '';
  private allocator: GpuAllocator | undefined;
  /** The `evaluate:` run after the sweep, while it runs. */
  private evaluating: { stop(reason: string): void } | undefined;
  private evaluated = false;
  /** Provisional allocator key while the next trial is asked. */
  private static readonly PENDING = -1;

  constructor(private readonly opts: RunnerOptions) {
    this.paths = sweepPaths(opts.sweepDir);
    this.spec = opts.spec;
    this.scheduler = opts.scheduler ?? createScheduler(opts.spec.earlyTerminate, { goal: opts.spec.metric.goal });
  }

  /** Runs until the sweep finishes, pauses, or is interrupted (see `interrupt`). */
  run(): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
      try {
        this.start();
      } catch (e) {
        this.cleanup();
        reject(e);
      }
    });
  }

  /** Stops all trials as "interrupted" (resumable) and ends the run: Ctrl-C, SIGTERM. */
  interrupt(reason = 'runner stopped'): void {
    if (this.interrupting || this.done) return;
    this.interrupting = { reason };
    for (const r of this.running.values()) {
      r.stopAs = { status: 'interrupted', reason, by: 'runner' };
      r.handle.stop(reason, { graceMs: Math.min(this.opts.graceMs ?? 10_000, 5_000) });
    }
    this.evaluating?.stop(reason);
    this.pump();
  }

  // ---- start-up -------------------------------------------------------------------------

  private start(): void {
    this.lock = acquireLock(this.paths.lock, this.paths.id);
    const { ops, bad } = fs.existsSync(this.paths.journal) ? readJournal(this.paths.journal) : { ops: [], bad: [] };
    for (const op of ops) applyOp(this.state, op);
    const created = this.state.created;
    if (!created) {
      throw new KnobsError('E_JOURNAL', `${this.paths.journal} has no sweep_created op`, { hint: 'start a new sweep with `knobs run sweep.yaml`' });
    }
    this.seed = created.seed;
    this.cwd = this.opts.cwd ?? journalWorkdir(created).dir;
    this.journal = JournalWriter.open(this.paths.journal, { workerId: `runner-${process.pid}`, io: this.opts.journalIo });
    this.journal.onError = (e) => this.onFatal(e);
    this.control = new ControlReader(this.paths.control);

    const resumed = this.state.trials.length > 0 || this.state.runner !== undefined;
    this.append({ op: 'runner_started', pid: process.pid, host: os.hostname(), resumed });
    if (bad.length) this.notice('warning', `skipped ${bad.length} corrupt journal line(s): ${bad.slice(0, 5).join(', ')}`);

    const { sampler, notice } = createSampler(this.spec.method, { seed: this.seed, space: this.spec.space, runCap: this.spec.runCap });
    this.sampler = sampler;
    if (notice) this.notice('info', notice);
    this.interpreter = resolveInterpreter({ program: this.spec.program, override: this.opts.interpreter ?? this.spec.interpreter, env: this.opts.env ?? process.env });

    try {
      this.setUpGpus();
    } catch (e) {
      this.append({ op: 'runner_stopped', reason: (e as Error).message });
      throw e;
    }
    this.recover(ops);
    if (this.state.paused) this.append({ op: 'launch_resumed' }); // resuming is the user's choice to continue

    this.timers.push(setInterval(() => this.lock.beat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => this.pollControl(), this.opts.pollMs ?? 250));
    if (this.spec.sweepTimeoutMs) {
      const elapsed = Date.now() - created.t;
      const left = Math.max(0, this.spec.sweepTimeoutMs - elapsed);
      this.timers.push(setTimeout(() => this.requestStop(`sweep_timeout of ${formatMs(this.spec.sweepTimeoutMs!)} reached`, 'sweep_timeout'), left));
    }
    this.pump();
  }

  /** Detects GPUs when the sweep asks for them; without any, trials run on CPU (said once). */
  private setUpGpus(): void {
    if (!(this.spec.gpusPerTrial > 0)) return;
    if (this.opts.executor.attach) return; // a cluster executor places GPUs itself (e.g. Slurm gres)
    const env = this.opts.env ?? process.env;
    const found = detectGpus({ env, restrict: this.spec.gpus });
    if (found.gpus.length === 0) {
      this.notice('warning', found.note ?? 'no GPU found; trials run on CPU');
      return;
    }
    this.allocator = new GpuAllocator(found.gpus, { gpusPerTrial: this.spec.gpusPerTrial, memoryPerTrialMiB: this.spec.gpuMemoryPerTrialMiB });
    const list = found.gpus.map((g) => `${g.index} (${g.name}, ${Math.round(g.memoryTotalMiB / 1024)} GiB)`).join(', ');
    this.notice('info', `GPUs ${list}; gpus_per_trial ${this.spec.gpusPerTrial} → ${this.allocator.capacity()} trial slot(s)${found.note ? `; ${found.note}` : ''}`);
    this.timers.push(setInterval(() => this.sampleGpus(), this.opts.gpuSampleMs ?? 5000));
  }

  private liveGpus(): GpuInfo[] | undefined {
    const q = queryNvidiaSmi(this.opts.env ?? process.env);
    return q.csv ? parseNvidiaSmi(q.csv) : undefined;
  }

  private sampleGpus(): void {
    if (!this.allocator || this.done || this.running.size === 0) return;
    const live = this.liveGpus();
    if (!live) return;
    const usage = this.allocator.usage();
    const gpus = usage.map((u) => {
      const g = live.find((x) => x.index === u.index);
      return { index: u.index, name: g?.name ?? '?', memoryUsedMiB: g?.memoryUsedMiB ?? 0, memoryTotalMiB: g?.memoryTotalMiB ?? 0, utilization: g?.utilization ?? 0, trials: u.trials };
    });
    try {
      this.append({ op: 'gpu_status', gpus });
    } catch {
      /* journal failure is handled by onFatal */
    }
  }

  /** Rebuilds in-memory state from the journal after a crash or a clean interrupt. */
  private recover(ops: readonly Op[]): void {
    this.replayScheduler(ops);
    for (const t of this.state.trials) {
      if (t.source !== 'points_to_evaluate' && t.index !== undefined) this.nextSamplerIndex = Math.max(this.nextSamplerIndex, t.index + 1);
    }
    const reattach: TrialRecord[] = [];
    for (const t of this.state.trials) {
      if (t.status === 'running') {
        const a = t.attempts[t.attempts.length - 1];
        if (a?.jobId && this.opts.executor.attach) {
          reattach.push(t); // a cluster job outlives the runner: follow it again, never resubmit
          continue;
        }
        if (a?.pgid && groupAlive(a.pgid)) killGroup(a.pgid, 'SIGKILL');
        this.append({ op: 'trial_interrupted', trial: t.id, attempt: t.attempt, reason: 'runner stopped' });
      }
    }
    for (const t of reattach) this.reattach(t);
    this.judgeRunning();
    for (const t of this.state.trials) {
      if (t.status === 'interrupted' || t.status === 'pending') {
        if (t.stopRequested) {
          this.append({ op: 'trial_stopped', trial: t.id, attempt: t.attempt, reason: 'stopped by user before it ran', by: 'user' });
        } else {
          this.rerunQueue.push(t.id);
        }
      }
    }
  }

  /**
   * The scheduler sees every recorded report and trial end again, in journal order, so a resumed
   * sweep makes the same decisions (its rungs are rebuilt from the journal). Decisions are ignored.
   */
  private replayScheduler(ops: readonly Op[]): void {
    const name = this.spec.metric.name;
    const replayed = createState();
    for (const op of ops) {
      applyOp(replayed, op);
      if (op.op === 'metric') {
        const raw = op.values[name];
        if (raw !== undefined) this.scheduler.onReport(op.trial, op.step, normalise(decodeNumber(raw), this.spec.metric.goal), op.attempt);
      } else if (op.op === 'trial_completed' || op.op === 'trial_stopped' || (op.op === 'trial_failed' && !op.willRetry)) {
        this.scheduler.onComplete(op.trial, this.normalised(replayed.byId.get(op.trial)?.value));
      }
    }
  }

  // ---- the loop ---------------------------------------------------------------------------

  private pump(): void {
    if (this.done) return;
    if (this.fatal) return this.finishIfIdle();
    if (this.interrupting) return this.finishIfIdle();
    if (!this.stopping && !this.state.paused) {
      const limit = this.allocator ? Math.min(this.spec.maxConcurrent, this.allocator.capacity()) : this.spec.maxConcurrent;
      while (this.running.size < limit) {
        let gpus: number[] | undefined;
        if (this.allocator) {
          const placed = this.allocator.allocate(SweepRunner.PENDING, this.spec.gpuMemoryPerTrialMiB ? this.liveGpus() : undefined);
          if (!placed) break; // nothing fits now; a release will pump again
          gpus = placed;
        }
        const trial = this.nextTrial();
        if (!trial) {
          this.allocator?.release(SweepRunner.PENDING);
          break;
        }
        this.allocator?.rekey(SweepRunner.PENDING, trial.id);
        this.launch(trial, gpus);
        if (this.done || this.fatal) return;
      }
    }
    this.finishIfIdle();
  }

  private finishIfIdle(): void {
    if (this.running.size > 0 || this.done || this.evaluating) return;
    if (this.fatal) return this.end({ kind: 'interrupted', reason: this.fatal.message }, this.fatal);
    if (this.interrupting) return this.end({ kind: 'interrupted', reason: this.interrupting.reason });
    if (this.stopping) return this.finishSweep(this.stopping.reason);
    if (this.state.paused) return this.end({ kind: 'paused', reason: this.state.paused.reason });
    const reason = this.doneReason();
    if (reason) this.finishSweep(reason);
  }

  /** Why no more trials will be launched, or undefined while some will. */
  private doneReason(): string | undefined {
    if (this.rerunQueue.length) return undefined;
    if (this.targetReached()) return 'target';
    if (this.spec.runCap !== undefined && this.state.trials.length >= this.spec.runCap) return 'run_cap';
    if (this.exhausted) return 'exhausted';
    return undefined;
  }

  private targetReached(): boolean {
    const target = this.spec.metric.target;
    if (target === undefined) return false;
    const goal = this.spec.metric.goal;
    return this.state.trials.some((t) => t.value !== undefined && (goal === 'maximize' ? t.value >= target : t.value <= target));
  }

  private nextTrial(): TrialRecord | undefined {
    while (this.rerunQueue.length) {
      const id = this.rerunQueue.shift()!;
      const t = this.state.byId.get(id);
      if (t && !isFinal(t.status) && !this.running.has(id)) return t;
    }
    if (this.targetReached() || this.exhausted) return undefined;
    if (this.spec.runCap !== undefined && this.state.trials.length >= this.spec.runCap) return undefined;
    return this.ask();
  }

  /** Asks for a new config: points_to_evaluate first, then the sampler. */
  private ask(): TrialRecord | undefined {
    const id = this.state.trials.length + 1;
    const fromPoints = this.spec.pointsToEvaluate.length ? this.state.trials.filter((t) => t.source === 'points_to_evaluate').length : 0;
    let params;
    let source: string;
    let index: number | undefined;
    if (fromPoints < this.spec.pointsToEvaluate.length) {
      params = this.fillConstants(this.spec.pointsToEvaluate[fromPoints]);
      source = 'points_to_evaluate';
    } else {
      index = this.nextSamplerIndex;
      const rng = createRng(this.seed).child('sampler', index);
      let suggestion;
      try {
        // the history is built only when the sampler reads it (grid/random/Sobol never do): O(1) per trial for them
        const history = () => this.history();
        suggestion = this.sampler.suggest({
          space: this.spec.space,
          index,
          rng,
          get history() {
            return history();
          },
        });
      } catch (e) {
        if (isKnobsError(e)) {
          this.onFatal(e);
          return undefined;
        }
        throw e;
      }
      if (suggestion === null) {
        this.exhausted = true;
        return undefined;
      }
      this.nextSamplerIndex = index + 1;
      params = suggestion;
      source = this.sampler.name;
    }
    this.append({ op: 'trial_asked', trial: id, params, nonFinite: nonFiniteParams(params), source, index });
    return this.state.byId.get(id);
  }

  private fillConstants(point: Record<string, unknown>): Record<string, never> {
    const out: Record<string, unknown> = {};
    for (const p of this.spec.space.params) {
      if (p.name in point) out[p.name] = point[p.name];
      else if (p.kind === 'constant') out[p.name] = p.value;
    }
    for (const [k, v] of Object.entries(point)) if (!(k in out)) out[k] = v;
    return out as Record<string, never>;
  }

  private history(): TrialView[] {
    return this.state.trials.map((t) => ({
      id: t.id,
      flat: t.params,
      state: t.status,
      value: this.normalised(t.value),
      steps: (t.series[this.spec.metric.name] ?? []).map((p) => ({ step: p.step, value: normalise(p.value, this.spec.metric.goal) })),
    }));
  }

  private envSnapshot: NodeJS.ProcessEnv | undefined;
  /**
   * The base environment of trials, copied once per run: reading process.env goes through a
   * native lookup per key, and a copy of it per trial cost ~0.2 ms.
   */
  private baseEnv(): NodeJS.ProcessEnv {
    return (this.envSnapshot ??= { ...(this.opts.env ?? process.env) });
  }

  private normalised(v: number | undefined): number | undefined {
    return v === undefined ? undefined : normalise(v, this.spec.metric.goal);
  }

  // ---- one trial --------------------------------------------------------------------------

  /** Everything a trial's process needs: folders, params file, argv, env, parser, events. */
  private prepare(trial: TrialRecord, attempt: number, gpus: number[] | undefined, fresh: boolean) {
    const dir = trialDir(this.paths.dir, trial.id);
    const checkpoints = path.join(dir, 'checkpoints');
    const stdoutPath = path.join(dir, 'stdout.log');
    const stderrPath = path.join(dir, 'stderr.log');
    const config = toConfig(this.spec.space, trial.params);
    const argsJsonFile = path.join(dir, 'params.json');
    makeTrialDirs(dir, checkpoints);
    if (fresh) fs.writeFileSync(argsJsonFile, formatArgsJsonFile(config));
    const argv = buildArgv({
      command: this.spec.command,
      program: this.spec.program,
      interpreter: this.interpreter,
      space: this.spec.space,
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
      sweepDir: this.paths.dir,
      trialDir: dir,
      checkpointDir: checkpoints,
      config,
      resumeFrom,
      wandbShim: this.opts.wandbShim || this.spec.wandbShim,
      gpus,
    });
    const parser = new ReportParser({ metricName: this.spec.metric.name, metrics: this.spec.metrics, metricRegex: this.spec.metricRegex });
    const run: Partial<Running> = { trial, parser };
    const spec: LaunchSpec = { trialId: trial.id, attempt, argv, cwd: this.cwd, env, stdoutPath, stderrPath, timeoutMs: this.spec.trialTimeoutMs };
    const events: TrialEvents = {
      onLine: (_stream, line) => this.onLine(run as Running, line),
      onExit: (info) => this.onExit(run as Running, info),
      onPending: (reason) => {
        if (!this.done && this.running.has(trial.id)) this.append({ op: 'trial_pending', trial: trial.id, attempt, reason });
      },
    };
    return { dir, config, argv, resumeFrom, spec, events, run };
  }

  private launch(trial: TrialRecord, gpus?: number[]): void {
    const attempt = trial.attempt + 1;
    let prepared: ReturnType<SweepRunner['prepare']>;
    try {
      prepared = this.prepare(trial, attempt, gpus, true);
    } catch (e) {
      this.onFatal(isKnobsError(e) ? e : new KnobsError('E_SPAWN', `cannot prepare trial ${trial.id}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    const { dir, config, argv, resumeFrom, spec, events, run } = prepared;
    // a job a crashed runner submitted but never journaled: follow it instead of submitting again
    const submitted = this.opts.executor.findSubmitted?.(spec);
    const handle = submitted && this.opts.executor.attach ? this.opts.executor.attach(submitted, spec, events) : this.opts.executor.start(spec, events);
    run.handle = handle;
    this.running.set(trial.id, run as Running);
    writeJson(path.join(dir, 'config.json'), {
      trial: trial.id,
      attempt,
      sweep: this.paths.id,
      params: config,
      flat: trial.params,
      argv,
      cwd: this.cwd,
      gpus: gpus ?? [],
      jobId: handle.jobId,
      startedAt: new Date().toISOString(),
    });
    this.append({ op: 'trial_started', trial: trial.id, attempt, pid: handle.pid, pgid: handle.pgid, argv, resumeFrom, gpus, jobId: handle.jobId });
  }

  /** Follows a cluster job that outlived the previous runner; reports already journaled are skipped. */
  private reattach(trial: TrialRecord): void {
    const a = trial.attempts[trial.attempts.length - 1];
    let prepared: ReturnType<SweepRunner['prepare']>;
    try {
      prepared = this.prepare(trial, trial.attempt, a.gpus, false);
    } catch (e) {
      this.onFatal(isKnobsError(e) ? e : new KnobsError('E_SPAWN', `cannot re-attach trial ${trial.id}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    const { spec, events, run } = prepared;
    let last = 0;
    for (const series of Object.values(trial.series)) last = Math.max(last, series[series.length - 1]?.step ?? 0);
    run.skipUntilStep = last;
    run.handle = this.opts.executor.attach!(a.jobId!, spec, events);
    this.running.set(trial.id, run as Running);
    this.notice('info', `re-attached to trial ${trial.id} (job ${a.jobId})`);
  }

  private onLine(run: Running, line: string): void {
    if (this.done || this.fatal) return;
    const report = run.parser.parse(line);
    if (!report || !this.running.has(run.trial.id)) return;
    if (run.skipUntilStep !== undefined) {
      if (report.step <= run.skipUntilStep) return; // replayed output of a re-attached job
      run.skipUntilStep = undefined;
    }
    const values = encodeValues(report.values);
    // the values' text as printed (helper lines) is journaled as is when nothing was re-encoded
    const valuesJson = values === report.values ? run.parser.valuesJson : undefined;
    this.append({ op: 'metric', trial: run.trial.id, attempt: run.trial.attempt, step: report.step, values }, valuesJson);
    const v = report.values[this.spec.metric.name];
    if (v !== undefined && !run.stopAs) {
      this.decide(run, this.scheduler.onReport(run.trial.id, report.step, normalise(v, this.spec.metric.goal), run.trial.attempt));
      this.judgeRunning();
    }
  }

  private decide(run: Running, decision: Decision): void {
    if (decision.action !== 'stop') return;
    run.stopAs = decision.budget ? { status: 'stopped', reason: decision.reason, by: 'budget' } : { status: 'pruned', reason: decision.reason, by: 'pruned' };
    run.handle.stop(decision.reason, { graceMs: this.opts.graceMs });
  }

  /** A scheduler with `evaluate` judges every running trial on each change (W&B's controller pass). */
  private judgeRunning(): void {
    if (!this.scheduler.evaluate) return;
    for (const run of this.running.values()) {
      if (!run.stopAs) this.decide(run, this.scheduler.evaluate(run.trial.id, run.trial.attempt));
    }
  }

  private onExit(run: Running, info: ExitInfo): void {
    const { trial } = run;
    this.running.delete(trial.id);
    this.allocator?.release(trial.id);
    if (this.done) return;
    const attempt = trial.attempt;
    try {
      if (run.stopAs?.status === 'interrupted') {
        this.append({ op: 'trial_interrupted', trial: trial.id, attempt, reason: run.stopAs.reason });
      } else if (run.stopAs?.by === 'budget') {
        // it used its whole budget (max_t): complete, whatever the exit after our SIGTERM
        this.append({ op: 'trial_completed', trial: trial.id, attempt, exitCode: 0 });
        this.streak(undefined);
      } else if (run.stopAs) {
        this.append({ op: 'trial_stopped', trial: trial.id, attempt, reason: run.stopAs.reason, by: run.stopAs.by });
        this.streak(undefined);
      } else if (info.code === 0 && !info.stoppedBy) {
        this.append({ op: 'trial_completed', trial: trial.id, attempt, exitCode: 0 });
        this.streak(undefined);
      } else {
        const kind = classifyFailure(info);
        const willRetry = kind === 'crash' && attempt <= this.spec.maxFailures && !this.stopping && !this.interrupting;
        const tail = info.spawnError ? `${info.spawnError}\n${info.stderrTail}`.trim() : info.stderrTail;
        this.append({ op: 'trial_failed', trial: trial.id, attempt, kind, exitCode: info.code, signal: info.signal, stderrTail: tail, willRetry });
        if (willRetry) this.rerunQueue.push(trial.id);
        this.streak(kind, trial, info);
      }
      if (isFinal(trial.status)) {
        this.scheduler.onComplete(trial.id, this.normalised(trial.value));
        this.pruneCheckpoints();
      }
      this.judgeRunning();
    } catch (e) {
      if (!isKnobsError(e)) throw e;
      // journal failure: already routed to onFatal
    }
    this.pump();
  }

  /** Tracks failures of one kind in a row; pauses launching at max_consecutive_failures. */
  private streak(kind: FailureKind | undefined, trial?: TrialRecord, info?: ExitInfo): void {
    if (!kind) {
      this.failureStreak = undefined;
      return;
    }
    this.failureStreak = this.failureStreak?.kind === kind ? { kind, count: this.failureStreak.count + 1 } : { kind, count: 1 };
    if (this.failureStreak.count >= this.spec.maxConsecutiveFailures && !this.state.paused) {
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
      this.append({ op: 'launch_paused', reason, kind });
    }
  }

  /**
   * keep_checkpoints: N — keeps the checkpoint folders of the best N finished trials and deletes
   * those of pruned, failed and worse ones, so a long sweep does not fill the disk. Trials that
   * may still run (pending, interrupted, retrying) keep theirs.
   */
  private pruneCheckpoints(): void {
    const keep = this.spec.keepCheckpoints;
    if (keep === undefined) return;
    const goal = this.spec.metric.goal;
    const ranked = this.state.trials
      .filter((t) => (t.status === 'completed' || t.status === 'stopped') && t.value !== undefined && !Number.isNaN(t.value))
      .sort((a, b) => normalise(a.value!, goal) - normalise(b.value!, goal));
    const kept = new Set(ranked.slice(0, keep).map((t) => t.id));
    const victims = this.state.trials.filter((t) => isFinal(t.status) && !kept.has(t.id) && !t.checkpointsDeleted);
    const deleted: number[] = [];
    let bytes = 0;
    for (const t of victims) {
      const dir = path.join(trialDir(this.paths.dir, t.id), 'checkpoints');
      const size = folderBytes(dir);
      if (size === 0) continue;
      try {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
        deleted.push(t.id);
        bytes += size;
      } catch {
        /* try again after the next trial */
      }
    }
    if (deleted.length) this.append({ op: 'checkpoints_deleted', trials: deleted, bytes, reason: `keep_checkpoints: ${keep}` });
  }

  /** Runs `evaluate:` on the best trial, journals it, then finishes the sweep. */
  private evaluate(best: TrialRecord, reason: string): void {
    const run = runEvaluation({
      spec: this.spec,
      sweepDir: this.paths.dir,
      trial: best,
      interpreter: this.interpreter,
      cwd: this.cwd,
      env: this.opts.env ?? process.env,
      wandbShim: this.opts.wandbShim || this.spec.wandbShim,
      graceMs: this.opts.graceMs,
      by: 'sweep_finished',
      append: (op) => {
        this.append(op);
      },
    });
    this.evaluating = run;
    this.opts.onNotice?.(`evaluate: running on the best trial ${best.id}`);
    run.done.then(
      () => {
        this.evaluating = undefined;
        this.finishSweep(reason);
      },
      (e: unknown) => {
        this.evaluating = undefined;
        this.notice('error', `evaluate failed: ${(e as Error)?.message ?? String(e)}`);
        this.finishSweep(reason);
      },
    );
  }

  // ---- control ----------------------------------------------------------------------------

  private pollControl(): void {
    if (this.done) return;
    let cmds: ControlCommand[];
    try {
      cmds = this.control.read();
    } catch {
      return;
    }
    for (const c of cmds) this.handleControl(c);
  }

  handleControl(c: ControlCommand): void {
    if (this.state.handledCmds.has(c.id) || this.done) return;
    if (c.cmd === 'resume_launching') {
      if (this.state.paused) this.append({ op: 'launch_resumed' });
      this.failureStreak = undefined;
      this.pump();
      return;
    }
    if (c.trial === undefined) {
      this.append({ op: 'stop_requested', cmd: c.id });
      this.requestStop('stopped by user', 'stopped');
      return;
    }
    const t = this.state.byId.get(c.trial);
    if (!t) return;
    this.append({ op: 'stop_requested', trial: c.trial, cmd: c.id });
    const run = this.running.get(c.trial);
    if (run && !run.stopAs) {
      run.stopAs = { status: 'stopped', reason: 'stopped by user', by: 'user' };
      run.handle.stop('stopped by user', { graceMs: this.opts.graceMs });
    } else if (!run && !isFinal(t.status)) {
      const i = this.rerunQueue.indexOf(t.id);
      if (i >= 0) this.rerunQueue.splice(i, 1);
      this.append({ op: 'trial_stopped', trial: t.id, attempt: t.attempt, reason: 'stopped by user before it ran', by: 'user' });
    }
  }

  private requestStop(message: string, reason: string): void {
    if (this.stopping || this.done) return;
    this.stopping = { reason };
    for (const r of this.running.values()) {
      if (r.stopAs) continue;
      r.stopAs = { status: 'stopped', reason: message, by: 'sweep' };
      r.handle.stop(message, { graceMs: this.opts.graceMs });
    }
    this.pump();
  }

  // ---- journal and shutdown ---------------------------------------------------------------

  /** Appends and applies an op. After a journal failure it does nothing (the runner is stopping). */
  private append(input: OpInput, valuesJson?: string): Op | undefined {
    if (this.fatal) return undefined;
    let op: Op;
    try {
      op = this.journal.append(input, valuesJson);
    } catch (e) {
      if (!isKnobsError(e)) throw e;
      this.onFatal(e);
      return undefined;
    }
    applyOp(this.state, op);
    this.opts.onOp?.(op, this.state, this.journal.lastLine);
    return op;
  }

  private notice(level: 'info' | 'warning' | 'error', message: string): void {
    this.append({ op: 'notice', level, message });
    this.opts.onNotice?.(message);
  }

  private onFatal(e: KnobsError): void {
    if (this.fatal) return;
    this.fatal = e;
    for (const r of this.running.values()) {
      r.stopAs ??= { status: 'interrupted', reason: e.message, by: 'runner' };
      r.handle.stop(e.message, { graceMs: 2000 });
    }
    setImmediate(() => this.finishIfIdle());
  }

  private finishSweep(reason: string): void {
    if (!this.evaluated && this.spec.evaluate?.length && EVALUATE_AFTER.includes(reason) && !this.fatal && !this.interrupting) {
      this.evaluated = true;
      const best = bestTrial(this.state);
      if (best) {
        this.evaluate(best, reason);
        return;
      }
      this.notice('warning', `evaluate: no trial reported ${this.spec.metric.name}, so there is no best trial to evaluate`);
    }
    try {
      this.append({ op: 'sweep_finished', reason });
    } catch {
      /* disk failure: reported below */
    }
    this.end({ kind: 'finished', reason });
  }

  private end(outcome: RunOutcome, error?: KnobsError): void {
    if (this.done) return;
    this.done = true;
    if (!this.fatal) {
      try {
        this.append({ op: 'runner_stopped', reason: outcome.kind === 'finished' ? `finished: ${outcome.reason}` : outcome.reason });
      } catch {
        /* disk failure */
      }
    }
    this.cleanup();
    if (error) this.rejectDone(error);
    else this.resolveDone(outcome);
  }

  private cleanup(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      this.journal?.close();
    } catch {
      /* reported already */
    }
    this.lock?.release();
  }
}

/** Finish reasons after which `evaluate:` runs (a stop, a timeout or an interrupt skip it). */
const EVALUATE_AFTER: readonly string[] = ['run_cap', 'exhausted', 'target'];

export interface RunEvaluationOptions {
  spec: SweepSpec;
  sweepDir: string;
  /** The trial evaluated (the best one, or --trial N). */
  trial: TrialRecord;
  interpreter: string;
  cwd: string;
  /** The base environment, as for trials. */
  env: NodeJS.ProcessEnv;
  wandbShim?: boolean;
  graceMs?: number;
  /** Who asked: "sweep_finished" or "user". */
  by: string;
  /** Journals an op (evaluate_started, evaluate_result). */
  append(op: OpInput): void;
  timeoutMs?: number;
}

export interface EvaluationRun {
  done: Promise<{ metrics: Record<string, number>; exitCode: number | null; error?: string }>;
  /** SIGTERM to its process group, then SIGKILL. */
  stop(reason: string): void;
}

/**
 * Runs the sweep file's `evaluate:` command once on a trial: argv from buildEvaluateArgv (the
 * trial's config, ${best_trial_dir}, ${checkpoint}), the trial's environment (KNOBS_* of that
 * trial) plus KNOBS_EVALUATE=1, a LocalExecutor; output in the trial folder
 * (evaluate.stdout.log, evaluate.stderr.log). Every reported metric is kept (last value per name,
 * renamed by testMetricName) and journaled in evaluate_result, apart from validation metrics.
 */
export function runEvaluation(o: RunEvaluationOptions): EvaluationRun {
  const spec = o.spec;
  if (!spec.evaluate?.length) {
    throw new KnobsError('E_USAGE', `the sweep file${spec.file ? ` ${spec.file}` : ''} has no \`evaluate:\` command`, {
      hint: 'add e.g. `evaluate: [${env}, ${interpreter}, ${program}, ${args}, --evaluate, ${checkpoint}]` to the sweep file',
      location: spec.file ? { file: spec.file } : undefined,
    });
  }
  const dir = trialDir(o.sweepDir, o.trial.id);
  const checkpoints = path.join(dir, 'checkpoints');
  fs.mkdirSync(checkpoints, { recursive: true });
  const config = toConfig(spec.space, o.trial.params);
  const argsJsonFile = path.join(dir, 'evaluate-params.json');
  fs.writeFileSync(argsJsonFile, formatArgsJsonFile(config));
  const argv = buildEvaluateArgv({
    evaluate: spec.evaluate,
    program: spec.program,
    interpreter: o.interpreter,
    space: spec.space,
    flat: o.trial.params,
    config,
    argsJsonFile,
    env: o.env,
    sweepFile: spec.file,
    bestTrialDir: dir,
    checkpointDir: checkpoints,
  });
  const env = trialEnv({
    base: o.env,
    trialId: o.trial.id,
    attempt: Math.max(1, o.trial.attempt),
    sweepDir: o.sweepDir,
    trialDir: dir,
    checkpointDir: checkpoints,
    config,
    wandbShim: !!o.wandbShim,
  });
  env.KNOBS_EVALUATE = '1';
  const parser = new ReportParser({ metricName: spec.metric.name, metrics: spec.metrics, metricRegex: spec.metricRegex });
  const metrics: Record<string, number> = {};
  const executor = new LocalExecutor({ graceMs: o.graceMs });
  let stoppedWhy: string | undefined;
  let handle: TrialHandle | undefined;
  const done = new Promise<{ metrics: Record<string, number>; exitCode: number | null; error?: string }>((resolve) => {
    handle = executor.start(
      {
        trialId: o.trial.id,
        attempt: Math.max(1, o.trial.attempt),
        argv,
        cwd: o.cwd,
        env,
        stdoutPath: path.join(dir, 'evaluate.stdout.log'),
        stderrPath: path.join(dir, 'evaluate.stderr.log'),
        timeoutMs: o.timeoutMs ?? spec.trialTimeoutMs,
      },
      {
        onLine(stream, line) {
          if (stream !== 'stdout') return;
          const r = parser.parse(line);
          if (r) for (const [k, v] of Object.entries(r.values)) metrics[testMetricName(k)] = v;
        },
        onExit(info) {
          let error: string | undefined;
          const tail = lastLine(info.spawnError ?? info.stderrTail);
          if (info.spawnError) error = `could not start \`${argv[0]}\`: ${info.spawnError}`;
          else if (stoppedWhy || info.stoppedBy) error = `stopped: ${stoppedWhy ?? info.stoppedBy!.reason}`;
          else if (info.code !== 0) error = `${info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`}${tail ? `: ${tail}` : ''}`;
          else if (Object.keys(metrics).length === 0) error = 'it exited 0 but reported no metrics (report e.g. test_loss and test_acc with knobs.report)';
          const encoded: Record<string, ReturnType<typeof encodeNumber>> = {};
          for (const [k, v] of Object.entries(metrics)) encoded[k] = encodeNumber(v);
          o.append({ op: 'evaluate_result', trial: o.trial.id, metrics: encoded, exitCode: info.code, signal: info.signal, error });
          resolve({ metrics, exitCode: info.code, error });
        },
      },
    );
  });
  o.append({ op: 'evaluate_started', trial: o.trial.id, argv, pid: handle!.pid, by: o.by });
  return {
    done,
    stop(reason: string) {
      if (stoppedWhy) return;
      stoppedWhy = reason;
      handle?.stop(reason, { graceMs: Math.min(o.graceMs ?? 10_000, 5_000) });
    },
  };
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

function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else {
      try {
        total += fs.lstatSync(p).size || 1;
      } catch {
        /* vanished */
      }
    }
  }
  return total;
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
  fs.writeFile(file, JSON.stringify(value, null, 2) + '\n', () => {
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


