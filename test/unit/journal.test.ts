import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KnobsError } from '../../src/core/errors';
import type { Op, OpInput } from '../../src/core/journal/ops';
import { JournalTail, parseJournalText, readJournal } from '../../src/core/journal/reader';
import { applyOp, bestTrial, countTrials, createState, replay } from '../../src/core/journal/reducer';
import { JournalWriter } from '../../src/core/journal/writer';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-journal-')), 'journal.jsonl');

const created: OpInput = {
  op: 'sweep_created',
  sweepId: 's1',
  text: 'x',
  spaceKey: '{}',
  seed: 1,
  metric: { name: 'loss', goal: 'minimize' },
  method: 'random',
  provenance: { knobsVersion: '0', nodeVersion: 'v20', host: 'h', cwd: '/' },
};

function sample(): OpInput[] {
  return [
    created,
    { op: 'runner_started', pid: 1, host: 'h', resumed: false },
    { op: 'trial_asked', trial: 1, params: { x: 1 }, source: 'random', index: 0 },
    { op: 'trial_started', trial: 1, attempt: 1, pid: 10, pgid: 10, argv: ['a'] },
    { op: 'metric', trial: 1, attempt: 1, step: 1, values: { loss: 0.5 } },
    { op: 'metric', trial: 1, attempt: 1, step: 2, values: { loss: 'NaN' } },
    { op: 'metric', trial: 1, attempt: 1, step: 3, values: { loss: 0.25 } },
    { op: 'trial_completed', trial: 1, attempt: 1, exitCode: 0 },
  ];
}

test('writer stamps gap-free seq, worker id and time; reader and reducer replay it', () => {
  const file = tmp();
  const w = JournalWriter.open(file, { workerId: 'w1', now: () => 42 });
  for (const op of sample()) w.append(op);
  w.close();
  const { ops, bad } = readJournal(file);
  assert.deepEqual(bad, []);
  assert.deepEqual(
    ops.map((o) => o.seq),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.ok(ops.every((o) => o.w === 'w1' && o.t === 42));
  const s = replay(ops);
  const t = s.byId.get(1)!;
  assert.equal(t.status, 'completed');
  assert.equal(t.value, 0.25, 'value = last report');
  assert.equal(t.best, 0.25, 'NaN never becomes best');
  assert.ok(Number.isNaN(t.series.loss[1].value));
  assert.equal(bestTrial(s)?.id, 1);
  assert.equal(countTrials(s).finished, 1);
});

test('lifecycle ops are written before append returns; their fsync runs in the background, shared by the ops written meanwhile', async () => {
  const file = tmp();
  let fsyncs = 0;
  const io = { write: (fd: number, d: string) => void fs.writeSync(fd, d), fsync: (fd: number) => (fsyncs++, fs.fsyncSync(fd)) };
  const w = JournalWriter.open(file, { workerId: 'w', io, flushIntervalMs: 50, flushLines: 1000 });
  w.append(created);
  assert.equal(readJournal(file).ops.length, 1, 'in the file when append returns');
  assert.equal(fsyncs, 0, 'the fsync does not block append');
  assert.equal(w.acknowledgedSeq, 0, 'not acknowledged before its fsync returned');
  w.append({ op: 'runner_started', pid: 1, host: 'h', resumed: false });
  w.append({ op: 'trial_asked', trial: 1, params: { x: 1 }, source: 'random', index: 0 });
  assert.equal(readJournal(file).ops.length, 3);
  await w.settled();
  assert.equal(fsyncs, 1, 'one fsync for the three ops (group commit)');
  assert.equal(w.acknowledgedSeq, 3);
  w.close();
});

test('metric ops are group-committed: written every window or flushLines, and before the next lifecycle op', async () => {
  const file = tmp();
  let fsyncs = 0;
  const io = { write: (fd: number, d: string) => void fs.writeSync(fd, d), fsync: (fd: number) => (fsyncs++, fs.fsyncSync(fd)) };
  const w = JournalWriter.open(file, { workerId: 'w', io, flushIntervalMs: 50, flushLines: 1000 });
  w.append(created);
  await w.settled();
  assert.equal(fsyncs, 1);
  for (let i = 0; i < 500; i++) w.append({ op: 'metric', trial: 1, attempt: 1, step: i, values: { loss: i } });
  assert.equal(readJournal(file).ops.length, 1, 'metrics wait for the window');
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(readJournal(file).ops.length, 501, 'written after the window');
  await w.settled();
  assert.equal(fsyncs, 2, 'one fsync for the whole batch');
  assert.equal(w.acknowledgedSeq, 501);
  for (let i = 0; i < 1000; i++) w.append({ op: 'metric', trial: 1, attempt: 1, step: i, values: { loss: i } });
  assert.equal(readJournal(file).ops.length, 1501, 'a full batch of 1000 lines is written at once');
  w.append({ op: 'metric', trial: 1, attempt: 1, step: 0, values: {} });
  w.append({ op: 'trial_completed', trial: 1, attempt: 1, exitCode: 0 });
  const ops = readJournal(file).ops;
  assert.equal(ops.length, 1503, 'a lifecycle op writes the pending metrics with it');
  assert.equal(ops[ops.length - 1].op, 'trial_completed');
  assert.equal(ops[ops.length - 2].op, 'metric');
  await w.settled();
  assert.equal(w.acknowledgedSeq, 1503);
  w.close();
});

test('metric lines are the same JSON as JSON.stringify of the op, non-finite values included', () => {
  const file = tmp();
  const w = JournalWriter.open(file, { workerId: 'w"1', now: () => 1.5 });
  const inputs: OpInput[] = [
    { op: 'metric', trial: 1, attempt: 2, step: 3, values: { loss: 0.1 + 0.2, 'we"ird\nname': -0, big: 1e21, tiny: 5e-324 } },
    { op: 'metric', trial: 1, attempt: 2, step: 4.5, values: { loss: 'NaN', acc: 'Infinity', neg: '-Infinity' } },
    { op: 'metric', trial: 1, attempt: 2, step: 5, values: {} },
  ];
  const expected: string[] = [];
  for (const input of inputs) {
    const op = w.append(input);
    assert.equal(w.lastLine, `${JSON.stringify(op)}\n`);
    expected.push(JSON.stringify({ ...input, seq: op.seq, w: 'w"1', t: 1.5 }));
  }
  w.close();
  assert.deepEqual(fs.readFileSync(file, 'utf8').trimEnd().split('\n'), expected);
});

test('a runner killed right after append returns keeps the lifecycle op (a real SIGKILL)', () => {
  const file = tmp();
  const writer = path.resolve(__dirname, '../../src/core/journal/writer.js');
  const script = `
    const { JournalWriter } = require(${JSON.stringify(writer)});
    const w = JournalWriter.open(${JSON.stringify(file)}, { workerId: 'victim' });
    w.append(${JSON.stringify(created)});
    for (let i = 1; i <= 50; i++) w.append({ op: 'metric', trial: 1, attempt: 1, step: i, values: { loss: i } });
    w.append({ op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: ['x'] });
    process.kill(process.pid, 'SIGKILL');
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  const ops = readJournal(file).ops;
  assert.equal(ops.length, 52, 'every op appended before the kill is in the file');
  assert.equal(ops[51].op, 'trial_started');
});

test('close() with a background fsync in flight leaves a complete, acknowledged journal', async () => {
  const file = tmp();
  const w = JournalWriter.open(file, { workerId: 'w' });
  for (const op of sample()) w.append(op);
  w.close();
  assert.equal(w.acknowledgedSeq, 8);
  await w.settled();
  await new Promise((r) => setTimeout(r, 20)); // the background fsync returns on a closed writer
  assert.equal(readJournal(file).ops.length, 8);
});

test('a failed background fsync is reported through onError and fails later appends', async () => {
  const file = tmp();
  const io = {
    write: (fd: number, d: string) => void fs.writeSync(fd, d),
    fsync: () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    },
  };
  const w = JournalWriter.open(file, { workerId: 'w', io });
  const got = new Promise<KnobsError>((resolve) => (w.onError = resolve));
  w.append(created);
  const e = await got;
  assert.equal(e.code, 'E_DISK');
  assert.equal(w.acknowledgedSeq, 0);
  assert.throws(
    () => w.append(created),
    (x: unknown) => x instanceof KnobsError && x.code === 'E_DISK',
  );
  await w.settled(); // resolves on a failed writer
});

test('a torn last line is ignored by readers and cut off by the next writer', () => {
  const file = tmp();
  const w = JournalWriter.open(file, { workerId: 'a' });
  for (const op of sample()) w.append(op);
  w.close();
  const whole = fs.readFileSync(file);
  fs.appendFileSync(file, '{"op":"metric","seq":9,"w":"a","t":1,"trial":1,"att');
  const r = readJournal(file);
  assert.equal(r.ops.length, 8);
  assert.equal(r.validBytes, whole.length);
  const w2 = JournalWriter.open(file, { workerId: 'b' });
  assert.equal(w2.lastSeq, 8);
  w2.append({ op: 'notice', level: 'info', message: 'after repair' });
  w2.close();
  const after = readJournal(file);
  assert.deepEqual(after.bad, []);
  assert.equal(after.ops.length, 9);
  assert.equal(after.ops[8].seq, 9);
});

test('a complete but corrupt last line counts as torn; a corrupt middle line is skipped and reported', () => {
  const lines = sample().map((o, i) => JSON.stringify({ ...o, seq: i + 1, w: 'w', t: 0 }));
  const mid = `${[...lines.slice(0, 3), '{"op": garbage', ...lines.slice(3)].join('\n')}\n`;
  const r1 = parseJournalText(Buffer.from(mid));
  assert.equal(r1.ops.length, 8);
  assert.deepEqual(r1.bad, [4]);
  const tail = `${lines.join('\n')}\n{"op":"metr\n`;
  const r2 = parseJournalText(Buffer.from(tail));
  assert.equal(r2.ops.length, 8);
  assert.deepEqual(r2.bad, []);
  assert.equal(r2.validBytes, Buffer.byteLength(`${lines.join('\n')}\n`));
});

test('duplicate ops (same seq) are applied once', () => {
  const ops = sample().map((o, i) => ({ ...o, seq: i + 1, w: 'w', t: i }) as Op);
  const dup = [...ops.slice(0, 5), ops[4], ops[4], ...ops.slice(5)];
  const s = replay(dup);
  assert.equal(s.byId.get(1)!.series.loss.length, 3);
  assert.equal(s.byId.get(1)!.reports, 3);
  const s2 = createState();
  for (const op of [...ops, ...ops]) applyOp(s2, op);
  assert.equal(s2.trials.length, 1);
});

test('retries, interrupts and failures move trial states as documented', () => {
  const ops: OpInput[] = [
    created,
    { op: 'trial_asked', trial: 1, params: {}, source: 'random', index: 0 },
    { op: 'trial_started', trial: 1, attempt: 1, pid: 1, pgid: 1, argv: [] },
    { op: 'metric', trial: 1, attempt: 1, step: 1, values: { loss: 3 } },
    { op: 'trial_failed', trial: 1, attempt: 1, kind: 'crash', exitCode: 1, signal: null, stderrTail: 'boom', willRetry: true },
  ];
  const s = replay(ops.map((o, i) => ({ ...o, seq: i + 1, w: 'w', t: i }) as Op));
  const t = s.byId.get(1)!;
  assert.equal(t.status, 'pending', 'a failure that will retry is not final');
  assert.equal(countTrials(s).finished, 0);
  applyOp(s, { op: 'trial_started', trial: 1, attempt: 2, pid: 2, pgid: 2, argv: [], seq: 6, w: 'w', t: 6 });
  assert.equal(t.value, undefined, 'a new attempt starts a fresh series');
  applyOp(s, { op: 'metric', trial: 1, attempt: 1, step: 2, values: { loss: 1 }, seq: 7, w: 'w', t: 7 });
  assert.equal(t.reports, 0, 'late metrics of an old attempt are ignored');
  applyOp(s, { op: 'trial_interrupted', trial: 1, attempt: 2, reason: 'runner stopped', seq: 8, w: 'w', t: 8 });
  assert.equal(t.status, 'interrupted');
  assert.equal(t.reason, 'runner stopped');
  assert.equal(countTrials(s).finished, 0, 'interrupted attempts do not count toward run_cap');
  assert.equal(t.attempts.length, 2);
  assert.equal(t.attempts[0].failureKind, 'crash');
});

test('JournalTail reads incrementally, holding a partial line until it completes', () => {
  const file = tmp();
  const tail = new JournalTail(file);
  assert.deepEqual(tail.read(), [], 'missing file reads as empty');
  const lines = sample().map((o, i) => `${JSON.stringify({ ...o, seq: i + 1, w: 'w', t: 0 })}\n`);
  fs.writeFileSync(file, lines[0] + lines[1].slice(0, 10));
  assert.deepEqual(
    tail.read().map((o) => o.seq),
    [1],
  );
  fs.appendFileSync(file, lines[1].slice(10) + lines[2]);
  assert.deepEqual(
    tail.read().map((o) => o.seq),
    [2, 3],
  );
  assert.deepEqual(tail.read(), []);
});

test('a full disk gives a clear E_DISK error (real ENOSPC from /dev/full) and never a silent loss', {
  skip: !fs.existsSync('/dev/full') && 'no /dev/full',
}, () => {
  const w = JournalWriter.open('/dev/full', { workerId: 'w' });
  let reported: KnobsError | undefined;
  w.onError = (e) => (reported = e);
  assert.throws(
    () => w.append(created),
    (e: unknown) =>
      e instanceof KnobsError && e.code === 'E_DISK' && /disk is full/.test(e.message) && /free some disk space/.test(e.hint ?? ''),
  );
  assert.equal(reported?.code, 'E_DISK');
  assert.equal(w.acknowledgedSeq, 0, 'nothing was acknowledged');
  assert.throws(() => w.append(created), /disk is full/, 'later appends fail too');
});

test('an injected write failure in the group-commit path is reported through onError', async () => {
  const file = tmp();
  let fail = false;
  const io = {
    write: (fd: number, d: string) => {
      if (fail) throw Object.assign(new Error('EROFS'), { code: 'EROFS' });
      fs.writeSync(fd, d);
    },
    fsync: (fd: number) => fs.fsyncSync(fd),
  };
  const w = JournalWriter.open(file, { workerId: 'w', io, flushIntervalMs: 10 });
  w.append(created);
  fail = true;
  const got = new Promise<KnobsError>((resolve) => (w.onError = resolve));
  w.append({ op: 'metric', trial: 1, attempt: 1, step: 1, values: { loss: 1 } });
  const e = await got;
  assert.match(e.message, /read-only/);
  assert.equal(readJournal(file).ops.length, 1, 'the journal stays readable');
});
