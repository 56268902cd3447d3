/** The sweeps tree model (pure): sweep state → nodes, ordering, "Show more", labels, menus. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import type { RunnerStatus } from '../../src/core/sweep/open';
import { DEFAULT_PAGE_SIZE, type MoreNode, orderTrials, sweepNode, type TrialNode, trialNodes } from '../../src/extension/tree/model';

const SPACE = JSON.stringify({
  params: [
    { name: 'dropout', path: ['dropout'], kind: 'numeric', distribution: 'uniform', min: 0, max: 0.5, integer: false },
    { name: 'epochs', path: ['epochs'], kind: 'constant', value: 20 },
    { name: 'lr', path: ['lr'], kind: 'numeric', distribution: 'log_uniform_values', min: 1e-4, max: 1e-1, integer: false },
  ],
});

function build(inputs: OpInput[], goal: 'minimize' | 'maximize' = 'minimize', cap: number | null = 10): SweepState {
  const runCap = cap ?? undefined;
  const s = createState();
  let seq = 0;
  const all: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 'sw',
      file: '/w/digits/sweep.yaml',
      text: '',
      spaceKey: SPACE,
      seed: 1,
      metric: { name: 'val_loss', goal },
      method: 'random',
      runCap,
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
    },
    ...inputs,
  ];
  for (const i of all) applyOp(s, { ...i, seq: ++seq, w: 'w', t: 1000 * seq } as Op);
  return s;
}

const asked = (trial: number, lr: number): OpInput => ({
  op: 'trial_asked',
  trial,
  params: { lr, dropout: 0.1 * trial, epochs: 20 },
  source: 'random',
});
const started = (trial: number, attempt = 1): OpInput => ({
  op: 'trial_started',
  trial,
  attempt,
  pid: 100 + trial,
  pgid: 100 + trial,
  argv: [],
});
const metric = (trial: number, v: number | 'NaN', step = 1): OpInput => ({
  op: 'metric',
  trial,
  attempt: 1,
  step,
  values: { val_loss: v, acc: 0.5 },
});
const done = (trial: number): OpInput => ({ op: 'trial_completed', trial, attempt: 1, exitCode: 0 });

const RUNNING: RunnerStatus = { kind: 'running', pid: 42 };
const STOPPED: RunnerStatus = { kind: 'stopped' };

test('a sweep node shows state, progress n/run_cap, the best metric, and menus by contextValue', () => {
  const state = build([
    asked(1, 0.01),
    started(1),
    metric(1, 0.5),
    done(1),
    asked(2, 0.001),
    started(2),
    metric(2, 0.25),
    done(2),
    asked(3, 0.1),
    started(3),
  ]);
  const n = sweepNode({ dir: '/w/.knobs/sweeps/sw', id: 'sw', state, runner: RUNNING });
  assert.equal(n.kind, 'sweep');
  assert.equal(n.label, 'digits/sweep.yaml');
  assert.match(n.description!, /^running · 2\/10 · best val_loss 0\.25 · sw$/);
  assert.equal(n.contextValue, 'knobsSweep.running');
  assert.equal(n.icon!.id, 'sync~spin');
  assert.match(n.ariaLabel, /Sweep digits\/sweep\.yaml sw, running, 2\/10 trials, best val_loss 0\.25/);
  assert.match(n.tooltip!, /best val_loss 0\.25 \(trial 2\)/);
  assert.match(n.tooltip!, /trials: 3 \(1 running, 2 completed/);
});

test('sweep phases: finished, stopped, lost, paused, stopping', () => {
  const fin = build([
    { op: 'runner_started', pid: 1, host: 'h', resumed: false },
    { op: 'sweep_finished', reason: 'run_cap' },
    { op: 'runner_stopped', reason: 'done' },
  ]);
  const f = sweepNode({ dir: '/d', id: 'd', state: fin, runner: STOPPED });
  assert.equal(f.contextValue, 'knobsSweep.finished');
  assert.match(f.description!, /^finished \(run_cap\)/);
  const lost = sweepNode({
    dir: '/d',
    id: 'd',
    state: build([{ op: 'runner_started', pid: 1, host: 'h', resumed: false }]),
    runner: { kind: 'lost', pid: 1 },
  });
  assert.equal(lost.contextValue, 'knobsSweep.lost');
  assert.match(lost.description!, /^runner lost/);
  const paused = sweepNode({
    dir: '/d',
    id: 'd',
    state: build([{ op: 'launch_paused', reason: '3 crashes in a row', kind: 'crash' }]),
    runner: RUNNING,
  });
  assert.equal(paused.contextValue, 'knobsSweep.paused');
  assert.match(paused.description!, /paused \(3 crashes in a row\)/);
  const stopping = sweepNode({ dir: '/d', id: 'd', state: build([{ op: 'stop_requested' }]), runner: RUNNING });
  assert.equal(stopping.contextValue, 'knobsSweep.stopping');
  const none = sweepNode({ dir: '/d', id: 'd', state: build([], 'minimize', null), runner: STOPPED });
  assert.equal(none.contextValue, 'knobsSweep.stopped');
  assert.match(none.description!, /^stopped · 0 done · d$/, 'no cap: a count of finished trials');
});

test('trial nodes: running first, then pending, then best first (minimize), failed last', () => {
  const state = build([
    asked(1, 0.01),
    started(1),
    metric(1, 0.5),
    done(1),
    asked(2, 0.001),
    started(2),
    metric(2, 0.2),
    done(2),
    asked(3, 0.1),
    started(3),
    { op: 'trial_failed', trial: 3, attempt: 1, kind: 'crash', exitCode: 1, signal: null, stderrTail: 'boom', willRetry: false },
    asked(4, 0.02),
    started(4),
    metric(4, 0.9),
    asked(5, 0.03),
    asked(6, 0.04),
    started(6),
    metric(6, 0.3),
    done(6),
  ]);
  assert.deepEqual(
    orderTrials(state).map((t) => t.id),
    [4, 5, 2, 6, 1, 3],
  );
  const nodes = trialNodes({ dir: '/d', id: 'd', state, runner: RUNNING }) as TrialNode[];
  assert.deepEqual(
    nodes.map((n) => n.label),
    ['Trial 4', 'Trial 5', 'Trial 2', 'Trial 6', 'Trial 1', 'Trial 3'],
  );
  const best = nodes.find((n) => n.trial === 2)!;
  assert.equal(best.isBest, true);
  assert.match(best.description!, /^val_loss 0\.2 · lr=0\.001 dropout=0\.2$/, "key params in the trials' order, constants left out");
  assert.equal(best.ariaLabel, 'Trial 2, completed, val_loss 0.2, best');
  assert.equal(best.icon!.id, 'star-full', 'the best trial is marked by its icon');
  const failed = nodes.find((n) => n.trial === 3)!;
  assert.equal(failed.contextValue, 'knobsTrial.failed');
  assert.equal(failed.icon!.id, 'error');
  assert.match(failed.description!, /crashed \(exit code 1\)/, 'the reason shows');
  assert.equal(failed.ariaLabel, 'Trial 3, failed, crashed (exit code 1)');
  const running = nodes.find((n) => n.trial === 4)!;
  assert.equal(running.contextValue, 'knobsTrial.running');
  assert.equal(running.icon!.id, 'sync~spin');
  assert.equal(running.ariaLabel, 'Trial 4, running, val_loss 0.9');
  assert.equal(nodes.find((n) => n.trial === 5)!.icon!.id, 'clock');
});

test('maximize goals order the largest first; last and best both show', () => {
  const state = build(
    [asked(1, 0.01), started(1), metric(1, 0.5, 1), metric(1, 0.4, 2), done(1), asked(2, 0.001), started(2), metric(2, 0.7), done(2)],
    'maximize',
  );
  const nodes = trialNodes({ dir: '/d', id: 'd', state, runner: STOPPED }) as TrialNode[];
  assert.deepEqual(
    nodes.map((n) => n.trial),
    [2, 1],
  );
  assert.match(nodes[1].description!, /val_loss 0\.4 · best 0\.5/);
  assert.match(nodes[1].tooltip!, /acc: 0\.5/);
});

test('NaN values never rank as best and read "NaN"', () => {
  const state = build([asked(1, 0.01), started(1), metric(1, 'NaN'), done(1), asked(2, 0.02), started(2), metric(2, 3), done(2)]);
  const nodes = trialNodes({ dir: '/d', id: 'd', state, runner: STOPPED }) as TrialNode[];
  assert.deepEqual(
    nodes.map((n) => n.trial),
    [2, 1],
  );
  assert.equal(nodes[0].isBest, true);
  assert.match(nodes[1].description!, /val_loss NaN/);
});

test('"Show more" after the best page; a larger limit shows more', () => {
  const ops: OpInput[] = [];
  for (let i = 1; i <= 250; i++) ops.push(asked(i, 0.001 * i), started(i), metric(i, 1000 - i), done(i));
  const state = build(ops, 'minimize', 1000);
  const first = trialNodes({ dir: '/d', id: 'd', state, runner: STOPPED });
  assert.equal(first.length, DEFAULT_PAGE_SIZE + 1);
  const more = first[first.length - 1] as MoreNode;
  assert.equal(more.kind, 'more');
  assert.equal(more.shown, 100);
  assert.equal(more.total, 250);
  assert.equal(more.label, 'Show more (100 of 150 more)');
  assert.equal((first[0] as TrialNode).trial, 250, 'the best (lowest value) first');
  assert.equal((first[99] as TrialNode).trial, 151);
  const second = trialNodes({ dir: '/d', id: 'd', state, runner: STOPPED }, 200);
  assert.equal(second.length, 201);
  assert.equal((second[200] as MoreNode).label, 'Show more (50 of 50 more)');
  const all = trialNodes({ dir: '/d', id: 'd', state, runner: STOPPED }, 300);
  assert.equal(all.length, 250);
  assert.ok(all.every((n) => n.kind === 'trial'));
  const keys = new Set(all.map((n) => n.key));
  assert.equal(keys.size, 250, 'keys are unique and stable');
});

test('a retried trial reads pending (will retry); a stopped one shows its reason', () => {
  const state = build([
    asked(1, 0.01),
    started(1),
    { op: 'trial_failed', trial: 1, attempt: 1, kind: 'crash', exitCode: 1, signal: null, stderrTail: '', willRetry: true },
    asked(2, 0.02),
    started(2),
    metric(2, 1),
    { op: 'trial_stopped', trial: 2, attempt: 1, reason: 'stopped by the user', by: 'user' },
  ]);
  const nodes = trialNodes({ dir: '/d', id: 'd', state, runner: RUNNING }) as TrialNode[];
  const retry = nodes.find((n) => n.trial === 1)!;
  assert.match(retry.ariaLabel, /^Trial 1, pending \(will retry\)/);
  const stopped = nodes.find((n) => n.trial === 2)!;
  assert.equal(stopped.contextValue, 'knobsTrial.stopped');
  assert.match(stopped.description!, /stopped by the user/);
});
