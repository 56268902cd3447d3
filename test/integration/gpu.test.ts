/** GPU trials with a fake nvidia-smi on PATH (no GPU here): placement, env, OOM fail-fast. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onlySweep, ops, ROOT, runCli, startCli, state, sweepDirs, sweepFolder, testEnv, waitExit, waitFor } from '../support/cli';

const FAKE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
const gpuEnv = (extra: NodeJS.ProcessEnv = {}) => testEnv({ PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_GPU_COUNT: '2', ...extra });

test('2 GPUs × 0.5: at most 4 trials at once, 2 per GPU, each seeing its CUDA_VISIBLE_DEVICES', () => {
  const { dir } = sweepFolder(
    `program: gpu_echo.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  hold: {value: 0.6}
run_cap: 8
max_concurrent: 8
gpus_per_trial: 0.5
seed: 1
`,
    ['gpu_echo.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, env: gpuEnv() });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /gpus_per_trial 0\.5 → 4 trial slot/);
  const sweep = onlySweep(dir);
  const log = fs
    .readFileSync(path.join(sweep, 'gpu_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(log.length, 8);
  for (const rec of log) {
    assert.ok(rec.cuda === '0' || rec.cuda === '1', `CUDA_VISIBLE_DEVICES=${rec.cuda}`);
    assert.equal(rec.gpu_ids, rec.cuda);
  }
  // overlap check from the trials' own clocks: never more than 4 at once, never 3 on one GPU
  const events = log
    .flatMap((r) => [
      { t: r.t0, d: 1, g: r.cuda },
      { t: r.t1, d: -1, g: r.cuda },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let live = 0;
  const perGpu: Record<string, number> = { '0': 0, '1': 0 };
  let peak = 0;
  for (const e of events) {
    live += e.d;
    perGpu[e.g] += e.d;
    peak = Math.max(peak, live);
    assert.ok(perGpu[e.g] <= 2, 'at most 2 trials per GPU');
  }
  assert.ok(peak <= 4, `peak ${peak} ≤ 4`);
  assert.ok(peak >= 3, `trials did run side by side (peak ${peak})`);
  // the journal and config.json record the GPUs
  for (const o of ops(sweep)) if (o.op === 'trial_started') assert.equal(o.gpus?.length, 1);
  const cfg = JSON.parse(fs.readFileSync(path.join(sweep, 'trials', '0001', 'config.json'), 'utf8'));
  assert.equal(cfg.gpus.length, 1);
});

test('OOM fail-fast: 3 CUDA out-of-memory failures in a row pause launching, and OOM is never retried', () => {
  const { dir } = sweepFolder(
    `program: gpu_echo.py
method: random
metric: {name: loss}
parameters:
  x: {min: 0.0, max: 1.0}
  oom: {value: 1}
run_cap: 20
gpus_per_trial: 1
max_failures: 3
`,
    ['gpu_echo.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, env: gpuEnv({ FAKE_GPU_COUNT: '1' }) });
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(r.stderr + r.stdout, /3 trials in a row ran out of GPU memory on GPU 0; lower batch_size or gpus_per_trial/);
  const s = state(onlySweep(dir));
  assert.equal(s.trials.length, 3, 'launching stopped after the third');
  for (const t of s.trials) {
    assert.equal(t.status, 'failed');
    assert.equal(t.attempts.length, 1, 'not retried despite max_failures');
    assert.equal(t.attempts[0].failureKind, 'oom');
  }
  assert.equal(s.paused?.kind, 'oom');
});

test('no nvidia-smi: gpus_per_trial falls back to CPU trials and says so once', () => {
  const { dir } = sweepFolder(
    `program: gpu_echo.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n  hold: {value: 0}\ngpus_per_trial: 1\n`,
    ['gpu_echo.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, env: testEnv({ PATH: '/usr/bin:/bin', FAKE_GPU_COUNT: '2' }) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((r.stderr.match(/no GPU found/g) ?? []).length, 1);
  const log = fs
    .readFileSync(path.join(onlySweep(dir), 'gpu_log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(
    log.every((x) => x.cuda === null && x.gpu_ids === null),
    'no CUDA_VISIBLE_DEVICES set',
  );
});

test('gpus_per_trial above the visible GPUs is a clear error', () => {
  const { dir } = sweepFolder(
    `program: gpu_echo.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1]}\ngpus_per_trial: 4\n`,
    ['gpu_echo.py'],
  );
  const r = runCli(['run', 'sweep.yaml'], { cwd: dir, env: gpuEnv() });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /gpus_per_trial is 4 but only 2 GPUs are visible/);
});

test('`knobs resume` on a live runner whose launching is paused resumes launching', async () => {
  const { dir } = sweepFolder(
    `program: gpu_echo.py
method: random
metric: {name: loss}
parameters:
  x: {values: [1, 2, 3, 4, 5]}
  oom: {values: [0, 1]}
  hold: {value: 4}
points_to_evaluate:
  - {x: 1, oom: 0}
  - {x: 2, oom: 1}
  - {x: 3, oom: 1}
  - {x: 4, oom: 1}
  - {x: 5, oom: 0}
run_cap: 5
max_concurrent: 2
`,
    ['gpu_echo.py'],
  );
  const child = startCli(['run', 'sweep.yaml'], { cwd: dir });
  const sweep = await waitFor(
    'launching to pause while trial 1 runs',
    () => {
      const d = sweepDirs(dir)[0];
      return d && state(d).paused && state(d).byId.get(1)?.status === 'running' ? d : undefined;
    },
    30_000,
  );
  const r = runCli(['resume'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /resume launching/);
  assert.equal(await waitExit(child), 0, child.output());
  const s = state(sweep);
  assert.equal(s.paused, undefined);
  assert.equal(s.byId.get(5)?.status, 'completed', 'the fifth config ran after resuming');
  assert.ok(ops(sweep).some((o) => o.op === 'launch_resumed'));
});
