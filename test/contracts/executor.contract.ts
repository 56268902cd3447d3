/**
 * The contract every Executor keeps (local processes, the simulated one, Slurm batch jobs):
 * - start → the trial's lines (in order, also appended to its stdout file) → one exit, with its
 *   code and the stderr tail; nothing is delivered synchronously inside start();
 * - stop → one exit with stoppedBy {reason, timeout: false}; stop is idempotent (the first
 *   reason stays, one exit);
 * - a trial that ignores SIGTERM is SIGKILLed after the grace period;
 * - timeoutMs stops the trial with stoppedBy.timeout;
 * - a program that cannot start gives an exit with spawnError and pid/pgid −1;
 * - a started trial has an identity of its own, distinct per trial: a process trial has pid > 0
 *   leading its own group (pgid = pid); a batch job has its jobId (pid/pgid −1);
 * - nothing of a stopped or timed-out trial keeps running (`stillRunning`: the process group, or
 *   the job in the queue).
 *
 * `batchJobs` (a trial is a batch job on a cluster, not a local process) reads two expectations
 * as a job can keep them; the other executors keep the strict reading:
 * - identity: the jobId, as above;
 * - a missing program is found only when the job runs on its node, so a job stopped at once may
 *   be cancelled before it tried: its exit then says why it never ran with stoppedBy, where a
 *   process keeps its spawnError.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Executor, ExitInfo, LaunchSpec, TrialEvents, TrialHandle } from '../../src/core/runner/executor';
import { ReportParser } from '../../src/core/runner/reportParser';
import { FOREVER, IGNORES_TERM, REPORTS } from '../support/pyScripts';

export interface ExecutorHarness {
  /** The executor under test, made once before the suite's tests (a throw fails them with its message). */
  make(): Executor;
  /** A trial that reports `values` of "loss" at steps 1, 2, … then exits with `exitCode`. */
  reports(base: LaunchSpec, values: number[], opts?: { exitCode?: number; stderr?: string }): LaunchSpec;
  /** A trial that reports forever (one report per tick). */
  forever(base: LaunchSpec): LaunchSpec;
  /** A trial that ignores SIGTERM, reports once, then keeps running. */
  ignoresTerm(base: LaunchSpec): LaunchSpec;
  /** A trial whose program does not exist. */
  missing(base: LaunchSpec): LaunchSpec;
  /** Whether anything of an ended trial still runs (local: its process group; Slurm: its job in the queue). */
  stillRunning?: (handle: TrialHandle) => boolean;
  /** Trials are batch jobs on a cluster (Slurm): see the header for what this changes. */
  batchJobs?: boolean;
  /** Why the executor cannot be tried on this machine: the suite is skipped with it. */
  skip?: string;
}

/** The harness's trials as Python programs (the scripts of test/support/pyScripts.ts). */
export function pythonTrials(python: string): Pick<ExecutorHarness, 'reports' | 'forever' | 'ignoresTerm' | 'missing'> {
  const enc = (v: number) => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
  return {
    reports: (b, values, o = {}) => ({
      ...b,
      argv: [python, '-c', REPORTS, JSON.stringify(values.map(enc)), String(o.exitCode ?? 0), o.stderr ?? ''],
    }),
    forever: (b) => ({ ...b, argv: [python, '-c', FOREVER] }),
    ignoresTerm: (b) => ({ ...b, argv: [python, '-c', IGNORES_TERM] }),
    missing: (b) => ({ ...b, argv: ['/nonexistent/knobs-no-such-program'] }),
  };
}

export interface RunResult<H extends TrialHandle = TrialHandle> {
  handle: H;
  lines: { stream: 'stdout' | 'stderr'; line: string }[];
  /** What onPending reported (queued executors), in order. */
  pending: (string | null)[];
  exits: ExitInfo[];
  syncEvents: number;
  done: Promise<ExitInfo>;
}

let seq = 0;
export function baseSpec(dir: string, trialId = 1): LaunchSpec {
  const n = ++seq;
  return {
    trialId,
    attempt: 1,
    argv: [],
    cwd: dir,
    env: { ...process.env },
    stdoutPath: path.join(dir, `t${n}.out.log`),
    stderrPath: path.join(dir, `t${n}.err.log`),
  };
}

/** Starts a trial and collects what it delivers; `onLine` may act on the handle. */
export function startTrial<H extends TrialHandle>(
  ex: { start(spec: LaunchSpec, events: TrialEvents): H },
  spec: LaunchSpec,
  onLine?: (line: string, r: RunResult<H>) => void,
): RunResult<H> {
  let inStart = true;
  let resolve!: (e: ExitInfo) => void;
  const r = {
    lines: [],
    pending: [],
    exits: [],
    syncEvents: 0,
    done: new Promise<ExitInfo>((res) => (resolve = res)),
  } as unknown as RunResult<H>;
  r.handle = ex.start(spec, {
    onLine(stream, line) {
      if (inStart) r.syncEvents++;
      r.lines.push({ stream, line });
      onLine?.(line, r);
    },
    onExit(info) {
      if (inStart) r.syncEvents++;
      r.exits.push(info);
      resolve(info);
    },
    onPending(reason) {
      r.pending.push(reason);
    },
  });
  inStart = false;
  return r;
}

const settle = () => new Promise<void>((res) => setTimeout(res, 30));

export function executorContract(name: string, harness: ExecutorHarness): void {
  const batch = harness.batchJobs === true;
  /** The trial's identity: its process group leader, or its job id. */
  const identity = (h: TrialHandle): number | string | undefined => (batch ? h.jobId : h.pid);
  const assertOwnIdentity = (h: TrialHandle) => {
    if (batch) {
      assert.match(h.jobId ?? '', /\S/, 'a batch job has its job id');
      assert.equal(h.pid, -1);
      assert.equal(h.pgid, -1);
    } else {
      assert.ok(h.pid > 0, `pid ${h.pid}`);
      assert.equal(h.pgid, h.pid, 'the trial leads its own process group');
    }
  };
  const assertGone = (h: TrialHandle) => {
    if (harness.stillRunning) assert.equal(harness.stillRunning(h), false, 'nothing of the trial still runs');
  };

  describe(`executor contract: ${name}`, { skip: harness.skip }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-exec-'));
    let ex!: Executor;
    before(() => {
      ex = harness.make();
    });
    after(() => {
      ex?.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('start → report lines in order → exit 0; lines land in the stdout file', async () => {
      const values = [0.9, 0.5, 0.25, NaN];
      const spec = harness.reports(baseSpec(dir), values);
      const r = startTrial(ex, spec);
      assertOwnIdentity(r.handle);
      const exit = await r.done;
      assert.equal(r.syncEvents, 0, 'nothing is delivered inside start()');
      assert.equal(exit.code, 0);
      assert.equal(exit.stoppedBy, undefined);
      assert.equal(exit.spawnError, undefined);
      const parser = new ReportParser({ metricName: 'loss' });
      const reports = r.lines
        .filter((l) => l.stream === 'stdout')
        .map((l) => parser.parse(l.line))
        .filter((x) => x !== null);
      assert.deepEqual(
        reports.map((x) => x!.step),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        reports.map((x) => x!.values.loss),
        values,
      );
      await settle();
      assert.equal(r.exits.length, 1, 'exactly one exit');
      const file = fs.readFileSync(spec.stdoutPath, 'utf8');
      assert.equal(file.trim().split('\n').length, values.length);
    });

    test('a non-zero exit code and the stderr tail are reported', async () => {
      const r = startTrial(ex, harness.reports(baseSpec(dir), [1], { exitCode: 3, stderr: 'boom: bad thing' }));
      const exit = await r.done;
      assert.equal(exit.code, 3);
      assert.match(exit.stderrTail, /boom: bad thing/);
      assert.equal(exit.stoppedBy, undefined);
    });

    test('stop → one exit with stoppedBy; stop is idempotent; no lines after the exit', async () => {
      const r = startTrial(ex, harness.forever(baseSpec(dir)), (_line, rr) => {
        if (rr.lines.length === 2) {
          rr.handle.stop('pruned at rung 1', { graceMs: 2000 });
          rr.handle.stop('second reason', { graceMs: 2000 });
        }
      });
      const exit = await r.done;
      assert.deepEqual(exit.stoppedBy, { reason: 'pruned at rung 1', timeout: false });
      assert.notEqual(exit.code, 0);
      assert.equal(exit.signal, 'SIGTERM');
      r.handle.stop('after the exit');
      const n = r.lines.length;
      await settle();
      assert.equal(r.exits.length, 1, 'exactly one exit');
      assert.equal(r.lines.length, n, 'nothing after the exit');
      assertGone(r.handle);
    });

    test('a trial that ignores SIGTERM is SIGKILLed after the grace period', async () => {
      const r = startTrial(ex, harness.ignoresTerm(baseSpec(dir)), (line, rr) => {
        if (line.startsWith('@@knobs')) rr.handle.stop('stop it', { graceMs: 300 });
      });
      const exit = await r.done;
      assert.equal(exit.signal, 'SIGKILL');
      assert.deepEqual(exit.stoppedBy, { reason: 'stop it', timeout: false });
      assertGone(r.handle);
    });

    test('timeoutMs stops the trial with stoppedBy.timeout', async () => {
      const spec = { ...harness.forever(baseSpec(dir)), timeoutMs: 300 };
      const r = startTrial(ex, spec);
      const exit = await r.done;
      assert.equal(exit.stoppedBy?.timeout, true);
      assert.match(exit.stoppedBy!.reason, /timed out/);
      assertGone(r.handle);
    });

    test('a program that cannot start: spawnError, pid and pgid −1, one exit', async () => {
      const r = startTrial(ex, harness.missing(baseSpec(dir)));
      const exit = await r.done;
      assert.equal(r.syncEvents, 0, 'nothing is delivered inside start()');
      assert.ok(exit.spawnError && exit.spawnError.length > 0, 'spawnError is set');
      assert.equal(r.handle.pid, -1);
      assert.equal(r.handle.pgid, -1);
      r.handle.stop('no-op');
      await settle();
      assert.equal(r.exits.length, 1);
      // stopped before the failure is delivered: the exit still says why it never ran
      const r2 = startTrial(ex, harness.missing(baseSpec(dir)));
      r2.handle.stop('stopped at once');
      const exit2 = await r2.done;
      if (batch) assert.deepEqual(exit2.stoppedBy, { reason: 'stopped at once', timeout: false }, 'a job cancelled before it ran says so');
      else assert.ok(exit2.spawnError && exit2.spawnError.length > 0, 'spawnError survives an early stop');
    });

    test('concurrent trials get distinct identities (pids, each its own group; or job ids)', async () => {
      const a = startTrial(ex, harness.reports(baseSpec(dir, 1), [1, 2]));
      const b = startTrial(ex, harness.reports(baseSpec(dir, 2), [3, 4]));
      assertOwnIdentity(a.handle);
      assertOwnIdentity(b.handle);
      assert.notEqual(identity(a.handle), identity(b.handle));
      assert.equal(a.handle.trialId, 1);
      assert.equal(b.handle.trialId, 2);
      const [ea, eb] = await Promise.all([a.done, b.done]);
      assert.equal(ea.code, 0);
      assert.equal(eb.code, 0);
    });
  });
}
