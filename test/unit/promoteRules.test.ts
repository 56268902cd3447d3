/**
 * The rules of a safe Promote, each on its own: budget parameters (core/space/budget.ts), the
 * number written (round.ts), the help string's "(default: X)" (helpDefault.ts), the choice of
 * parameters (choose.ts), and which trials may be promoted (trialGate.ts).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op } from '../../src/core/journal/ops';
import { applyOp, createState, type SweepState } from '../../src/core/journal/reducer';
import { promoteChoices } from '../../src/core/promote/choose';
import { applyEdits, planPromote } from '../../src/core/promote/edits';
import { helpDefaultEdit } from '../../src/core/promote/helpDefault';
import { promotedNumber } from '../../src/core/promote/round';
import { promotableBest, promoteGate } from '../../src/core/promote/trialGate';
import { isBudgetParam } from '../../src/core/space/budget';
import { parseSweep, spaceKey } from '../../src/core/space/parse';
import type { ParamSpec } from '../../src/core/space/types';

test('budget parameters: epochs, steps, iterations in their usual spellings; hyperparameters are not', () => {
  for (const n of [
    'epochs',
    'num_epochs',
    'n_epochs',
    'max_epochs',
    'epoch',
    'steps',
    'max_steps',
    'num_train_epochs',
    'iterations',
    'max_iter',
    'n_iters',
    'total_timesteps',
    'train_steps',
    '--num-epochs',
    'numEpochs',
    'trainer.max_steps',
    'EPOCHS',
  ]) {
    assert.ok(isBudgetParam(n), n);
  }
  for (const n of [
    'lr',
    'batch_size',
    'steps_per_print',
    'warmup_steps',
    'step_size',
    'gamma',
    'epochs_between_evals',
    'seed',
    'optimizer.lr',
  ])
    assert.ok(!isBudgetParam(n), n);
});

const uniform: ParamSpec = {
  kind: 'numeric',
  name: 'lr',
  path: ['lr'],
  distribution: 'log_uniform_values',
  min: 0.01,
  max: 10,
  integer: false,
};
const q = (value: number): ParamSpec => ({
  kind: 'numeric',
  name: 'd',
  path: ['d'],
  distribution: 'q_uniform',
  min: 0,
  max: 1,
  q: value,
  integer: false,
});

test('the number written: 4 significant digits, exact multiples of q, integers and the sweep file’s own values as they are', () => {
  assert.equal(promotedNumber(3.3139081963348613, uniform), 3.314);
  assert.equal(promotedNumber(0.000123456789, uniform), 0.0001235);
  assert.equal(promotedNumber(123456.789, uniform), 123500);
  assert.equal(promotedNumber(0.15000000000000002, q(0.05)), 0.15);
  assert.equal(promotedNumber(0.123456, q(0.001)), 0.123);
  assert.equal(promotedNumber(12.3456, q(0.001)), 12.346, 'a multiple of q keeps every digit q has');
  assert.equal(promotedNumber(3.0000000000000004e-7, q(1e-7)), 3e-7);
  assert.equal(promotedNumber(64, uniform), 64);
  assert.equal(promotedNumber(0.123456, { kind: 'categorical', name: 'x', path: ['x'], values: [0.123456, 1] }), 0.123456);
  assert.equal(promotedNumber(0.123456, undefined), 0.1235, 'no recorded space: rounded');
  assert.equal(promotedNumber('adam', uniform), 'adam');
});

test('help strings: "(default: X)" and "(default=X)" follow the default when X was the old value; anything else is left', () => {
  const plan = (line: string, value: unknown) => {
    const text = `p.add_argument(${line})\n`;
    return applyEdits(text, planPromote(text, 'python', { lr: value }).edits);
  };
  assert.equal(
    plan(`'--lr', type=float, default=1.0, help='learning rate (default: 1.0)'`, 3.314),
    `p.add_argument('--lr', type=float, default=3.314, help='learning rate (default: 3.314)')\n`,
  );
  assert.equal(
    plan(`'--lr', default=1e-3, help="lr (default=0.001)"`, 0.02),
    `p.add_argument('--lr', default=2e-2, help="lr (default=0.02)")\n`,
  );
  assert.equal(
    plan(`'--lr', default=1.0, help='lr (default: 0.5)'`, 2),
    `p.add_argument('--lr', default=2.0, help='lr (default: 0.5)')\n`,
    'a stale help string is not ours to fix',
  );
  assert.equal(
    plan(`'--lr', default=1.0, help='lr (default: %(default)s)'`, 2),
    `p.add_argument('--lr', default=2.0, help='lr (default: %(default)s)')\n`,
  );
  assert.equal(
    plan(`'--lr', default='adam', help='optimizer (default: adam)'`, 'sgd'),
    `p.add_argument('--lr', default='sgd', help='optimizer (default: sgd)')\n`,
  );
  assert.equal(
    plan(`'--lr', default='adam', help="optimizer (default: 'adam')"`, 'sgd'),
    `p.add_argument('--lr', default='sgd', help="optimizer (default: 'sgd')")\n`,
  );
  assert.equal(
    plan(`'--lr', default=True, help='use it (default: True)'`, false),
    `p.add_argument('--lr', default=False, help='use it (default: False)')\n`,
  );
  // a value that cannot sit in the string (argparse formats help with %) leaves it
  assert.equal(helpDefaultEdit({ start: 0, text: "'x (default: a)'" }, "'a'", '50%', 'python'), undefined);
  // click options too
  const click = `@click.option("--lr", default=0.1, help="lr (default: 0.1)")\n`;
  assert.equal(
    applyEdits(click, planPromote(click, 'python', { lr: 0.25 }).edits),
    `@click.option("--lr", default=0.25, help="lr (default: 0.25)")\n`,
  );
});

/** A sweep state from a sweep file's text and trials (params, status, value). */
function stateOf(
  sweep: string,
  trials: { params: Record<string, unknown>; status: 'completed' | 'failed' | 'running' | 'stopped' | 'pruned'; value?: number }[],
): SweepState {
  const { spec } = parseSweep(sweep, { file: '/tmp/sweep.yaml' });
  assert.ok(spec);
  const s = createState();
  let seq = 0;
  const op = (o: Record<string, unknown>) => applyOp(s, { seq: ++seq, t: seq, ...o } as unknown as Op);
  op({
    op: 'sweep_created',
    version: 1,
    method: 'random',
    metric: { name: 'val_loss', goal: 'minimize' },
    spaceKey: spaceKey(spec.space),
    seed: 1,
    text: sweep,
    file: '/tmp/sweep.yaml',
    program: 'main.py',
  });
  trials.forEach((t, i) => {
    const trial = i + 1;
    op({ op: 'trial_asked', trial, params: t.params, source: 'random' });
    op({ op: 'trial_started', trial, attempt: 1, pid: 1, pgid: 1, argv: [] });
    if (t.value !== undefined) op({ op: 'metric', trial, attempt: 1, step: 1, values: { val_loss: t.value } });
    if (t.status === 'completed') op({ op: 'trial_completed', trial, attempt: 1, exitCode: 0 });
    if (t.status === 'failed')
      op({
        op: 'trial_failed',
        trial,
        attempt: 1,
        kind: 'exit',
        exitCode: 2,
        signal: null,
        stderrTail: 'Traceback\nValueError: bad lr\n',
        willRetry: false,
      });
    if (t.status === 'stopped' || t.status === 'pruned')
      op({ op: 'trial_stopped', trial, attempt: 1, by: t.status === 'pruned' ? 'pruned' : 'user', reason: 'asked' });
  });
  return s;
}

const SWEEP =
  'program: main.py\nmethod: random\nmetric: {name: val_loss, goal: minimize}\nparameters:\n  lr: {min: 0.001, max: 1.0}\n' +
  '  epochs: {value: 5}\n  max_steps: {values: [100, 200]}\n  seed: {values: [7]}\n  act: {values: [relu, tanh]}\n';
const PARAMS = { lr: 0.0123456, epochs: 5, max_steps: 200, seed: 7, act: 'tanh' };

test('the choice: searched parameters, budget ones left out even when searched; --all, --include-budget, --params, --full-precision', () => {
  const s = stateOf(SWEEP, [{ params: PARAMS, status: 'completed', value: 1 }]);
  const t = s.byId.get(1)!;
  const show = (o: Parameters<typeof promoteChoices>[3]) =>
    promoteChoices('sw', s, t, o).map((c) => `${c.name}=${String(c.value)}${c.checked ? '' : ` (${c.why})`}`);
  assert.deepEqual(show({}), ['lr=0.01235', 'epochs=5 (budget)', 'max_steps=200 (budget)', 'seed=7 (not searched)', 'act=tanh']);
  assert.deepEqual(show({ includeBudget: true }), [
    'lr=0.01235',
    'epochs=5 (not searched)',
    'max_steps=200',
    'seed=7 (not searched)',
    'act=tanh',
  ]);
  assert.deepEqual(show({ all: true }), ['lr=0.01235', 'epochs=5 (budget)', 'max_steps=200 (budget)', 'seed=7', 'act=tanh']);
  assert.deepEqual(show({ all: true, includeBudget: true, fullPrecision: true }), [
    'lr=0.0123456',
    'epochs=5',
    'max_steps=200',
    'seed=7',
    'act=tanh',
  ]);
  assert.deepEqual(show({ names: ['epochs', 'act'] }), [
    'lr=0.01235 (not picked)',
    'epochs=5',
    'max_steps=200 (not picked)',
    'seed=7 (not picked)',
    'act=tanh',
  ]);
  assert.throws(
    () => promoteChoices('sw', s, t, { names: ['dropout'] }),
    (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'E_USAGE');
      assert.equal(e.message, 'trial 1 of sw has no parameter dropout');
      assert.equal(e.hint, 'name some of its parameters: --params lr,epochs,max_steps,seed,act');
      return true;
    },
  );
});

test('which trials: completed yes; failed and running refused with the reason and a fix; stopped and pruned asked; the best is the best completed', () => {
  const s = stateOf(SWEEP, [
    { params: PARAMS, status: 'completed', value: 0.5 },
    { params: PARAMS, status: 'failed' },
    { params: PARAMS, status: 'running', value: 0.1 },
    { params: PARAMS, status: 'stopped', value: 0.2 },
    { params: PARAMS, status: 'pruned' },
  ]);
  const gate = (id: number) => promoteGate('sw', s.byId.get(id)!, 'val_loss');
  assert.equal(gate(1), undefined);
  assert.throws(
    () => gate(2),
    (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'E_PROMOTE');
      assert.equal(
        e.message,
        'trial 2 of sw failed (crashed (exit code 2): ValueError: bad lr); a config that crashed the script is not promoted',
      );
      assert.match(e.hint ?? '', /promote a completed trial instead/);
      return true;
    },
  );
  assert.throws(() => gate(3), /trial 3 of sw is still running; its config is promoted once it has completed/);
  assert.equal(
    gate(4),
    'Trial 4 was stopped before it finished (val_loss 0.2; asked): its value is from an unfinished run. Promote it anyway?',
  );
  assert.equal(
    gate(5),
    'Trial 5 was pruned before it finished (no val_loss; asked): its value is from an unfinished run. Promote it anyway?',
  );
  assert.equal(promotableBest(s)?.id, 1, 'the running trial 3 and the stopped trial 4 lead, but trial 1 is the best completed');
});
