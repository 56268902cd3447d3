/**
 * The Executor interface: starts trial processes and reports their output and exit.
 * Implementations: localExecutor.ts (real processes), simulatedExecutor.ts (fake clock),
 * slurm/slurmExecutor.ts (Slurm batch jobs).
 * All three pass test/contracts/executor.contract.ts: the local and simulated executors in
 * test/contracts/executors.test.ts, the Slurm executor on a real single-node cluster in
 * test/integration/slurm.test.ts (which also tests what only Slurm does).
 */

export interface LaunchSpec {
  trialId: number;
  attempt: number;
  /** argv[0] is the program; never run through a shell. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout/stderr are appended. */
  stdoutPath: string;
  stderrPath: string;
  /** Stop with kind "timeout" after this long. */
  timeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Set when we stopped it (stop() or the timeout), with the reason given. */
  stoppedBy?: { reason: string; timeout: boolean };
  /** The program could not be started at all (e.g. ENOENT). */
  spawnError?: string;
  /** The last lines of stderr (up to ~4 KB). */
  stderrTail: string;
}

export interface TrialEvents {
  onLine(stream: 'stdout' | 'stderr', line: string): void;
  onExit(info: ExitInfo): void;
  /**
   * Optional (queued executors such as Slurm): the trial waits in the queue for `reason`
   * (Slurm's: Resources, Priority, QOSMaxJobsPerUserLimit…), called when the reason changes;
   * `null` once it leaves the queue (runs, or ends before running). Local executors never call it.
   */
  onPending?(reason: string | null): void;
}

export interface TrialHandle {
  readonly trialId: number;
  readonly attempt: number;
  readonly pid: number;
  /** Process group id (the group is the trial's). */
  readonly pgid: number;
  /** The batch system's job id (Slurm); undefined for local processes. pid/pgid are −1 then. */
  readonly jobId?: string;
  /** SIGTERM to the group, then SIGKILL after graceMs. Idempotent. */
  stop(reason: string, opts?: { graceMs?: number }): void;
}

export interface Executor {
  readonly name: string;
  start(spec: LaunchSpec, events: TrialEvents): TrialHandle;
  /**
   * Re-attaches to a trial that outlived a crashed runner (a Slurm job, by id): its output is
   * delivered again from the attempt's start, then its exit. Executors whose trials die with
   * the runner (local processes) leave it out.
   */
  attach?(jobId: string, spec: LaunchSpec, events: TrialEvents): TrialHandle;
  /** For attach-capable executors: the job a crashed runner submitted but never journaled. */
  findSubmitted?(spec: LaunchSpec): string | undefined;
  /** Kill everything still running (SIGKILL) and release resources. */
  dispose(): void;
}
