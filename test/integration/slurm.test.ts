/**
 * The Slurm executor against a real single-node Slurm (test/slurm/cluster.ts brings it up once
 * for this file): the executor contract (test/contracts/executor.contract.ts, read for batch jobs),
 * then what only Slurm does. A cluster that cannot start fails every test with the reason; a
 * machine without Slurm or root skips them with it, unless KNOBS_REQUIRE_ALL=1.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import { readJournal } from '../../src/core/journal/reader';
import type { ExitInfo, LaunchSpec } from '../../src/core/runner/executor';
import { helperPaths } from '../../src/core/runner/helpersPath';
import { readSlurmJobRecord, SlurmExecutor, type SlurmExecutorOptions, slurmTrialFiles } from '../../src/core/runner/slurm/slurmExecutor';
import { loadSweepFile } from '../../src/core/space/parse';
import { createSweep } from '../../src/core/sweep/create';
import { SweepRunner } from '../../src/core/sweep/runner';
import { baseSpec, executorContract, pythonTrials, startTrial } from '../contracts/executor.contract';
import { type Cluster, type ClusterResult, clusterFailure, gate, jobState, slurmSkip, startCluster } from '../slurm/cluster';
import { FOREVER, REPORTS } from '../support/pyScripts';

const PY = process.env.KNOBS_PYTHON || '/usr/bin/python3';
let cluster: ClusterResult = { ok: false, reason: 'not started yet' };
let dir = '';

before(async () => {
  cluster = await startCluster();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-slurm-it-'));
});
after(() => {
  if (cluster.ok) cluster.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const executors: SlurmExecutor[] = [];
after(() => {
  for (const e of executors) e.dispose();
});

function make(c: Cluster, o: SlurmExecutorOptions & { partition?: string; gres?: string; time?: string } = {}): SlurmExecutor {
  const { partition, gres, time, ...opts } = o;
  const ex = new SlurmExecutor(
    { type: 'slurm', partition: partition ?? c.partition, ...(gres ? { gres } : {}), ...(time ? { time } : {}) },
    { env: c.env, pollMs: 250, tailMs: 100, graceMs: 2000, ...opts },
  );
  executors.push(ex);
  return ex;
}

let n = 0;
const launch = (argv: string[], extra: Partial<LaunchSpec> = {}): LaunchSpec => ({ ...baseSpec(dir, ++n), argv, ...extra });

/** A job Slurm still holds as live (not yet ended). */
const LIVE = /PENDING|RUNNING|COMPLETING|CONFIGURING|SUSPENDED/;

executorContract('slurm (single-node cluster)', {
  make: () => {
    if (!cluster.ok) throw new Error(clusterFailure(cluster));
    return make(cluster);
  },
  ...pythonTrials(PY),
  stillRunning: (h) => !!h.jobId && LIVE.test(jobState(cluster as Cluster, h.jobId)),
  batchJobs: true,
  skip: slurmSkip(),
});

test("Slurm's records of a trial: job id, job.json, the exit_code file (0; 143 stopped; 127 missing program), the final state", async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster);
  const okSpec = launch([PY, '-c', REPORTS, '[0.9]', '0']);
  const stoppedSpec = launch([PY, '-c', FOREVER, '0.1']);
  const ok = startTrial(ex, okSpec);
  const stopped = startTrial(ex, stoppedSpec, (_l, r) => {
    if (r.lines.length === 2) r.handle.stop('pruned at rung 1', { graceMs: 20_000 });
  });
  const missing = startTrial(ex, launch(['/nonexistent/knobs-no-such-program']));
  assert.match(ok.handle.jobId ?? '', /^\d+$/);
  const [okExit, stopExit, missingExit] = await Promise.all([ok.done, stopped.done, missing.done]);

  assert.equal(okExit.code, 0, okExit.stderrTail);
  assert.equal(fs.readFileSync(slurmTrialFiles(okSpec).exitCode, 'utf8'), '0\n', 'the exit code is in the trial folder');
  assert.equal(readSlurmJobRecord(okSpec)?.jobId, ok.handle.jobId, 'job.json records the job');
  assert.equal(ok.handle.status().state, 'COMPLETED');

  assert.deepEqual(stopExit.stoppedBy, { reason: 'pruned at rung 1', timeout: false });
  assert.equal(stopExit.signal, 'SIGTERM');
  assert.equal(stopExit.code, null);
  const state = jobState(cluster, stopped.handle.jobId!);
  assert.doesNotMatch(state, LIVE, `squeue: ${state}`);
  // the batch script records srun's status when it outlives the step; when Slurm ends the whole job
  // first, the final state comes from its accounting (CANCELLED) instead
  const codeFile = slurmTrialFiles(stoppedSpec).exitCode;
  if (fs.existsSync(codeFile)) assert.equal(fs.readFileSync(codeFile, 'utf8').trim(), '143');
  else assert.match(state, /CANCELLED|^$/, `squeue: ${state}`);

  assert.match(missingExit.spawnError ?? '', /cannot start \/nonexistent\/knobs-no-such-program/);
  assert.equal(missingExit.code, 127);
});

test('a job whose output shows before squeue says it runs is stopped with TERM, not cancelled as if it never ran', async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster);
  const poll = ex.pollQueue;
  ex.pollQueue = async () => {}; // squeue has not answered yet: the handle still says PENDING
  const run = ex.run.bind(ex);
  const scancels: string[][] = [];
  ex.run = (cmd, args, ms) => {
    if (cmd === 'scancel') scancels.push(args);
    return run(cmd, args, ms);
  };
  let stateAtStop = '';
  const r = startTrial(ex, launch([PY, '-c', FOREVER, '0.1']), (_l, rr) => {
    if (rr.lines.length !== 1) return;
    stateAtStop = rr.handle.status().state;
    rr.handle.stop('pruned at rung 1', { graceMs: 20_000 });
    ex.pollQueue = poll;
  });
  const exit = await r.done;
  assert.equal(stateAtStop, 'PENDING');
  assert.deepEqual(scancels, [['--signal=TERM', r.handle.jobId]], 'TERM to the step, the job is not cancelled');
  assert.deepEqual(exit.stoppedBy, { reason: 'pruned at rung 1', timeout: false });
  assert.equal(exit.signal, 'SIGTERM');
});

test('a non-zero exit and the stderr tail; hostile KNOBS_* values reach the job intact', async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster);
  const params = JSON.stringify({ name: `it's "a,b"`, cmd: '$(touch /tmp/knobs-slurm-pwned)', nl: 'x\ny' });
  const spec = launch([
    PY,
    '-c',
    'import os, sys; print(os.environ["KNOBS_PARAMS"]); print(sys.argv[1]); sys.stderr.write("boom: bad thing\\n"); sys.exit(3)',
    `a'b "c" $(d) e,f`,
  ]);
  spec.env = { ...spec.env, KNOBS_PARAMS: params };
  const r = startTrial(ex, spec);
  const exit = await r.done;
  assert.equal(exit.code, 3);
  assert.match(exit.stderrTail, /boom: bad thing/);
  const out = r.lines.filter((l) => l.stream === 'stdout').map((l) => l.line);
  assert.equal(out.slice(0, 2).join('\n'), `${params.replace('x\\ny', 'x\\ny')}\na'b "c" $(d) e,f`);
  assert.deepEqual(JSON.parse(out[0]), JSON.parse(params));
  assert.equal(fs.existsSync('/tmp/knobs-slurm-pwned'), false);
});

test('gres reaches the jobs (SLURM_JOB_GPUS, CUDA_VISIBLE_DEVICES); a job waiting for GPUs reports why it is pending', async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster, { gpusPerTrial: 1 });
  const hold = fs.mkdtempSync(path.join(dir, 'hold-'));
  const release = path.join(hold, 'go');
  const prog = `
import os, sys, time
print("GPUS", os.environ.get("SLURM_JOB_GPUS"), os.environ.get("CUDA_VISIBLE_DEVICES"), flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.1)
`;
  const runs = [1, 2, 3].map(() => startTrial(ex, launch([PY, '-c', prog, release])));
  // two jobs hold both GPUs until `go` exists: the third waits in the queue
  const third = runs[2];
  for (let i = 0; i < 400 && !third.pending.some((p) => p && p !== 'None'); i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(
    third.pending.some((p) => p === 'Resources' || p === 'Priority'),
    `pending reasons: ${JSON.stringify(third.pending)}`,
  );
  assert.equal(third.handle.status().state, 'PENDING');
  assert.match(third.handle.status().reason ?? '', /Resources|Priority/);
  fs.writeFileSync(release, '');
  const exits = await Promise.all(runs.map((r) => r.done));
  for (const e of exits) assert.equal(e.code, 0, e.stderrTail);
  const seen = runs.map((r) => r.lines.find((l) => l.line.startsWith('GPUS'))?.line ?? '');
  for (const s of seen) assert.match(s, /^GPUS [01] [01]$/, s);
  assert.equal(third.pending[third.pending.length - 1], null, 'onPending(null) when it left the queue');
});

test('attach: a second executor re-attaches to a running job by id and gets its lines and exit; nothing is resubmitted', async (t) => {
  if (!gate(t, cluster)) return;
  const first = make(cluster);
  const prog = `
import sys, time
for i in range(1, 9):
    print("line %d" % i, flush=True)
    time.sleep(0.25)
sys.exit(5)
`;
  const spec = launch([PY, '-c', prog]);
  let seenFirst!: () => void;
  const firstLine = new Promise<void>((res) => (seenFirst = res));
  const r1 = startTrial(first, spec, () => seenFirst());
  await firstLine;
  const jobId = r1.handle.jobId!;
  first.detach(); // the runner died: nobody watches the job
  const second = make(cluster);
  let resolve!: (e: ExitInfo) => void;
  const done = new Promise<ExitInfo>((res) => (resolve = res));
  const lines: string[] = [];
  const h = second.attach(jobId, spec, { onLine: (s, l) => s === 'stdout' && lines.push(l), onExit: resolve });
  assert.equal(h.jobId, jobId);
  const exit = await done;
  assert.equal(exit.code, 5);
  assert.deepEqual(
    lines,
    [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `line ${i}`),
    'all lines of the attempt, once each',
  );
  assert.equal(r1.exits.length, 0, 'the detached executor delivers nothing');
  assert.equal(readSlurmJobRecord(spec)?.jobId, jobId, 'nothing resubmitted: job.json still names the first job');
  assert.throws(() => second.attach('not-a-job', spec, { onLine() {}, onExit() {} }), KnobsError);
});

test('attach to a job that already ended delivers its output and final state', async (t) => {
  if (!gate(t, cluster)) return;
  const first = make(cluster);
  const spec = launch([PY, '-c', 'print("only line"); raise SystemExit(4)']);
  const r1 = startTrial(first, spec);
  await r1.done;
  const second = make(cluster);
  const lines: string[] = [];
  const exit = await new Promise<ExitInfo>((res) =>
    second.attach(r1.handle.jobId!, spec, { onLine: (s, l) => s === 'stdout' && lines.push(l), onExit: res }),
  );
  assert.equal(exit.code, 4);
  assert.deepEqual(lines, ['only line']);
  assert.doesNotMatch(exit.stderrTail, /srun: error/, "srun's own end-of-step line stays out of the stderr tail");
});

test('a bad partition: check() and the trial quote Slurm and say how to fix it', async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster, { partition: 'no-such-partition' });
  await assert.rejects(
    ex.check(),
    (e: unknown) => e instanceof KnobsError && /Invalid partition name specified/.test(e.message) && /sinfo -s/.test(e.hint ?? ''),
  );
  const r = startTrial(ex, launch([PY, '-c', 'pass']));
  assert.equal(r.handle.jobId, undefined);
  assert.match(r.handle.error?.message ?? '', /Slurm refused: .*invalid partition/is);
  const exit = await r.done;
  assert.match(exit.spawnError ?? '', /Invalid partition name specified[\s\S]*fix: .*executor\.partition/);
  // too many GPUs for any node
  const big = make(cluster, { gres: 'gpu:9' });
  await assert.rejects(
    big.check(),
    (e: unknown) =>
      e instanceof KnobsError && /Requested node configuration is not available/.test(e.message) && /gpus_per_trial/.test(e.hint ?? ''),
  );
  // a fraction of a GPU on a site without shards
  const frac = make(cluster, { gpusPerTrial: 0.5 });
  await assert.rejects(frac.check(), (e: unknown) => e instanceof KnobsError && /no gres\/shard or gres\/mps/.test(e.message));
});

test('sbatch missing from PATH: a clear error, and each trial fails to start with it', async (t) => {
  if (!gate(t, cluster)) return;
  const ex = make(cluster, { env: { ...(cluster as Cluster).env, PATH: '/nonexistent' } });
  await assert.rejects(
    ex.check(),
    (e: unknown) => e instanceof KnobsError && /`sbatch` was not found on PATH/.test(e.message) && /login node/.test(e.hint ?? ''),
  );
  const r = startTrial(ex, launch([PY, '-c', 'pass']));
  const exit = await r.done;
  assert.match(exit.spawnError ?? '', /`sbatch` was not found on PATH/);
});

test('SweepRunner on Slurm: a 6-trial sweep of a real Python script, 2 jobs at a time', async (t) => {
  if (!gate(t, cluster)) return;
  const sd = fs.mkdtempSync(path.join(dir, 'sweep-'));
  fs.writeFileSync(
    path.join(sd, 'train.py'),
    `import argparse, json, os, time
import knobs
p = argparse.ArgumentParser()
p.add_argument("--x", type=float)
a, _ = p.parse_known_args()
t0 = time.time()
for step in range(1, 4):
    knobs.report(step=step, loss=a.x + 1.0 / step)
    time.sleep(0.2)
with open(os.path.join(os.environ["KNOBS_SWEEP_DIR"], "spans.jsonl"), "a") as f:
    f.write(json.dumps({"trial": os.environ["KNOBS_TRIAL_ID"], "job": os.environ.get("SLURM_JOB_ID"), "t0": t0, "t1": time.time()}) + "\\n")
`,
  );
  const file = path.join(sd, 'sweep.yaml');
  fs.writeFileSync(
    file,
    `program: train.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
run_cap: 6
max_concurrent: 2
seed: 5
executor: {type: slurm, partition: ${(cluster as Cluster).partition}, time: "5:00"}
`,
  );
  const spec = loadSweepFile(file);
  assert.equal(spec.executor.type, 'slurm');
  const paths = createSweep({ spec, knobsDir: path.join(sd, '.knobs'), seed: 5 });
  const ex = make(cluster as Cluster);
  const env = { ...(cluster as Cluster).env, KNOBS_PYTHON: PY };
  const runner = new SweepRunner({ sweepDir: paths.dir, spec, executor: ex, env, interpreter: PY, graceMs: 2000 });
  const outcome = await runner.run();
  assert.deepEqual(outcome, { kind: 'finished', reason: 'run_cap' });
  const { ops } = readJournal(paths.journal);
  const completed = ops.filter((o) => o.op === 'trial_completed').map((o) => (o as { trial: number }).trial);
  assert.deepEqual(
    completed.sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(ops.filter((o) => o.op === 'metric').length, 18);
  const spans = fs
    .readFileSync(path.join(paths.dir, 'spans.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { job: string; t0: number; t1: number });
  assert.equal(spans.length, 6);
  assert.equal(new Set(spans.map((s) => s.job)).size, 6, 'six distinct Slurm jobs');
  for (const s of spans) assert.match(s.job ?? '', /^\d+$/);
  const events = spans
    .flatMap((s) => [
      { t: s.t0, d: 1 },
      { t: s.t1, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let live = 0;
  for (const e of events) {
    live += e.d;
    assert.ok(live <= 2, 'never more than max_concurrent jobs at once');
  }
  assert.ok(helperPaths().python.length > 0);
});

// ---- through the CLI: the runner on Slurm ------------------------------------------------------
import {
  ops as journalOps,
  onlySweep,
  runCli,
  startCli,
  sweepDirs,
  sweepFolder,
  state as sweepState,
  testEnv,
  waitExit,
  waitFor,
} from '../support/cli';

const slurmSweep = (c: Cluster, body: string) => `${body}
executor: {type: slurm, partition: ${c.partition}}
`;

test('CLI on Slurm: kill -9 of the runner, then resume re-attaches to the running jobs without duplicates', async (t) => {
  if (!gate(t, cluster)) return;
  const c = cluster;
  const { dir: folder } = sweepFolder(
    slurmSweep(
      c,
      `program: slow_report.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  steps: {value: 25}
  interval: {value: 0.12}
run_cap: 4
max_concurrent: 2
seed: 8`,
    ),
    ['slow_report.py'],
  );
  const env = testEnv({ ...c.env });
  const child = startCli(['run', 'sweep.yaml'], { cwd: folder, env });
  const sweep = await waitFor(
    'two jobs reporting',
    () => {
      const d = sweepDirs(folder)[0];
      return d && sweepState(d).trials.filter((x) => x.status === 'running' && x.reports >= 2).length === 2 ? d : undefined;
    },
    90_000,
  );
  process.kill(child.pid!, 'SIGKILL');
  await waitExit(child);
  const r = runCli(['resume'], { cwd: folder, env, timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /re-attached to trial 1/);
  const s = sweepState(sweep);
  assert.equal(s.trials.length, 4);
  const ops = journalOps(sweep);
  assert.equal(ops.filter((o) => o.op === 'trial_interrupted').length, 0, 'nothing was interrupted or resubmitted');
  const started = ops.flatMap((o) => (o.op === 'trial_started' ? [o] : []));
  assert.equal(started.length, 4, 'one submission per trial');
  assert.equal(new Set(started.map((o) => o.jobId)).size, 4, 'four distinct jobs');
  for (const x of s.trials) {
    assert.equal(x.status, 'completed', x.reason);
    const steps = x.series.loss.map((p) => p.step);
    assert.deepEqual(
      steps,
      [...Array(25).keys()].map((i) => i + 1),
      `trial ${x.id}: every step once`,
    );
  }
});

test('CLI on Slurm: ASHA prunes through scancel, and the pruned jobs leave the queue', async (t) => {
  if (!gate(t, cluster)) return;
  const c = cluster;
  const { dir: folder } = sweepFolder(
    slurmSweep(
      c,
      `program: report_py.py
method: grid
metric: {name: loss}
parameters:
  x: {values: [0.3, 1.0, 0.9, 0.35]}
  steps: {value: 12}
  sleep: {value: 0.15}
early_terminate: {type: asha, max_t: 12, grace_period: 2, reduction_factor: 2}
stop_grace_period: 3s`,
    ),
    ['report_py.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: folder, env: testEnv({ ...c.env }), timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const sweep = onlySweep(folder);
  const s = sweepState(sweep);
  const pruned = s.trials.filter((x) => x.status === 'pruned');
  assert.ok(pruned.length >= 1, `some trial pruned: ${s.trials.map((x) => `${x.id}:${x.status}`).join(' ')}`);
  for (const x of pruned) {
    assert.match(x.reason!, /rung/);
    const jobId = x.attempts[0].jobId!;
    assert.match(jobId, /^\d+$/);
    assert.notEqual(jobState(c, jobId), 'RUNNING', `job ${jobId} was cancelled`);
  }
});
