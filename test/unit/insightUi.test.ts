/** Insight in the extension (pure parts): fit tags in the tree and table, GPUs, runner lost, queue reasons. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import type { RunnerStatus } from '../../src/core/sweep/open';
import { DEFAULT_FIT_SETTINGS, readFitSettings } from '../../src/extension/insight/fit';
import { buildSnapshot, DashboardFeed } from '../../src/extension/panel/snapshot';
import { statusText } from '../../src/extension/statusText';
import { formatAge, runnerLostText } from '../../src/extension/sweeps/describe';
import { gpuNodes, gpusNode, showsGpus, sweepNode, type TrialNode, trialNodes } from '../../src/extension/tree/model';

function build(inputs: OpInput[]): SweepState {
  const s = createState();
  let seq = 0;
  const all: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 'sw',
      file: '/w/digits/sweep.yaml',
      text: '',
      spaceKey: JSON.stringify({
        params: [{ name: 'lr', path: ['lr'], kind: 'numeric', distribution: 'log_uniform_values', min: 1e-4, max: 1e-1, integer: false }],
      }),
      seed: 1,
      metric: { name: 'val_loss', goal: 'minimize' },
      method: 'random',
      runCap: 10,
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
    },
    ...inputs,
  ];
  for (const i of all) applyOp(s, { ...i, seq: ++seq, w: 'w', t: 1000 * seq } as Op);
  return s;
}

const asked = (trial: number): OpInput => ({ op: 'trial_asked', trial, params: { lr: 0.01 * trial }, source: 'random' });
const started = (trial: number): OpInput => ({ op: 'trial_started', trial, attempt: 1, pid: 100 + trial, pgid: 100 + trial, argv: [] });
const done = (trial: number): OpInput => ({ op: 'trial_completed', trial, attempt: 1, exitCode: 0 });
/** A trial whose curves are given epoch by epoch. */
function curves(trial: number, train: number[], val: number[]): OpInput[] {
  return [
    asked(trial),
    started(trial),
    ...train.map((tr, i): OpInput => ({ op: 'metric', trial, attempt: 1, step: i + 1, values: { train_loss: tr, val_loss: val[i] } })),
    done(trial),
  ];
}
// training keeps falling, validation turns up after epoch 4: overfitting
const OVERFIT = { train: [1, 0.6, 0.4, 0.25, 0.15, 0.1, 0.06, 0.04], val: [1.1, 0.8, 0.6, 0.5, 0.55, 0.62, 0.7, 0.8] };
// training barely falls: underfitting
const UNDERFIT = { train: [1, 0.98, 0.96, 0.95, 0.95, 0.94, 0.94, 0.94], val: [1.05, 1.02, 1.0, 0.99, 0.99, 0.98, 0.98, 0.98] };
// both fall then flatten: ok
const OK = { train: [1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2], val: [1.1, 0.6, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3] };

const RUNNING: RunnerStatus = { kind: 'running', pid: 42, lastSeenMs: 500 };
const STOPPED: RunnerStatus = { kind: 'stopped' };

const trialsOf = (state: SweepState, runner = STOPPED, opts = {}) =>
  trialNodes({ dir: '/d', id: 'd', state, runner }, 100, 100, opts).filter((n): n is TrialNode => n.kind === 'trial');

test('fit tags: overfitting, underfitting and ok in trial descriptions; the best trial tooltip gives the advice', () => {
  const state = build([...curves(1, OVERFIT.train, OVERFIT.val), ...curves(2, UNDERFIT.train, UNDERFIT.val)]);
  const nodes = trialsOf(state);
  const byId = new Map(nodes.map((n) => [n.trial, n]));
  assert.match(byId.get(1)!.description!, /^val_loss 0\.8 · best 0\.5 · overfitting · lr=/);
  assert.match(byId.get(2)!.description!, /underfitting/);
  const ok = trialsOf(build(curves(3, OK.train, OK.val)))[0];
  assert.match(ok.description!, /^val_loss 0\.3 · ok · lr=/);
  // rule 3a: against a sweep whose best final training loss is 0.04, 0.2 is 5× that: underfitting
  assert.match(
    trialsOf(build([...curves(1, OVERFIT.train, OVERFIT.val), ...curves(3, OK.train, OK.val)])).find((n) => n.trial === 3)!.description!,
    /underfitting/,
  );
  // the best trial's tooltip carries the advice (make an overfitting trial the best)
  const best = build([
    ...curves(
      1,
      OVERFIT.train,
      OVERFIT.val.map((v) => v / 10),
    ),
    ...curves(2, OK.train, OK.val),
  ]);
  const b = trialsOf(best).find((n) => n.isBest)!;
  assert.equal(b.trial, 1);
  assert.match(b.tooltip!, /fit: overfitting — validation loss rose/);
  assert.match(b.tooltip!, /dropout, weight decay/);
  // a non-best trial names the tag and why, without the advice list
  const other = trialsOf(best).find((n) => n.trial === 2)!;
  assert.match(other.tooltip!, /fit: underfitting/);
  assert.doesNotMatch(other.tooltip!, /next:/);
  assert.match(b.ariaLabel, /overfitting/);
});

test('fit tags follow the metric-name and threshold settings, and can be turned off', () => {
  const renamed = build([
    asked(1),
    started(1),
    ...OVERFIT.train.map(
      (tr, i): OpInput => ({ op: 'metric', trial: 1, attempt: 1, step: i + 1, values: { loss: tr, val_loss: OVERFIT.val[i] } }),
    ),
    done(1),
  ]);
  assert.doesNotMatch(trialsOf(renamed)[0].description!, /fitting/, 'no train_loss: no tag');
  const { settings } = readFitSettings((k) => ({ trainMetric: 'loss' })[k]);
  assert.match(trialsOf(renamed, STOPPED, { fit: settings })[0].description!, /overfitting/);
  // a huge valRise hides rule 2a; a huge gapRatio hides 2b: then the curve is not overfitting
  const lax = readFitSettings((k) => ({ trainMetric: 'loss', valRise: 50, gapRatio: 1 })[k]).settings;
  assert.doesNotMatch(trialsOf(renamed, STOPPED, { fit: lax })[0].description!, /overfitting/);
  const off = readFitSettings((k) => ({ enabled: false, trainMetric: 'loss' })[k]).settings;
  assert.doesNotMatch(trialsOf(renamed, STOPPED, { fit: off })[0].description!, /fitting|ok/);
});

test('readFitSettings checks each value and names the bad ones', () => {
  const r = readFitSettings(
    (k) => ({ trainMetric: 'a b; rm', window: 1.5, gapRatio: 3, valRise: 0.1, maxTrainLoss: null, enabled: 'yes' })[k],
  );
  assert.equal(r.settings.train, DEFAULT_FIT_SETTINGS.train);
  assert.deepEqual(r.settings.thresholds, { valRise: 0.1 });
  assert.equal(r.settings.enabled, true);
  assert.equal(r.problems.length, 4);
  assert.ok(r.problems.some((p) => /knobs\.diagnosis\.window is 1\.5 but must be an integer from 2/.test(p)));
  assert.ok(r.problems.some((p) => /gapRatio is 3/.test(p)));
  assert.ok(r.problems.some((p) => /trainMetric/.test(p)));
  assert.deepEqual(
    readFitSettings(() => undefined),
    { settings: DEFAULT_FIT_SETTINGS, problems: [] },
  );
});

test('the dashboard rows carry the fit tag and reason; appends update it as reports arrive', () => {
  const state = build([...curves(1, OVERFIT.train, OVERFIT.val), asked(2), started(2)]);
  const src = { dir: '/d', id: 'd', state, runner: RUNNING };
  const snap = buildSnapshot(src);
  assert.equal(snap.trials.find((t) => t.id === 1)!.fit, 'overfitting');
  assert.match(snap.trials.find((t) => t.id === 1)!.fitReason!, /validation loss rose/);
  assert.equal(snap.trials.find((t) => t.id === 2)!.fit, undefined);
  const feed = new DashboardFeed();
  feed.snapshot(src);
  let seq = 1000;
  for (let i = 0; i < 8; i++)
    applyOp(state, {
      op: 'metric',
      trial: 2,
      attempt: 1,
      step: i + 1,
      values: { train_loss: OVERFIT.train[i], val_loss: OVERFIT.val[i] },
      seq: ++seq,
      w: 'w',
      t: 1e6 + seq,
    } as Op);
  const app = feed.append(src, [2])!;
  assert.equal(app.trials.find((t) => t.id === 2)!.fit, 'overfitting');
  const off = new DashboardFeed(() => ({ ...DEFAULT_FIT_SETTINGS, enabled: false }));
  assert.equal(off.snapshot(src).trials.find((t) => t.id === 1)!.fit, undefined);
});

const GPUS: OpInput = {
  op: 'gpu_status',
  gpus: [
    { index: 0, name: 'NVIDIA H100', memoryUsedMiB: 12_595, memoryTotalMiB: 81_559, utilization: 87, trials: [3, 5] },
    { index: 1, name: 'NVIDIA H100', memoryUsedMiB: 4, memoryTotalMiB: 81_559, utilization: 0, trials: [] },
  ],
};

test('a running sweep has a GPUs node: each GPU with its trials, memory and utilisation', () => {
  const state = build([asked(3), started(3), GPUS]);
  const input = { dir: '/d', id: 'd', state, runner: RUNNING };
  assert.equal(showsGpus(input), true);
  const all = trialNodes(input);
  assert.ok(
    all.every((n) => n.kind === 'trial'),
    'trialNodes lists trials only; the provider puts GPUs first',
  );
  const g = gpusNode(input);
  assert.equal(g.label, 'GPUs');
  assert.equal(g.description, '1/2 busy · 12/159 GiB · 44%');
  const [g0, g1] = gpuNodes(input);
  assert.equal(g0.label, 'GPU 0: NVIDIA H100');
  assert.equal(g0.description, '2 trials (#3, #5) · 12/80 GiB · 87%');
  assert.match(g0.tooltip!, /memory: 12595 of 81559 MiB used/);
  assert.equal(g1.description, 'idle · 0.0/80 GiB · 0%');
  assert.match(g1.ariaLabel, /GPU 1: NVIDIA H100, idle/);
  // not while stopped (the sample is stale), nor without a sample
  assert.equal(showsGpus({ ...input, runner: STOPPED }), false);
  assert.equal(showsGpus({ ...input, state: build([asked(3)]) }), false);
});

test('the status bar tooltip lists the GPUs while the runner runs', () => {
  const state = build([asked(3), started(3), GPUS]);
  const t = statusText('d', state, RUNNING).tooltip;
  assert.match(t, /GPU 0: NVIDIA H100 — 2 trials \(#3, #5\) · 12\/80 GiB · 87%/);
  assert.match(t, /GPU 1: NVIDIA H100 — idle/);
  assert.doesNotMatch(statusText('d', state, STOPPED).tooltip, /GPU 0/);
});

test('runner lost: "runner lost (pid N, last seen 12 s ago)", resumable, not RUNNING', () => {
  assert.equal(runnerLostText({ kind: 'lost', pid: 4242, lastSeenMs: 12_300 }), 'runner lost (pid 4242, last seen 12 s ago)');
  assert.equal(runnerLostText({ kind: 'lost' }), 'runner lost');
  assert.equal(formatAge(125_000), '2 min');
  assert.equal(formatAge(3 * 3600_000), '3 h');
  assert.equal(formatAge(5 * 86400_000), '5 d');
  const state = build([{ op: 'runner_started', pid: 4242, host: 'h', resumed: false }, asked(1), started(1)]);
  const n = sweepNode({ dir: '/d', id: 'd', state, runner: { kind: 'lost', pid: 4242, lastSeenMs: 12_000 } });
  assert.match(n.description!, /^runner lost \(pid 4242, last seen 12 s ago\)/);
  assert.equal(n.contextValue, 'knobsSweep.lost');
  assert.equal(n.icon!.id, 'warning');
  assert.match(n.tooltip!, /Resume/i);
  assert.match(
    statusText('d', state, { kind: 'lost', pid: 4242, lastSeenMs: 12_000 }).tooltip,
    /runner lost \(pid 4242, last seen 12 s ago\)/,
  );
});

test('a Slurm job waiting in the queue shows "queued: Resources"', () => {
  const state = build([asked(1), started(1), { op: 'trial_pending', trial: 1, attempt: 1, reason: 'Resources' }, asked(2), started(2)]);
  const [a, b] = trialsOf(state, RUNNING).sort((x, y) => x.trial - y.trial);
  assert.match(a.description!, /^queued: Resources/);
  assert.match(a.ariaLabel, /Trial 1, queued, queued: Resources/);
  assert.equal(a.icon!.id, 'clock');
  assert.match(a.tooltip!, /queued in Slurm: Resources/);
  assert.doesNotMatch(b.description ?? '', /queued/);
  // once it runs, the reason goes
  applyOp(state, { op: 'trial_pending', trial: 1, attempt: 1, reason: null, seq: 99, w: 'w', t: 99_000 } as Op);
  assert.doesNotMatch(trialsOf(state, RUNNING).find((n) => n.trial === 1)!.description ?? '', /queued/);
});
