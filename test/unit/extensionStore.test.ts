/** SweepStore: incremental tails per sweep, debounced touches, changed-trial sets, removal. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { OpInput } from '../../src/core/journal/ops';
import { type SweepChange, SweepStore } from '../../src/extension/sweeps/store';

function sweepDir(id = 'sw1'): { dir: string; journal: string; append: (...ops: OpInput[]) => void; appendRaw: (s: string) => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-ext-store-'));
  const dir = path.join(root, '.knobs', 'sweeps', id);
  fs.mkdirSync(dir, { recursive: true });
  const journal = path.join(dir, 'journal.jsonl');
  let seq = 0;
  const appendRaw = (s: string) => fs.appendFileSync(journal, s);
  const append = (...ops: OpInput[]) =>
    appendRaw(ops.map((o) => `${JSON.stringify({ ...o, seq: ++seq, w: 'w', t: 1000 + seq })}\n`).join(''));
  append({
    op: 'sweep_created',
    sweepId: id,
    file: path.join(root, 'sweep.yaml'),
    text: '',
    spaceKey: '{"params":[]}',
    seed: 1,
    metric: { name: 'loss', goal: 'minimize' },
    method: 'random',
    provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
  });
  return { dir, journal, append, appendRaw };
}

const asked = (trial: number): OpInput => ({ op: 'trial_asked', trial, params: { x: trial }, source: 'random' });

test('add reads the journal; flush applies only new ops and names the trials they touched', () => {
  const s = sweepDir();
  s.append(asked(1), asked(2));
  const store = new SweepStore({ debounceMs: 0 });
  const events: SweepChange[] = [];
  store.onDidChange((c) => events.push(c));
  const e = store.add(s.journal);
  assert.equal(e.dir, s.dir);
  assert.equal(e.id, 'sw1');
  assert.equal(e.state.trials.length, 2);
  assert.equal(events[0].kind, 'added');
  s.append(
    { op: 'trial_started', trial: 2, attempt: 1, pid: 1, pgid: 1, argv: [] },
    { op: 'metric', trial: 2, attempt: 1, step: 1, values: { loss: 0.5 } },
    asked(3),
  );
  const c = store.flush(s.dir)!;
  assert.equal(c.kind, 'changed');
  assert.equal(c.ops, 3);
  assert.deepEqual([...c.trials].sort(), [2, 3]);
  assert.equal(c.meta, false);
  assert.equal(e.state.byId.get(2)!.value, 0.5);
  assert.equal(e.state.trials.length, 3);
  assert.equal(store.flush(s.dir), undefined, 'nothing new → no event');
  s.append({ op: 'sweep_finished', reason: 'run_cap' });
  assert.equal(store.flush(s.dir)!.meta, true, 'sweep-level ops flag meta');
  store.dispose();
});

test('a torn last line waits for its newline (no op lost, none duplicated)', () => {
  const s = sweepDir();
  const store = new SweepStore({ debounceMs: 0 });
  const e = store.add(s.journal);
  const line = JSON.stringify({ op: 'trial_asked', trial: 1, params: {}, source: 'random', seq: 2, w: 'w', t: 2 });
  s.appendRaw(line.slice(0, 20));
  assert.equal(store.flush(s.dir), undefined);
  s.appendRaw(`${line.slice(20)}\n`);
  assert.deepEqual([...store.flush(s.dir)!.trials], [1]);
  assert.equal(e.state.trials.length, 1);
  store.dispose();
});

test('touch is debounced: a burst of events makes one read and one change event', async () => {
  const s = sweepDir();
  const store = new SweepStore({ debounceMs: 30 });
  store.add(s.journal);
  const events: SweepChange[] = [];
  store.onDidChange((c) => events.push(c));
  for (let i = 1; i <= 20; i++) {
    s.append(asked(i));
    store.touch(s.journal);
  }
  assert.equal(events.length, 0, 'nothing before the debounce');
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(events.length, 1);
  assert.equal(events[0].ops, 20);
  assert.equal(events[0].trials.size, 20);
  store.dispose();
});

test('touch of an unknown journal adds it; list is newest first; byFile finds by sweep file; remove', () => {
  const a = sweepDir('a');
  const b = sweepDir('b');
  const store = new SweepStore({ debounceMs: 0 });
  const kinds: string[] = [];
  store.onDidChange((c) => kinds.push(`${c.kind}:${path.basename(c.dir)}`));
  store.touch(a.journal);
  store.touch(b.journal);
  assert.deepEqual(kinds, ['added:a', 'added:b']);
  assert.equal(store.list().length, 2);
  const file = store.get(a.dir)!.state.created!.file!;
  assert.deepEqual(
    store.byFile(file).map((e) => e.id),
    ['a'],
  );
  store.remove(a.journal);
  assert.equal(store.has(a.dir), false);
  assert.deepEqual(kinds.slice(-1), ['removed:a']);
  store.remove(b.dir);
  assert.equal(store.list().length, 0);
  store.dispose();
  store.dispose(); // idempotent
});

test('runner status: a lock held by a live pid reads running; refreshRunners notices when it goes', () => {
  const s = sweepDir();
  s.append({ op: 'runner_started', pid: process.pid, host: os.hostname(), resumed: false });
  const lock = path.join(s.dir, 'runner.lock');
  fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: Date.now() }));
  const store = new SweepStore({ debounceMs: 0 });
  const e = store.add(s.journal);
  assert.equal(e.runner.kind, 'running');
  assert.equal(store.anyRunning(), true);
  const events: SweepChange[] = [];
  store.onDidChange((c) => events.push(c));
  fs.rmSync(lock);
  store.refreshRunners();
  assert.equal(e.runner.kind, 'lost', 'started, never stopped, no lock: lost');
  assert.equal(events.length, 1);
  assert.equal(events[0].meta, true);
  store.refreshRunners();
  assert.equal(events.length, 1, 'no change, no event');
  store.dispose();
});

test('a listener that throws does not stop the others; errors reach onError', () => {
  const s = sweepDir();
  const errors: unknown[] = [];
  const store = new SweepStore({ debounceMs: 0, onError: (e) => errors.push(e) });
  let heard = 0;
  store.onDidChange(() => {
    throw new Error('boom');
  });
  store.onDidChange(() => heard++);
  store.add(s.journal);
  assert.equal(heard, 1);
  assert.equal(errors.length, 1);
  store.dispose();
});
