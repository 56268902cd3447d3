/** Trial counts mean one thing on every face: finished / total (run_cap, else trials asked), running apart. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summaryText } from '../../src/cli/summary';
import { progressOf, progressText, progressWithRunning } from '../../src/core/format/progress';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { applyOp, countTrials, createState, type SweepState } from '../../src/core/journal/reducer';
import { statusText } from '../../src/extension/statusText';
import { sweepNode } from '../../src/extension/tree/model';

function build(inputs: OpInput[], runCap?: number): SweepState {
  const s = createState();
  let seq = 0;
  const all: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 'sw',
      file: '/w/mnist/sweep.yaml',
      text: '',
      spaceKey: '{"params":[]}',
      seed: 1,
      metric: { name: 'val_loss', goal: 'minimize' },
      method: 'random',
      runCap,
      provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
    },
    ...inputs,
  ];
  for (const i of all) applyOp(s, { ...i, seq: ++seq, w: 'w', t: 1000 * seq } as Op);
  return s;
}

const ask = (trial: number): OpInput[] => [
  { op: 'trial_asked', trial, params: { lr: 0.1 * trial }, source: 'random' },
  { op: 'trial_started', trial, attempt: 1, pid: 10 + trial, pgid: 10 + trial, argv: [] },
];
const completed = (trial: number, v: number): OpInput[] => [
  ...ask(trial),
  { op: 'metric', trial, attempt: 1, step: 1, values: { val_loss: v } },
  { op: 'trial_completed', trial, attempt: 1, exitCode: 0 },
];
const failed = (trial: number): OpInput[] => [
  ...ask(trial),
  {
    op: 'trial_failed',
    trial,
    attempt: 1,
    kind: 'crash',
    exitCode: 2,
    signal: null,
    stderrTail: 'error: unrecognized arguments',
    willRetry: false,
  },
];

/** The issue's moment: 6 trials capped, 2 completed, 2 crashed, 2 running. */
const ISSUE = () => build([...completed(1, 0.5), ...completed(2, 0.4), ...failed(3), ...failed(4), ...ask(5), ...ask(6)], 6);
const out = { isTTY: false, columns: 160 } as NodeJS.WriteStream;

test('progressOf: finished = completed + failed + stopped + pruned; total = run_cap, else the trials asked', () => {
  const s = ISSUE();
  const p = progressOf(countTrials(s), 6);
  assert.deepEqual(p, { finished: 4, running: 2, total: 6, capped: true });
  assert.equal(progressText(p), '4/6 finished');
  assert.equal(progressWithRunning(p), '2 running · 4/6 finished');
  assert.equal(progressWithRunning({ ...p, running: 0 }), '4/6 finished', 'no "0 running"');
  const open = progressOf(countTrials(s));
  assert.deepEqual(open, { finished: 4, running: 2, total: 6, capped: false });
  // the dashboard's store keeps counts per state only: the same function reads them
  assert.deepEqual(progressOf({ pending: 1, running: 2, completed: 3, failed: 1, stopped: 1, pruned: 1, interrupted: 1 }, 100), {
    finished: 6,
    running: 2,
    total: 100,
    capped: true,
  });
  assert.equal(
    progressText({ finished: 4900, running: 0, total: 5000, capped: true }, (n) => n.toLocaleString('en-US')),
    '4,900/5,000 finished',
  );
});

test('the tree, the status bar and the CLI say the same count at the same moment', () => {
  const s = ISSUE();
  const tree = sweepNode({ dir: '/w/.knobs/sweeps/sw', id: 'sw', state: s, runner: { kind: 'running', pid: 1 } });
  assert.match(tree.description!, /(^| · )4\/6 finished( · |$)/);
  assert.match(tree.ariaLabel, /4\/6 finished/);
  const bar = statusText('sw', s, { kind: 'running', pid: 1 });
  assert.match(bar.text, /^\$\(beaker\) 2 running · 4\/6 finished · best 0\.4$/);
  assert.match(bar.tooltip, /^2 running · 4\/6 finished; 6 trials asked \(2 completed, 2 failed, 0 stopped\/pruned, 0 waiting\)$/m);
  const cli = summaryText({ state: s, dir: '/w/.knobs/sweeps/sw', runner: { kind: 'running', pid: 1 }, out });
  assert.match(cli, /^trials: 4\/6 finished, 6 asked \(2 completed, 2 running, 2 failed/m);
});
