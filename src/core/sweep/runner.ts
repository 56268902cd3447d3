/**
 * The sweep runner: the ask/tell loop that joins sampler + scheduler + executor + journal. It alone
 * writes the journal (its collaborators journal through it). Life cycle:
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
 *
 * This file owns the loop: start-up and shut-down, the slots, what runs next, and when to
 * finish. It never spawns or signals a process itself; one concept per module does the rest:
 *   suggestions.ts             new configs: points_to_evaluate, then the sampler
 *   trialLifecycle.ts          a trial from launch to journaled end: retries, failure streaks, recovery
 *   earlyTermination.ts        the early_terminate scheduler: journal replay on resume, reports, stops
 *   checkpointRetention.ts     keep_checkpoints
 *   evaluate.ts                the `evaluate:` command on the best trial
 *   control.ts                 commands from control.jsonl
 *   ../runner/gpuPlacement.ts  which GPUs each trial gets
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isKnobsError, KnobsError } from '../errors';
import { formatDuration } from '../format/duration';
import type { Op, OpInput } from '../journal/ops';
import { readJournal } from '../journal/reader';
import { applyOp, bestTrial, createState, type SweepState, type TrialRecord } from '../journal/reducer';
import { JournalWriter } from '../journal/writer';
import type { Executor } from '../runner/executor';
import { GpuPlacement } from '../runner/gpuPlacement';
import { resolveInterpreter } from '../runner/interpreter';
import { createSampler } from '../samplers/registry';
import { createScheduler } from '../schedulers/registry';
import type { Scheduler } from '../schedulers/scheduler';
import type { SweepSpec } from '../space/types';
import { applyControl, type ControlCommand, ControlReader, type ControlTarget, pollControl } from './control';
import { EarlyTermination } from './earlyTermination';
import { EVALUATE_AFTER, type EvaluationRun, runEvaluation } from './evaluate';
import { acquireLock, HEARTBEAT_MS, type RunnerLock } from './lock';
import { type SweepPaths, sweepPaths } from './paths';
import { Suggestions, type TrialAsked } from './suggestions';
import { type TrialHost, TrialLifecycle } from './trialLifecycle';
import { journalWorkdir } from './workdir';

/** `knobs evaluate` runs the same evaluation outside a sweep. */

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

export class SweepRunner {
  readonly paths: SweepPaths;
  readonly state: SweepState = createState();
  private journal!: JournalWriter;
  private lock!: RunnerLock;
  private suggestions!: Suggestions;
  private readonly spec: SweepSpec;
  private readonly decisions: EarlyTermination;
  private readonly trials: TrialLifecycle;
  private readonly controlTarget: ControlTarget;
  private gpus: GpuPlacement | undefined;
  private stopping: { reason: string } | undefined;
  private interrupting: { reason: string } | undefined;
  private timers: NodeJS.Timeout[] = [];
  private control!: ControlReader;
  private resolveDone!: (o: RunOutcome) => void;
  private rejectDone!: (e: unknown) => void;
  private done = false;
  private fatal: KnobsError | undefined;
  private cwd = '';
  private interpreter = '';
  /** The `evaluate:` run after the sweep, while it runs. */
  private evaluating: EvaluationRun | undefined;
  private evaluated = false;

  constructor(private readonly opts: RunnerOptions) {
    this.paths = sweepPaths(opts.sweepDir);
    this.spec = opts.spec;
    const scheduler = opts.scheduler ?? createScheduler(opts.spec.earlyTerminate, { goal: opts.spec.metric.goal });
    this.decisions = new EarlyTermination(scheduler, { metric: opts.spec.metric.name, goal: opts.spec.metric.goal, graceMs: opts.graceMs });
    this.trials = new TrialLifecycle(this.trialHost(), opts, this.decisions);
    this.controlTarget = this.makeControlTarget();
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
    this.trials.interruptAll(reason, Math.min(this.opts.graceMs ?? 10_000, 5_000));
    this.evaluating?.stop(reason);
    this.pump();
  }

  /** Applies a control command (see control.ts) as if read from control.jsonl. */
  handleControl(c: ControlCommand): void {
    applyControl(c, this.controlTarget);
  }

  // ---- start-up -------------------------------------------------------------------------

  private start(): void {
    this.lock = acquireLock(this.paths.lock, this.paths.id);
    const { ops, bad } = fs.existsSync(this.paths.journal) ? readJournal(this.paths.journal) : { ops: [], bad: [] };
    for (const op of ops) applyOp(this.state, op);
    const created = this.state.created;
    if (!created) {
      throw new KnobsError('E_JOURNAL', `${this.paths.journal} has no sweep_created op`, {
        hint: 'start a new sweep with `knobs run sweep.yaml`',
      });
    }
    this.cwd = this.opts.cwd ?? journalWorkdir(created).dir;
    this.journal = JournalWriter.open(this.paths.journal, { workerId: `runner-${process.pid}`, io: this.opts.journalIo });
    this.journal.onError = (e) => this.onFatal(e);
    this.control = new ControlReader(this.paths.control);

    const resumed = this.state.trials.length > 0 || this.state.runner !== undefined;
    this.append({ op: 'runner_started', pid: process.pid, host: os.hostname(), resumed });
    if (bad.length) this.notice('warning', `skipped ${bad.length} corrupt journal line(s): ${bad.slice(0, 5).join(', ')}`);

    const { sampler, notice } = createSampler(this.spec.method, { seed: created.seed, space: this.spec.space, runCap: this.spec.runCap });
    this.suggestions = new Suggestions(sampler, { spec: this.spec, state: this.state, seed: created.seed });
    if (notice) this.notice('info', notice);
    this.interpreter = resolveInterpreter({
      program: this.spec.program,
      override: this.opts.interpreter ?? this.spec.interpreter,
      env: this.opts.env ?? process.env,
    });

    try {
      this.setUpGpus();
    } catch (e) {
      this.append({ op: 'runner_stopped', reason: (e as Error).message });
      throw e;
    }
    this.recover(ops);
    if (this.state.paused) this.append({ op: 'launch_resumed' }); // resuming is the user's choice to continue

    this.timers.push(setInterval(() => this.lock.beat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => pollControl(this.control, this.controlTarget), this.opts.pollMs ?? 250));
    if (this.spec.sweepTimeoutMs) {
      const elapsed = Date.now() - created.t;
      const left = Math.max(0, this.spec.sweepTimeoutMs - elapsed);
      this.timers.push(
        setTimeout(() => this.requestStop(`sweep_timeout of ${formatDuration(this.spec.sweepTimeoutMs!)} reached`, 'sweep_timeout'), left),
      );
    }
    this.pump();
  }

  /** Detects GPUs when the sweep asks for them; without any, trials run on CPU (said once). */
  private setUpGpus(): void {
    if (!(this.spec.gpusPerTrial > 0)) return;
    if (this.opts.executor.attach) return; // a cluster executor places GPUs itself (e.g. Slurm gres)
    const { gpusPerTrial, gpuMemoryPerTrialMiB, gpus } = this.spec;
    const found = GpuPlacement.detect({
      gpusPerTrial,
      memoryPerTrialMiB: gpuMemoryPerTrialMiB,
      restrict: gpus,
      env: this.opts.env ?? process.env,
    });
    this.notice(found.notice.level, found.notice.message);
    this.gpus = found.placement;
    if (this.gpus) this.timers.push(setInterval(() => this.sampleGpus(), this.opts.gpuSampleMs ?? 5000));
  }

  private sampleGpus(): void {
    if (!this.gpus || this.done || this.trials.count === 0) return;
    const gpus = this.gpus.sample();
    if (!gpus) return;
    try {
      this.append({ op: 'gpu_status', gpus });
    } catch {
      /* journal failure is handled by onFatal */
    }
  }

  /** Rebuilds in-memory state from the journal after a crash or a clean interrupt. */
  private recover(ops: readonly Op[]): void {
    this.decisions.replay(ops);
    this.suggestions.resume();
    this.trials.recover();
  }

  // ---- the loop ---------------------------------------------------------------------------

  private pump(): void {
    if (this.done) return;
    if (this.fatal) return this.finishIfIdle();
    if (this.interrupting) return this.finishIfIdle();
    if (!this.stopping && !this.state.paused) {
      const limit = this.gpus ? this.gpus.slots(this.spec.maxConcurrent) : this.spec.maxConcurrent;
      while (this.trials.count < limit) {
        let gpus: number[] | undefined;
        if (this.gpus) {
          const placed = this.gpus.reserve();
          if (!placed) break; // nothing fits now; a release will pump again
          gpus = placed;
        }
        const trial = this.nextTrial();
        if (!trial) {
          this.gpus?.unreserve();
          break;
        }
        this.gpus?.assign(trial.id);
        this.trials.launch(trial, gpus);
        if (this.done || this.fatal) return;
      }
    }
    this.finishIfIdle();
  }

  private finishIfIdle(): void {
    if (this.trials.count > 0 || this.done || this.evaluating) return;
    if (this.fatal) return this.end({ kind: 'interrupted', reason: this.fatal.message }, this.fatal);
    if (this.interrupting) return this.end({ kind: 'interrupted', reason: this.interrupting.reason });
    if (this.stopping) return this.finishSweep(this.stopping.reason);
    if (this.state.paused) return this.end({ kind: 'paused', reason: this.state.paused.reason });
    const reason = this.doneReason();
    if (reason) this.finishSweep(reason);
  }

  /** Why no more trials will be launched, or undefined while some will. */
  private doneReason(): string | undefined {
    if (this.trials.hasReruns) return undefined;
    if (this.targetReached()) return 'target';
    if (this.spec.runCap !== undefined && this.state.trials.length >= this.spec.runCap) return 'run_cap';
    if (this.suggestions.exhausted) return 'exhausted';
    return undefined;
  }

  private targetReached(): boolean {
    const target = this.spec.metric.target;
    if (target === undefined) return false;
    const goal = this.spec.metric.goal;
    return this.state.trials.some((t) => t.value !== undefined && (goal === 'maximize' ? t.value >= target : t.value <= target));
  }

  private nextTrial(): TrialRecord | undefined {
    const rerun = this.trials.nextRerun();
    if (rerun) return rerun;
    if (this.targetReached() || this.suggestions.exhausted) return undefined;
    if (this.spec.runCap !== undefined && this.state.trials.length >= this.spec.runCap) return undefined;
    return this.ask();
  }

  /** Asks for a new config (suggestions.ts) and journals it as trial_asked. */
  private ask(): TrialRecord | undefined {
    let asked: TrialAsked | undefined;
    try {
      asked = this.suggestions.next();
    } catch (e) {
      if (isKnobsError(e)) {
        this.onFatal(e);
        return undefined;
      }
      throw e;
    }
    if (!asked) return undefined;
    this.append(asked);
    return this.state.byId.get(asked.trial);
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

  private requestStop(message: string, reason: string): void {
    if (this.stopping || this.done) return;
    this.stopping = { reason };
    this.trials.stopAll(message);
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
    this.trials.abortAll(e.message);
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

  // ---- what the collaborators see of the run ----------------------------------------------

  private trialHost(): TrialHost {
    const runner = this;
    return {
      spec: this.spec,
      paths: this.paths,
      state: this.state,
      get cwd() {
        return runner.cwd;
      },
      get interpreter() {
        return runner.interpreter;
      },
      get gpus() {
        return runner.gpus;
      },
      get done() {
        return runner.done;
      },
      get failed() {
        return runner.fatal !== undefined;
      },
      get windingDown() {
        return runner.stopping !== undefined || runner.interrupting !== undefined;
      },
      append: (input, valuesJson) => this.append(input, valuesJson),
      notice: (level, message) => this.notice(level, message),
      onFatal: (e) => this.onFatal(e),
      pump: () => this.pump(),
    };
  }

  private makeControlTarget(): ControlTarget {
    const runner = this;
    return {
      state: this.state,
      get done() {
        return runner.done;
      },
      append: (input) => {
        this.append(input);
      },
      resumeLaunching: () => {
        this.trials.resetFailureStreak();
        this.pump();
      },
      stopSweep: () => this.requestStop('stopped by user', 'stopped'),
      stopTrial: (t) => this.trials.stopByUser(t),
    };
  }
}
