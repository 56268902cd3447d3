/**
 * Runs trials as local processes: argv array (no shell), each in its own process group
 * (detached: setsid), stdout/stderr appended to the trial's logs and split into lines.
 * Stop = SIGTERM to the group, SIGKILL after a grace period. When the main process exits, any
 * process left in its group is killed too, so a trial never leaves orphans behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { formatDuration } from '../format/duration';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents, TrialHandle } from './executor';
import { LineSplitter } from './lineSplitter';

const STDERR_TAIL_BYTES = 4096;
export const DEFAULT_GRACE_MS = 10_000;

export interface LocalExecutorOptions {
  /** Default SIGTERM→SIGKILL grace (ms). */
  graceMs?: number;
}

export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly live = new Set<LocalTrial>();
  constructor(private readonly opts: LocalExecutorOptions = {}) {}

  start(spec: LaunchSpec, events: TrialEvents): TrialHandle {
    const trial = new LocalTrial(spec, events, this.opts.graceMs ?? DEFAULT_GRACE_MS, () => this.live.delete(trial));
    this.live.add(trial);
    return trial;
  }

  get running(): number {
    return this.live.size;
  }

  dispose(): void {
    for (const t of this.live) t.kill();
    this.live.clear();
  }
}

class LocalTrial implements TrialHandle {
  readonly trialId: number;
  readonly attempt: number;
  readonly pid: number;
  readonly pgid: number;
  private stoppedBy: ExitInfo['stoppedBy'];
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private exited = false;
  private exitInfo: { code: number | null; signal: string | null } | undefined;
  private pendingStreams = 2;
  private spawnError: string | undefined;

  constructor(
    readonly spec: LaunchSpec,
    private readonly events: TrialEvents,
    private readonly graceMs: number,
    private readonly onDone: () => void,
  ) {
    this.trialId = spec.trialId;
    this.attempt = spec.attempt;
    const out = fs.openSync(spec.stdoutPath, 'a');
    const err = fs.openSync(spec.stderrPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.argv[0], spec.argv.slice(1), {
        cwd: spec.cwd,
        env: spec.env,
        detached: true, // own process group
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
    } catch (e) {
      fs.closeSync(out);
      fs.closeSync(err);
      this.pid = -1;
      this.pgid = -1;
      this.spawnError = (e as Error).message;
      setImmediate(() => this.finish({ code: null, signal: null }));
      return;
    }
    this.pid = child.pid ?? -1;
    this.pgid = this.pid;
    const pipe = (stream: 'stdout' | 'stderr', fd: number) => {
      const src = child[stream]!;
      const splitter = new LineSplitter();
      src.on('data', (chunk: Buffer) => {
        try {
          fs.writeSync(fd, chunk);
        } catch {
          /* a full disk must not kill the trial's bookkeeping */
        }
        if (stream === 'stderr') {
          this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
        }
        for (const line of splitter.push(chunk)) this.emitLine(stream, line.text);
      });
      src.on('close', () => {
        const tail = splitter.flush();
        if (tail) this.emitLine(stream, tail.text);
        try {
          fs.closeSync(fd);
        } catch {
          /* ignore */
        }
        this.pendingStreams--;
        this.maybeDone();
      });
    };
    pipe('stdout', out);
    pipe('stderr', err);
    child.on('error', (e) => {
      // spawn failure (ENOENT, EACCES): 'exit' may never come
      this.spawnError = e.message;
      if (this.pid === -1 || !this.exited) {
        this.exitInfo ??= { code: null, signal: null };
        this.exited = true;
        this.maybeDone();
      }
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = { code, signal };
      // leave nothing behind: kill whatever is left in the trial's group
      killGroup(this.pgid, 'SIGKILL');
      this.maybeDone();
    });
    if (spec.timeoutMs && spec.timeoutMs > 0) {
      this.timeoutTimer = setTimeout(() => this.stopInternal(`timed out after ${formatDuration(spec.timeoutMs!)}`, true), spec.timeoutMs);
    }
  }

  private emitLine(stream: 'stdout' | 'stderr', line: string): void {
    try {
      this.events.onLine(stream, line);
    } catch {
      /* a consumer bug must not break the pipe */
    }
  }

  private maybeDone(): void {
    if (!this.exited || !this.exitInfo) return;
    if (this.pendingStreams > 0 && !this.spawnError) return;
    this.finish(this.exitInfo);
  }

  private finished = false;
  private finish(info: { code: number | null; signal: string | null }): void {
    if (this.finished) return;
    this.finished = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.timeoutTimer) clearTimeout(this.timeoutTimer);
    this.onDone();
    this.events.onExit({
      code: info.code,
      signal: info.signal,
      stoppedBy: this.stoppedBy,
      spawnError: this.spawnError,
      stderrTail: this.stderrTail,
    });
  }

  stop(reason: string, opts: { graceMs?: number } = {}): void {
    this.stopInternal(reason, false, opts.graceMs);
  }

  private stopInternal(reason: string, timeout: boolean, graceMs = this.graceMs): void {
    if (this.stoppedBy || this.finished) return;
    this.stoppedBy = { reason, timeout };
    if (this.pgid <= 0) return;
    killGroup(this.pgid, 'SIGTERM');
    this.killTimer = setTimeout(() => killGroup(this.pgid, 'SIGKILL'), Math.max(0, graceMs));
  }

  /** Immediate SIGKILL of the group (dispose). */
  kill(): void {
    this.stoppedBy ??= { reason: 'runner stopped', timeout: false };
    if (this.pgid > 0) killGroup(this.pgid, 'SIGKILL');
  }
}

/** Signals a whole process group; false if it no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 0)) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  if (!(pgid > 0)) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
