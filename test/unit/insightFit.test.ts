/** The fit tag column and the best trial's advice in `knobs status`, from a replayed journal. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitTags, summaryText } from '../../src/cli/summary';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { replay } from '../../src/core/journal/reducer';
import { fitContext, trialRow } from '../../src/extension/panel/snapshot';
import { type TrialNode, trialNodes } from '../../src/extension/tree/model';

function journal(trainName = 'train_loss', valName = 'val_loss'): Op[] {
  const inputs: OpInput[] = [
    {
      op: 'sweep_created',
      sweepId: 's1',
      text: '',
      spaceKey: JSON.stringify({ params: [{ name: 'dropout', kind: 'numeric' }] }),
      seed: 1,
      metric: { name: valName, goal: 'minimize' },
      method: 'random',
      provenance: { knobsVersion: '0', nodeVersion: '20', host: 'h', cwd: '/' },
    },
  ];
  // trial 1 overfits (validation rises from epoch 4 while training falls), trial 2 is ok,
  // trial 3 underfits (training loss barely falls)
  const curves: Record<number, { train: number[]; val: number[] }> = {
    1: { train: [1.0, 0.6, 0.45, 0.35, 0.28, 0.22, 0.18, 0.15], val: [1.0, 0.7, 0.55, 0.5, 0.56, 0.62, 0.7, 0.8] },
    2: { train: [1.0, 0.5, 0.35, 0.3, 0.29, 0.29, 0.29, 0.29], val: [1.0, 0.55, 0.42, 0.4, 0.39, 0.39, 0.39, 0.39] },
    3: { train: [1.0, 0.95, 0.92, 0.9, 0.9, 0.9, 0.9, 0.9], val: [1.0, 0.96, 0.93, 0.92, 0.92, 0.92, 0.92, 0.92] },
  };
  for (const id of [1, 2, 3]) {
    inputs.push({ op: 'trial_asked', trial: id, params: { dropout: id / 10 }, source: 'random', index: id - 1 });
    inputs.push({ op: 'trial_started', trial: id, attempt: 1, pid: 1, pgid: 1, argv: [] });
    curves[id].train.forEach((tr, step) =>
      inputs.push({ op: 'metric', trial: id, attempt: 1, step, values: { [trainName]: tr, [valName]: curves[id].val[step] } }),
    );
    inputs.push({ op: 'trial_completed', trial: id, attempt: 1, exitCode: 0 });
  }
  inputs.push({ op: 'sweep_finished', reason: 'run_cap' });
  return inputs.map((o, i) => ({ ...o, seq: i + 1, w: 'test', t: 1000 + i }) as Op);
}

const out = { columns: 200, isTTY: false } as unknown as NodeJS.WriteStream;

test('status shows overfitting / ok / underfitting tags and the best trial’s advice', () => {
  const s = replay(journal());
  const tags = fitTags(s)!;
  assert.equal(tags.get(1)!.tag, 'overfitting');
  assert.equal(tags.get(2)!.tag, 'ok');
  assert.equal(tags.get(3)!.tag, 'underfitting');
  const text = summaryText({ state: s, dir: '/x', runner: { kind: 'stopped' }, out });
  const lines = text.split('\n');
  const header = lines.find((l) => /^trial\s+state/.test(l))!;
  assert.match(header, /\bfit\s+note$|\bfit$/);
  const row = (id: number) => lines.find((l) => new RegExp(`^\\s*${id}\\s+completed`).test(l))!;
  assert.match(row(1), /\boverfitting\b/);
  assert.match(row(2), /\bok\b/);
  assert.match(row(3), /\bunderfitting\b/);
  // best = trial 2 (lowest final val_loss 0.39): ok, no advice line
  assert.match(text, /best: trial 2/);
  assert.match(text, /^fit: ok: /m);
  assert.doesNotMatch(text, /^ {2}next: /m);
});

test('the best trial’s advice line; --train-metric/--val-metric pick other names; no column without the metrics', () => {
  // make trial 1 the best by the metric: its last validation value is not the lowest, so rename
  const ops = journal('loss_tr', 'loss_va');
  const s = replay(ops);
  assert.equal(fitTags(s), undefined, 'default names are absent: no tags');
  const plain = summaryText({ state: s, dir: '/x', runner: { kind: 'stopped' }, out });
  assert.doesNotMatch(plain, /\bfit\b/);
  const text = summaryText({ state: s, dir: '/x', runner: { kind: 'stopped' }, out, fit: { train: 'loss_tr', val: 'loss_va' } });
  assert.match(text, /\boverfitting\b/);
  // drop trials 2 and 3: the overfitting trial is the best; its advice is Goodfellow's
  const only1 = replay(ops.filter((o) => !('trial' in o) || o.trial === 1));
  const t1 = summaryText({ state: only1, dir: '/x', runner: { kind: 'stopped' }, out, fit: { train: 'loss_tr', val: 'loss_va' } });
  assert.match(t1, /^fit: overfitting: validation loss rose/m);
  assert.match(t1, /^ {2}next: more regularisation: raise dropout, weight decay/m);
});

test('knobs status, the tree and the dashboard agree on every trial’s fit (completed, failed, stopped)', () => {
  // trial 1 completes with a plateaued training loss of 0.3 (ok on its own); trial 2 crashed
  // after reaching a training loss of 0.1 (its last report is no ending: it must not make trial 1
  // "underfitting"); trial 3 was stopped at 0.65, more than twice trial 1's 0.3 (underfitting).
  const base = journal().filter((o) => o.op === 'sweep_created');
  const inputs: OpInput[] = [];
  const curves: Record<number, { train: number[]; val: number[]; end: 'completed' | 'failed' | 'stopped' }> = {
    1: {
      train: [1.0, 0.6, 0.4, 0.32, 0.3, 0.3, 0.3, 0.3, 0.3],
      val: [1.0, 0.65, 0.47, 0.39, 0.37, 0.37, 0.37, 0.37, 0.37],
      end: 'completed',
    },
    2: { train: [1.0, 0.5, 0.25, 0.15, 0.1], val: [1.0, 0.55, 0.35, 0.3, 0.29], end: 'failed' },
    3: {
      train: [1.0, 0.85, 0.74, 0.68, 0.65, 0.65, 0.65, 0.65, 0.65],
      val: [1.0, 0.88, 0.78, 0.72, 0.69, 0.69, 0.69, 0.69, 0.69],
      end: 'stopped',
    },
  };
  for (const id of [1, 2, 3]) {
    const c = curves[id];
    inputs.push({ op: 'trial_asked', trial: id, params: { dropout: id / 10 }, source: 'random', index: id - 1 });
    inputs.push({ op: 'trial_started', trial: id, attempt: 1, pid: 1, pgid: 1, argv: [] });
    c.train.forEach((tr, step) =>
      inputs.push({ op: 'metric', trial: id, attempt: 1, step, values: { train_loss: tr, val_loss: c.val[step] } }),
    );
    if (c.end === 'completed') inputs.push({ op: 'trial_completed', trial: id, attempt: 1, exitCode: 0 });
    else if (c.end === 'failed')
      inputs.push({
        op: 'trial_failed',
        trial: id,
        attempt: 1,
        kind: 'crash',
        exitCode: 1,
        signal: null,
        willRetry: false,
        stderrTail: 'RuntimeError',
      } as OpInput);
    else inputs.push({ op: 'trial_stopped', trial: id, attempt: 1, reason: 'stopped by user', by: 'user' } as OpInput);
  }
  const ops = [...base, ...inputs.map((o, i) => ({ ...o, seq: i + 2, w: 'test', t: 2000 + i }) as Op)];
  const s = replay(ops);
  assert.deepEqual(
    s.trials.map((t) => t.status),
    ['completed', 'failed', 'stopped'],
  );
  const cli = fitTags(s)!;
  const rows = new Map(s.trials.map((t) => [t.id, trialRow(t, fitContext(s))]));
  const nodes = new Map(
    (trialNodes({ dir: '/d', id: 'd', state: s, runner: { kind: 'stopped' } }) as TrialNode[]).map((n) => [n.trial, n]),
  );
  const treeTag = (id: number) => /\b(overfitting|underfitting|ok)\b/.exec(nodes.get(id)!.description ?? '')?.[1];
  assert.equal(cli.get(1)!.tag, 'ok', cli.get(1)!.reason);
  assert.equal(cli.get(3)!.tag, 'underfitting', cli.get(3)!.reason);
  for (const id of [1, 2, 3]) {
    const tag = cli.get(id)!.tag;
    assert.equal(rows.get(id)!.fit, tag === 'unknown' ? undefined : tag, `dashboard row of trial ${id}`);
    assert.equal(treeTag(id), tag === 'unknown' ? undefined : tag, `tree node of trial ${id}`);
  }
});
