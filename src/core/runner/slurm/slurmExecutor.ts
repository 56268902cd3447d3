/**
 * Runs each trial as a Slurm batch job (sbatch, squeue, scancel, sacct, scontrol: no agents).
 *
 * - start(): writes `<trial folder>/job.sh` (see script.ts: it exports the KNOBS_* env
 *   itself, properly quoted, runs the argv under srun and writes `exit_code`), then
 *   `sbatch --parsable` with --output/--error = the trial's stdout/stderr files (appended),
 *   --chdir, the executor block's partition/time/account/qos/extra_args and the GPU gres.
 *   The submission is synchronous, so the handle carries its `jobId` when start() returns;
 *   `job.json` beside the script records the job id and where this attempt's output starts.
 *   The trial folder is the stdout file's folder; when launches share a folder (tests), the
 *   files are prefixed with the stdout file's stem (`t3.exit_code`).
 * - Output: the stdout/stderr files are tailed (polled) and split into lines → events.onLine.
 * - State: one `squeue --me -h -t all -o '%i|%T|%r'` per poll for all jobs of the executor.
 *   PENDING jobs report Slurm's reason through the optional events.onPending(reason) and
 *   handle.status(); leaving PENDING calls onPending(null). The final state comes from the
 *   exit-code file, then `sacct -c` (jobcomp/filetxt; plain sacct where accounting runs), then
 *   `scontrol show job`.
 * - stop(): `scancel --signal=TERM` (reaches the srun step), then `scancel` after the grace
 *   period (Slurm then sends TERM and, after KillWait, KILL). A pending job is cancelled at once.
 * - pid/pgid are −1 (they mean nothing on a cluster); `jobId` identifies the trial.
 * - attach(jobId, spec, events): watches a job submitted by an earlier runner (resume after a
 *   crash) and delivers this attempt's lines from its start (recorded in job.json) and its exit;
 *   nothing is resubmitted.
 * - dispose() cancels every job still watched; detach() stops watching without cancelling.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../errors';
import { fileSize } from '../../fileSize';
import { formatDuration } from '../../format/duration';
import type { ExecutorSpec } from '../../space/types';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents, TrialHandle } from '../executor';
import { LineSplitter } from '../lineSplitter';
import { DEFAULT_GRACE_MS } from '../localExecutor';
import { batchScript, envDelta } from './script';
import {
  FINAL_STATES,
  type FinalRecord,
  gresFor,
  parseSacct,
  parseScontrol,
  parseSqueue,
  type QueueEntry,
  sbatchOptions,
  signalName,
  slurmError,
} from './slurmText';

const STDERR_TAIL_BYTES = 4096;
const READ_CHUNK = 1 << 20;
/** What srun/slurmstepd print when a step ends or is cancelled (kept in the log, left out of stderrTail). */
const SRUN_NOISE =
  /^(srun: error: \S+: tasks? [\d,-]+: (Exited with exit code \d+|Terminated|Killed)|srun: (Force Terminated|forcing job termination|Job step aborted|got SIGCONT|launch\/slurm: _step_signal|Complete StepId)|slurmstepd(-\S+)?: error: \*\*\* (STEP|JOB) [\d.]+ ON \S+ CANCELLED AT )/;

export interface SlurmExecutorOptions {
  /** gpus_per_trial of the sweep (→ --gres=gpu:N, or shard:k for a fraction). */
  gpusPerTrial?: number;
  /** Environment of the Slurm commands, and the submitting environment of the jobs (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How often squeue is asked (ms, default 2000). */
  pollMs?: number;
  /** How often the output files are read (ms, default 250). */
  tailMs?: number;
  /** Default TERM → scancel grace (ms, default 10 000). */
  graceMs?: number;
  /** Time limit of one Slurm command (ms, default 60 000). */
  commandTimeoutMs?: number;
  /** Warnings while running (squeue failing, then answering again). */
  onNotice?: (message: string) => void;
}

export interface SlurmJobStatus {
  jobId: string | undefined;
  /** squeue's state (PENDING, RUNNING, COMPLETING…), "SUBMITTING", or the final one. */
  state: string;
  /** Why a PENDING job waits (Resources, Priority, QOSMaxJobsPerUserLimit…). */
  reason?: string;
}

export interface SlurmTrialHandle extends TrialHandle {
  readonly jobId: string | undefined;
  /** The submission failure, if sbatch refused the job. */
  readonly error: KnobsError | undefined;
  status(): SlurmJobStatus;
}

/** What job.json holds: the job of the trial folder's latest submission. */
export interface SlurmJobRecord {
  jobId: string;
  trialId: number;
  attempt: number;
  /** Sizes of the output files at submission: this attempt's output starts there. */
  stdoutOffset: number;
  stderrOffset: number;
  submittedAt: string;
  script: string;
}

interface TrialFiles {
  script: string;
  record: string;
  exitCode: string;
  spawnError: string;
}

/** The files of a launch, beside its stdout file. */
export function slurmTrialFiles(spec: Pick<LaunchSpec, 'stdoutPath'>): TrialFiles {
  const dir = path.dirname(spec.stdoutPath);
  const base = path.basename(spec.stdoutPath);
  const prefix = base === 'stdout.log' ? '' : `${base.replace(/\.[^.]*$/, '').replace(/\.out$/, '')}.`;
  return {
    script: path.join(dir, `${prefix}job.sh`),
    record: path.join(dir, `${prefix}job.json`),
    exitCode: path.join(dir, `${prefix}exit_code`),
    spawnError: path.join(dir, `${prefix}spawn_error`),
  };
}

/** The job recorded for a launch's folder (job.json), if any: lets a runner find a job it submitted but did not journal. */
export function readSlurmJobRecord(spec: Pick<LaunchSpec, 'stdoutPath'>): SlurmJobRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(slurmTrialFiles(spec).record, 'utf8')) as SlurmJobRecord;
    return typeof r.jobId === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** `%` is a filename pattern for sbatch (%j, %x…); `%%` is a literal `%`. */
function slurmPath(p: string): string {
  return p.replace(/%/g, '%%');
}

interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
  errno?: string;
}

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  private readonly live = new Set<SlurmTrial>();
  private readonly env: NodeJS.ProcessEnv;
  private queueTimer: NodeJS.Timeout | undefined;
  private tailTimer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Incremented when a poll starts: a job submitted later may be missing from its answer. */
  private pollSeq = 0;
  private queueFailures = 0;
  private siteGresCache: string[] | undefined;
  private disposed = false;

  constructor(
    readonly spec: ExecutorSpec,
    readonly opts: SlurmExecutorOptions = {},
  ) {
    this.env = opts.env ?? process.env;
  }

  get graceMs(): number {
    return this.opts.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** Jobs being watched. */
  get running(): number {
    return this.live.size;
  }

  // ---- commands -----------------------------------------------------------------------------

  runSync(cmd: string, args: string[], timeoutMs = this.opts.commandTimeoutMs ?? 60_000): CmdResult {
    const r = spawnSync(cmd, args, { env: this.env, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    const errno = (r.error as NodeJS.ErrnoException | undefined)?.code;
    return {
      code: r.status,
      stdout: r.stdout ?? '',
      stderr: (r.stderr ?? '') + (r.error && errno !== 'ENOENT' ? `${r.error.message}\n` : ''),
      errno,
    };
  }

  run(cmd: string, args: string[], timeoutMs = this.opts.commandTimeoutMs ?? 60_000): Promise<CmdResult> {
    return new Promise((resolve) => {
      execFile(cmd, args, { env: this.env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
        const errno = e && typeof e.code === 'string' ? e.code : undefined;
        const code = e ? (typeof e.code === 'number' ? e.code : null) : 0;
        resolve({ code, stdout: stdout ?? '', stderr: (stderr ?? '') + (e && errno && errno !== 'ENOENT' ? `${e.message}\n` : ''), errno });
      });
    });
  }

  /** The Gres strings of the partition's nodes (for fractional GPUs), asked once. */
  private siteGres(): string[] {
    if (this.siteGresCache) return this.siteGresCache;
    const part = typeof this.spec.partition === 'string' ? ['-p', this.spec.partition] : [];
    const r = this.runSync('sinfo', ['-h', ...part, '-o', '%G']);
    if (r.code !== 0) throw slurmError('reading the GPU resources of the partition', 'sinfo', r, this.spec);
    this.siteGresCache = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return this.siteGresCache;
  }

  /** The gres a trial asks for (throws a KnobsError for a fraction the site cannot share). */
  gres(): string | undefined {
    return gresFor({
      gres: typeof this.spec.gres === 'string' ? this.spec.gres : undefined,
      gpusPerTrial: this.opts.gpusPerTrial ?? 0,
      siteGres: () => this.siteGres(),
    });
  }

  /** sbatch options of every trial (without the per-trial files). */
  sbatchArgs(): string[] {
    return sbatchOptions(this.spec, this.gres());
  }

  /**
   * Checks, before the first trial, that sbatch exists, the controller answers and Slurm
   * accepts the executor block (partition, gres, account, qos, time) via `sbatch --test-only`.
   * Throws a KnobsError that quotes Slurm and says how to fix it.
   */
  async check(): Promise<void> {
    const args = this.sbatchArgs();
    const r = await this.run('sbatch', ['--test-only', ...args, '--wrap=true']);
    if (r.code !== 0 || r.errno) throw slurmError('checking the Slurm executor settings', 'sbatch', r, this.spec);
  }

  // ---- trials -------------------------------------------------------------------------------

  start(spec: LaunchSpec, events: TrialEvents): SlurmTrialHandle {
    const trial = new SlurmTrial(this, spec, events);
    trial.submit();
    return trial;
  }

  /**
   * Watches job `jobId`, submitted for this launch by an earlier executor (resume): its lines
   * from this attempt's start (job.json; the file's start when missing) and its exit. Nothing is
   * submitted. A job that already ended delivers its output and final state at once.
   */
  findSubmitted(spec: LaunchSpec): string | undefined {
    const rec = readSlurmJobRecord(spec);
    return rec && rec.attempt === spec.attempt ? rec.jobId : undefined;
  }

  attach(jobId: string, spec: LaunchSpec, events: TrialEvents): SlurmTrialHandle {
    if (!/^\d+(_\d+)?$/.test(jobId))
      throw new KnobsError('E_USAGE', `"${jobId}" is not a Slurm job id`, { hint: 'pass the jobId recorded in the journal' });
    const trial = new SlurmTrial(this, spec, events);
    const rec = readSlurmJobRecord(spec);
    const same = rec?.jobId === jobId;
    trial.adopt(jobId, same ? rec!.stdoutOffset : 0, same ? rec!.stderrOffset : 0);
    return trial;
  }

  /** @internal */
  watch(t: SlurmTrial): void {
    if (this.disposed) return;
    this.live.add(t);
    this.tailTimer ??= setInterval(() => this.tailAll(), this.opts.tailMs ?? 250);
    this.queueTimer ??= setInterval(() => void this.pollQueue(), this.opts.pollMs ?? 2000);
    this.tailTimer.unref?.();
    // a first look soon after submission, so pending reasons show early
    setTimeout(() => void this.pollQueue(), Math.min(500, this.opts.pollMs ?? 2000)).unref?.();
  }

  /** @internal */
  unwatch(t: SlurmTrial): void {
    this.live.delete(t);
    if (this.live.size === 0) this.stopTimers();
  }

  /** @internal */
  get seq(): number {
    return this.pollSeq;
  }

  private stopTimers(): void {
    if (this.queueTimer) clearInterval(this.queueTimer);
    if (this.tailTimer) clearInterval(this.tailTimer);
    this.queueTimer = undefined;
    this.tailTimer = undefined;
  }

  private tailAll(): void {
    for (const t of this.live) t.tail();
  }

  /** One squeue for all watched jobs. */
  async pollQueue(): Promise<void> {
    if (this.polling || this.live.size === 0) return;
    this.polling = true;
    const seq = ++this.pollSeq;
    try {
      const r = await this.run('squeue', ['--me', '-h', '-t', 'all', '-o', '%i|%T|%r']);
      if (r.code !== 0 || r.errno) {
        this.queueFailures++;
        if (this.queueFailures === 3)
          this.opts.onNotice?.(`squeue keeps failing; trial states are not updated: ${(r.stderr || r.errno || '').trim()}`);
        return;
      }
      if (this.queueFailures >= 3) this.opts.onNotice?.('squeue answers again');
      this.queueFailures = 0;
      const jobs = parseSqueue(r.stdout);
      for (const t of [...this.live]) t.onQueue(jobs, seq);
    } finally {
      this.polling = false;
    }
  }

  /** Stops watching without cancelling anything (the jobs keep running; attach() finds them again). */
  detach(): void {
    for (const t of this.live) t.detach();
    this.live.clear();
    this.stopTimers();
  }

  /** Cancels every job still watched and stops watching. */
  dispose(): void {
    const ids = [...this.live].map((t) => t.jobId).filter((x): x is string => !!x);
    if (ids.length) this.runSync('scancel', ids, 15_000);
    for (const t of this.live) t.detach();
    this.live.clear();
    this.stopTimers();
    this.disposed = true;
  }
}

class SlurmTrial implements SlurmTrialHandle {
  readonly trialId: number;
  readonly attempt: number;
  readonly pid = -1;
  readonly pgid = -1;
  jobId: string | undefined;
  error: KnobsError | undefined;
  private readonly files: TrialFiles;
  private state = 'SUBMITTING';
  private reason: string | undefined;
  private pendingShown: string | null = null;
  private sawRunning = false;
  private submittedSeq = 0;
  private misses = 0;
  private stoppedBy: ExitInfo['stoppedBy'];
  private hardCancelled = false;
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private finishing = false;
  private finished = false;
  private detached = false;
  private stderrTail = '';
  private readonly out: { path: string; offset: number; splitter: LineSplitter; stream: 'stdout' | 'stderr' };
  private readonly err: { path: string; offset: number; splitter: LineSplitter; stream: 'stdout' | 'stderr' };
  private missingExitFilePolls = 0;

  constructor(
    private readonly ex: SlurmExecutor,
    private readonly spec: LaunchSpec,
    private readonly events: TrialEvents,
  ) {
    this.trialId = spec.trialId;
    this.attempt = spec.attempt;
    this.files = slurmTrialFiles(spec);
    this.out = { path: spec.stdoutPath, offset: 0, splitter: new LineSplitter(), stream: 'stdout' };
    this.err = { path: spec.stderrPath, offset: 0, splitter: new LineSplitter(), stream: 'stderr' };
  }

  status(): SlurmJobStatus {
    return { jobId: this.jobId, state: this.state, reason: this.state === 'PENDING' ? this.reason : undefined };
  }

  /** Writes the batch script and submits it (synchronously: the job id is known on return). */
  submit(): void {
    const s = this.spec;
    let args: string[];
    try {
      args = this.ex.sbatchArgs();
      fs.mkdirSync(path.dirname(this.files.script), { recursive: true });
      for (const f of [this.files.exitCode, this.files.spawnError]) fs.rmSync(f, { force: true });
      // the files exist before the job does, so their sizes mark where this attempt starts
      for (const p of [s.stdoutPath, s.stderrPath]) fs.closeSync(fs.openSync(p, 'a'));
      this.out.offset = fileSize(s.stdoutPath);
      this.err.offset = fileSize(s.stderrPath);
      const script = batchScript({
        trialId: s.trialId,
        attempt: s.attempt,
        argv: s.argv,
        cwd: s.cwd,
        env: envDelta(s.env, this.ex.opts.env ?? process.env),
        exitCodePath: this.files.exitCode,
        spawnErrorPath: this.files.spawnError,
      });
      fs.writeFileSync(this.files.script, script, { mode: 0o700 });
    } catch (e) {
      return this.failSubmit(
        e instanceof KnobsError
          ? e
          : new KnobsError('E_SPAWN', `cannot prepare the Slurm job of trial ${s.trialId}: ${(e as Error).message}`, { cause: e }),
      );
    }
    const sweep = s.env.KNOBS_SWEEP_DIR ? path.basename(s.env.KNOBS_SWEEP_DIR).replace(/[^A-Za-z0-9_.-]/g, '') : '';
    const name = `knobs${sweep ? `-${sweep}` : ''}-t${s.trialId}a${s.attempt}`;
    const r = this.ex.runSync('sbatch', [
      '--parsable',
      `--job-name=${name}`,
      `--output=${slurmPath(s.stdoutPath)}`,
      `--error=${slurmPath(s.stderrPath)}`,
      '--open-mode=append',
      `--chdir=${s.cwd}`,
      ...args,
      this.files.script,
    ]);
    const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
    if (r.code !== 0 || r.errno || !id) {
      return this.failSubmit(slurmError(`submitting trial ${s.trialId}`, 'sbatch', r, this.ex.spec));
    }
    this.jobId = id;
    this.state = 'PENDING';
    const rec: SlurmJobRecord = {
      jobId: id,
      trialId: s.trialId,
      attempt: s.attempt,
      stdoutOffset: this.out.offset,
      stderrOffset: this.err.offset,
      submittedAt: new Date().toISOString(),
      script: this.files.script,
    };
    try {
      fs.writeFileSync(this.files.record, `${JSON.stringify(rec, null, 2)}\n`);
    } catch {
      /* informational: the journal holds the job id */
    }
    this.submittedSeq = this.ex.seq;
    this.ex.watch(this);
  }

  /** attach(): take over a job submitted earlier. */
  adopt(jobId: string, stdoutOffset: number, stderrOffset: number): void {
    this.jobId = jobId;
    this.state = 'UNKNOWN';
    this.out.offset = stdoutOffset;
    this.err.offset = stderrOffset;
    this.submittedSeq = this.ex.seq;
    this.ex.watch(this);
  }

  private failSubmit(e: KnobsError): void {
    this.error = e;
    this.state = 'REFUSED';
    setImmediate(() => this.finish({ code: null, signal: null, spawnError: e.format() }));
  }

  // ---- output -------------------------------------------------------------------------------

  /** Reads what the job appended to its files since the last look. */
  tail(): void {
    if (this.finished || this.detached) return;
    for (const f of [this.out, this.err]) this.readNew(f);
  }

  private readNew(f: { path: string; offset: number; splitter: LineSplitter; stream: 'stdout' | 'stderr' }): void {
    let fd: number;
    try {
      fd = fs.openSync(f.path, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, f.offset);
        if (n <= 0) break;
        f.offset += n;
        const chunk = buf.subarray(0, n);
        for (const line of f.splitter.push(chunk)) this.emitLine(f.stream, line.text);
        if (n < buf.length) break;
      }
    } catch {
      /* a vanished file: try again next time */
    } finally {
      fs.closeSync(fd);
    }
  }

  private emitLine(stream: 'stdout' | 'stderr', line: string): void {
    if (!this.finishing) this.runs();
    // srun's and slurmstepd's own words about the end of the step would hide the trial's last error
    if (stream === 'stderr' && !SRUN_NOISE.test(line)) this.stderrTail = `${this.stderrTail + line}\n`.slice(-STDERR_TAIL_BYTES);
    try {
      this.events.onLine(stream, line);
    } catch {
      /* a consumer bug must not break the tail */
    }
  }

  // ---- state --------------------------------------------------------------------------------

  onQueue(jobs: Map<string, QueueEntry>, seq: number): void {
    if (this.finished || this.finishing || this.detached || !this.jobId) return;
    const e = jobs.get(this.jobId);
    if (!e) {
      // not listed: Slurm forgot it (MinJobAge) — unless this poll started before we submitted
      if (seq <= this.submittedSeq) return;
      if (++this.misses < 2 && this.state !== 'UNKNOWN') return;
      void this.finalize(undefined);
      return;
    }
    this.misses = 0;
    this.state = e.state;
    if (e.state === 'PENDING') {
      this.reason = e.reason;
      if (this.pendingShown !== e.reason) {
        this.pendingShown = e.reason;
        this.callPending(e.reason);
      }
      return;
    }
    if (this.pendingShown !== null) {
      this.pendingShown = null;
      this.callPending(null);
    }
    if (FINAL_STATES.has(e.state)) void this.finalize(e.state);
    else this.runs();
  }

  /**
   * The job runs: squeue says so, or its output shows before squeue does (between two polls).
   * From then on the timeout counts, and a stop sends TERM to the step rather than cancelling
   * a job that never ran.
   */
  private runs(): void {
    if (this.sawRunning) return;
    this.sawRunning = true;
    if (this.spec.timeoutMs && this.spec.timeoutMs > 0 && !this.timeoutTimer) {
      this.timeoutTimer = setTimeout(
        () => this.stopInternal(`timed out after ${formatDuration(this.spec.timeoutMs!)}`, true),
        this.spec.timeoutMs,
      );
    }
  }

  private callPending(reason: string | null): void {
    try {
      this.events.onPending?.(reason);
    } catch {
      /* consumer bug */
    }
  }

  private readExitFile(): number | undefined {
    try {
      const n = Number(fs.readFileSync(this.files.exitCode, 'utf8').trim().split('\n')[0]);
      return Number.isInteger(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /** The job ended (squeue's final state, or Slurm no longer lists it): work out how. */
  private async finalize(queueState: string | undefined): Promise<void> {
    if (this.finishing || this.finished) return;
    const code = this.readExitFile();
    if (code === undefined && (queueState === 'COMPLETED' || queueState === 'FAILED') && this.missingExitFilePolls < 3) {
      // the script wrote its exit code before ending: on a shared filesystem it may show late
      this.missingExitFilePolls++;
      return;
    }
    this.finishing = true;
    const jobId = this.jobId!;
    let spawnError: string | undefined;
    try {
      spawnError = fs.readFileSync(this.files.spawnError, 'utf8').trim() || undefined;
    } catch {
      /* none */
    }
    let rec: FinalRecord | undefined;
    let note = '';
    if (code === undefined) {
      const sacct = await this.ex.run('sacct', ['-c', '-n', '-P', '-j', jobId, '-o', 'jobid,state,exitcode']);
      rec = sacct.code === 0 ? parseSacct(sacct.stdout, jobId) : undefined;
      if (!rec) {
        const plain = await this.ex.run('sacct', ['-n', '-P', '-X', '-j', jobId, '-o', 'jobid,state,exitcode']);
        rec = plain.code === 0 ? parseSacct(plain.stdout, jobId) : undefined;
      }
      if (!rec) {
        const sc = await this.ex.run('scontrol', ['show', 'job', '-o', jobId]);
        rec = sc.code === 0 ? parseScontrol(sc.stdout) : undefined;
      }
      if (!rec && queueState) rec = { state: queueState, exitCode: null, signal: null };
    }
    if (this.detached) return;
    this.tail(); // the last lines
    for (const f of [this.out, this.err]) {
      const rest = f.splitter.flush();
      if (rest) this.emitLine(f.stream, rest.text);
    }
    let exitCode: number | null = null;
    let signal: string | null = null;
    if (code !== undefined) {
      // srun's status: 128+n when the task died of signal n (as a shell reports it)
      if (code > 128 && code < 128 + 65) signal = signalName(code - 128);
      else exitCode = code;
    } else if (rec) {
      const st = rec.state;
      if (st === 'CANCELLED') {
        if (this.stoppedBy) signal = this.hardCancelled ? (this.sawRunning ? 'SIGKILL' : null) : 'SIGTERM';
        else {
          signal = 'SIGTERM';
          note = `Slurm job ${jobId} was cancelled (not by Knobs)`;
        }
      } else if (st === 'TIMEOUT') {
        signal = 'SIGTERM';
        this.stoppedBy ??= {
          reason: `Slurm time limit reached${typeof this.ex.spec.time === 'string' ? ` (executor.time ${this.ex.spec.time})` : ''}`,
          timeout: true,
        };
      } else if (st === 'OUT_OF_MEMORY') {
        signal = 'SIGKILL';
        note = `Slurm job ${jobId} ran out of memory (OUT_OF_MEMORY): ask for more with executor.extra_args, e.g. --mem=16G`;
      } else if (st === 'COMPLETED' || st === 'FAILED') {
        exitCode = rec.exitCode;
        if (rec.signal) signal = signalName(rec.signal);
        if (st === 'FAILED' && exitCode === 0 && !signal) exitCode = 1;
      } else {
        note = `Slurm job ${jobId} ended ${st}${rec.exitCode !== null ? ` (exit ${rec.exitCode}:${rec.signal ?? 0})` : ''}`;
        if (rec.signal) signal = signalName(rec.signal);
        else exitCode = rec.exitCode && rec.exitCode !== 0 ? rec.exitCode : null;
      }
    } else {
      note = `Slurm no longer knows job ${jobId} and it left no exit code in ${this.files.exitCode}`;
    }
    if (note)
      this.stderrTail = `${this.stderrTail}${this.stderrTail && !this.stderrTail.endsWith('\n') ? '\n' : ''}knobs: ${note}\n`.slice(
        -STDERR_TAIL_BYTES,
      );
    this.state = rec?.state ?? (exitCode === 0 ? 'COMPLETED' : 'FAILED');
    this.finish({ code: exitCode, signal, spawnError });
  }

  private finish(info: { code: number | null; signal: string | null; spawnError?: string }): void {
    if (this.finished) return;
    this.finished = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.ex.unwatch(this);
    if (this.pendingShown !== null) {
      this.pendingShown = null;
      this.callPending(null);
    }
    this.events.onExit({
      code: info.code,
      signal: info.signal,
      stoppedBy: this.stoppedBy,
      spawnError: info.spawnError,
      stderrTail: this.stderrTail,
    });
  }

  // ---- stopping -----------------------------------------------------------------------------

  stop(reason: string, opts: { graceMs?: number } = {}): void {
    this.stopInternal(reason, false, opts.graceMs);
  }

  private stopInternal(reason: string, timeout: boolean, graceMs = this.ex.graceMs): void {
    if (this.stoppedBy || this.finished) return;
    this.stoppedBy = { reason, timeout };
    if (!this.jobId || this.detached) return;
    const id = this.jobId;
    if (this.state === 'PENDING' && !this.sawRunning) {
      this.hardCancelled = true;
      void this.ex.run('scancel', [id]);
      return;
    }
    void this.ex.run('scancel', ['--signal=TERM', id]);
    this.killTimer = setTimeout(
      () => {
        if (this.finished || this.detached) return;
        this.hardCancelled = true;
        void this.ex.run('scancel', [id]);
      },
      Math.max(0, graceMs),
    );
  }

  /** Stop watching (detach/dispose): no more events. */
  detach(): void {
    this.detached = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
  }
}
