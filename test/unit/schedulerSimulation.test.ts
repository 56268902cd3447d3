/**
 * The simulated executor's fake clock (manual driving: advance / runUntilIdle, stop at the next
 * tick, costs in simulated ms, determinism), and a whole sweep through the real SweepRunner with
 * ASHA on recorded curves, replayed by the simulated executor (no real time spent on trials).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readJournal } from '../../src/core/journal/reader';
import { applyOp, createState } from '../../src/core/journal/reducer';
import type { ExitInfo, LaunchSpec } from '../../src/core/runner/executor';
import { ReportParser } from '../../src/core/runner/reportParser';
import { curveFromValues, reportLine, SimClock, SimulatedExecutor } from '../../src/core/runner/simulatedExecutor';
import { createScheduler } from '../../src/core/schedulers/registry';
import { parseSweep } from '../../src/core/space/parse';
import { createSweep } from '../../src/core/sweep/create';
import { SweepRunner } from '../../src/core/sweep/runner';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-sim-'));
const spec = (dir: string, trialId: number, timeoutMs?: number): LaunchSpec => ({
  trialId,
  attempt: 1,
  argv: ['simulated'],
  cwd: dir,
  env: {},
  stdoutPath: path.join(dir, `${trialId}.out`),
  stderrPath: path.join(dir, `${trialId}.err`),
  timeoutMs,
});

function collect() {
  const lines: { t: number; line: string }[] = [];
  const exits: { t: number; info: ExitInfo }[] = [];
  return { lines, exits };
}

describe('simulated executor (manual clock)', () => {
  test('points at start + startup + (i+1)·epoch, exit after the last; nothing before the clock moves', () => {
    const dir = tmp();
    const ex = new SimulatedExecutor({
      curveFor: () => curveFromValues('loss', [0.5, 0.4, 0.3]),
      startupMs: 1000,
      epochMs: 100,
      auto: false,
    });
    const c = collect();
    const h = ex.start(spec(dir, 1), {
      onLine: (_s, line) => c.lines.push({ t: ex.now, line }),
      onExit: (info) => c.exits.push({ t: ex.now, info }),
    });
    assert.equal(c.lines.length, 0);
    ex.advance(1099);
    assert.equal(c.lines.length, 0, 'the first point is due at 1100');
    ex.advance(1);
    assert.deepEqual(c.lines, [{ t: 1100, line: reportLine(1, { loss: 0.5 }) }]);
    assert.equal(ex.runUntilIdle() > 0, true);
    assert.deepEqual(
      c.lines.map((l) => l.t),
      [1100, 1200, 1300],
    );
    assert.equal(c.exits.length, 1);
    assert.equal(c.exits[0].t, 1300);
    assert.equal(c.exits[0].info.code, 0);
    assert.equal(ex.epochs, 3);
    assert.deepEqual(ex.finished, [{ trialId: 1, attempt: 1, startedAt: 0, endedAt: 1300, points: 3, stoppedBy: undefined }]);
    assert.equal(
      fs.readFileSync(path.join(dir, '1.out'), 'utf8'),
      `${[1, 2, 3].map((s, i) => reportLine(s, { loss: [0.5, 0.4, 0.3][i] })).join('\n')}\n`,
    );
    assert.equal(h.pid > 0 && h.pgid === h.pid, true);
  });

  test('lines parse with the runner’s ReportParser (NaN and ±Infinity too)', () => {
    const p = new ReportParser({ metricName: 'loss' });
    assert.deepEqual(p.parse(reportLine(3, { loss: 0.25, acc: 0.9 })), { step: 3, values: { loss: 0.25, acc: 0.9 } });
    assert.ok(Number.isNaN(p.parse(reportLine(4, { loss: NaN }))!.values.loss));
    assert.equal(p.parse(reportLine(5, { loss: -Infinity }))!.values.loss, -Infinity);
  });

  test('stop takes effect at the next tick: no more points, exit SIGTERM at the same instant', () => {
    const dir = tmp();
    const ex = new SimulatedExecutor({
      curveFor: () => curveFromValues('loss', [5, 4, 3, 2, 1]),
      startupMs: 0,
      epochMs: 10,
      auto: false,
      writeLogs: false,
    });
    const c = collect();
    const h = ex.start(spec(dir, 1), {
      onLine: (_s, line) => {
        c.lines.push({ t: ex.now, line });
        if (c.lines.length === 2) h.stop('pruned');
      },
      onExit: (info) => c.exits.push({ t: ex.now, info }),
    });
    ex.runUntilIdle();
    assert.equal(c.lines.length, 2);
    assert.equal(c.exits[0].t, 20);
    assert.equal(c.exits[0].info.signal, 'SIGTERM');
    assert.deepEqual(c.exits[0].info.stoppedBy, { reason: 'pruned', timeout: false });
    assert.equal(ex.epochs, 2, 'epochs count what ran');
  });

  test('a stop from outside waits for the clock; ignoreSigterm runs on through the grace, then SIGKILL', () => {
    const dir = tmp();
    const ex = new SimulatedExecutor({
      curveFor: () => curveFromValues('loss', [5, 4, 3, 2, 1], { ignoreSigterm: true }),
      startupMs: 0,
      epochMs: 10,
      auto: false,
      writeLogs: false,
    });
    const c = collect();
    const h = ex.start(spec(dir, 1), {
      onLine: (_s, line) => c.lines.push({ t: ex.now, line }),
      onExit: (info) => c.exits.push({ t: ex.now, info }),
    });
    ex.advance(15);
    h.stop('stop', { graceMs: 20 });
    assert.equal(c.exits.length, 0, 'not inside stop()');
    ex.runUntilIdle();
    assert.deepEqual(
      c.lines.map((l) => l.t),
      [10, 20, 30],
    );
    assert.equal(c.exits[0].t, 35);
    assert.equal(c.exits[0].info.signal, 'SIGKILL');
  });

  test('a timeout in simulated ms; two trials interleave by time; runs are deterministic', () => {
    const run = () => {
      const dir = tmp();
      const clock = new SimClock();
      const ex = new SimulatedExecutor({
        clock,
        curveFor: (s) => curveFromValues('loss', s.trialId === 1 ? [1, 2, 3, 4] : [9, 8]),
        startupMs: 5,
        epochMs: 7,
        auto: false,
        writeLogs: false,
      });
      const log: string[] = [];
      for (const id of [1, 2]) {
        ex.start(spec(dir, id, id === 1 ? 20 : undefined), {
          onLine: (_s, line) => log.push(`${clock.now} t${id} ${line}`),
          onExit: (info) => log.push(`${clock.now} t${id} exit ${info.code} ${info.signal} ${info.stoppedBy?.timeout ?? '-'}`),
        });
      }
      ex.runUntilIdle();
      return log;
    };
    const a = run();
    assert.deepEqual(a, run());
    assert.deepEqual(
      a.map((l) => l.replace(/ @@knobs .*"loss":(\S+?)}}/, ' $1')),
      ['12 t1 1', '12 t2 9', '19 t1 2', '19 t2 8', '19 t2 exit 0 null -', '20 t1 exit null SIGTERM true'],
    );
  });

  test('no curve → a spawn error exit with pid −1; dispose kills what runs', () => {
    const dir = tmp();
    const ex = new SimulatedExecutor({
      curveFor: (s) => (s.trialId === 1 ? undefined : curveFromValues('loss', [1, 2, 3])),
      auto: false,
      writeLogs: false,
    });
    const exits: ExitInfo[] = [];
    const h1 = ex.start(spec(dir, 1), { onLine: () => {}, onExit: (i) => exits.push(i) });
    const h2 = ex.start(spec(dir, 2), { onLine: () => {}, onExit: (i) => exits.push(i) });
    assert.equal(h1.pid, -1);
    assert.ok(h2.pid > 0);
    ex.dispose();
    ex.runUntilIdle();
    assert.match(exits[0].spawnError!, /no recorded curve for trial 1/);
    assert.equal(exits[1].signal, 'SIGKILL');
    assert.equal(ex.running, 0);
  });
});

test('a sweep through the real runner: ASHA prunes on recorded curves replayed by the simulated executor', async () => {
  const rec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/curves/pytorch-digits.json'), 'utf8')) as {
    curves: { id: number; val_loss: number[] }[];
  };
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'train.py'), '# replayed by the simulated executor\n');
  const ids = rec.curves.map((c) => c.id);
  const text = `program: train.py
method: grid
metric: {name: val_loss, goal: minimize}
parameters:
  curve: {values: [${ids.join(', ')}]}
max_concurrent: 2
early_terminate: {type: asha, max_t: 20, grace_period: 1, reduction_factor: 3}
`;
  fs.writeFileSync(path.join(dir, 'sweep.yaml'), text);
  const parsed = parseSweep(text, { file: path.join(dir, 'sweep.yaml') });
  assert.ok(parsed.spec, JSON.stringify(parsed.diagnostics));
  const sweepSpec = parsed.spec!;
  const paths = createSweep({ spec: sweepSpec, knobsDir: path.join(dir, '.knobs'), seed: 1 });
  const byId = new Map(rec.curves.map((c) => [c.id, curveFromValues('val_loss', c.val_loss)]));
  const executor = new SimulatedExecutor({
    curveFor: (s) => byId.get(Number(JSON.parse(s.env.KNOBS_PARAMS ?? '{}').curve)),
    startupMs: 5000,
    epochMs: 120,
  });
  const runner = new SweepRunner({
    sweepDir: paths.dir,
    spec: sweepSpec,
    executor,
    cwd: dir,
    interpreter: '/usr/bin/python3',
    scheduler: createScheduler(sweepSpec.earlyTerminate, { goal: sweepSpec.metric.goal }),
  });
  const outcome = await runner.run();
  assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));
  const state = createState();
  for (const op of readJournal(paths.journal).ops) applyOp(state, op);
  assert.equal(state.trials.length, ids.length);
  const pruned = state.trials.filter((t) => t.status === 'pruned');
  assert.ok(pruned.length >= 5, `pruned ${pruned.length}`);
  for (const t of pruned)
    assert.match(t.reason ?? '', /^(pruned at rung \d \(step \d+\): .* worse than the 1\/3 quantile|reached max_t 20)/);
  // the simulated clock, not the wall clock, paid for the epochs
  assert.ok(executor.epochs < ids.length * 20, `epochs ${executor.epochs}`);
  assert.ok(executor.now > 5000, 'simulated time moved');
  // each trial's value is its last report
  for (const t of state.trials) {
    const curve = byId.get(Number(t.params.curve))!;
    const n = t.reports;
    assert.equal(t.value, curve.points[n - 1].values.val_loss, `trial ${t.id}`);
  }
});

test('hyperband through the real runner, interrupted and resumed: every prune is what a scheduler fed the whole journal decides (rebuilt on resume, each attempt a run)', async () => {
  const rec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/curves/pytorch-digits.json'), 'utf8')) as {
    curves: { id: number; val_loss: number[] }[];
  };
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'train.py'), '# replayed by the simulated executor\n');
  const curves = rec.curves.slice(0, 12);
  const text = `program: train.py
method: grid
metric: {name: val_loss, goal: minimize}
parameters:
  curve: {values: [${curves.map((c) => c.id).join(', ')}]}
max_concurrent: 3
early_terminate: {type: hyperband, min_iter: 2, eta: 2}
`;
  const sweepSpec = parseSweep(text, { file: path.join(dir, 'sweep.yaml') }).spec!;
  const paths = createSweep({ spec: sweepSpec, knobsDir: path.join(dir, '.knobs'), seed: 1 });
  const byId = new Map(curves.map((c) => [c.id, curveFromValues('val_loss', c.val_loss)]));
  const runner = (onOp?: (op: { op: string }) => void) => {
    const executor = new SimulatedExecutor({
      curveFor: (s) => byId.get(Number(JSON.parse(s.env.KNOBS_PARAMS ?? '{}').curve)),
      startupMs: 100,
      epochMs: 120,
    });
    return new SweepRunner({ sweepDir: paths.dir, spec: sweepSpec, executor, cwd: dir, interpreter: '/usr/bin/python3', onOp });
  };
  let metrics = 0;
  const first = runner((op) => {
    if (op.op === 'metric' && ++metrics === 30) first.interrupt('test');
  });
  assert.equal((await first.run()).kind, 'interrupted');
  assert.equal((await runner().run()).kind, 'finished');
  const ops = readJournal(paths.journal).ops;
  assert.ok(
    ops.some((o) => o.op === 'trial_started' && o.attempt === 2),
    'trials running at the interrupt ran again',
  );
  // the whole journal through one fresh scheduler, judging every running attempt after each op
  const s = createScheduler(sweepSpec.earlyTerminate, { goal: 'minimize' });
  const running = new Map<number, number>(); // trial → attempt
  const decided = new Set<number>();
  for (const op of ops) {
    if (op.op === 'trial_started') running.set(op.trial, op.attempt);
    else if (op.op === 'metric' && running.has(op.trial)) s.onReport(op.trial, op.step, op.values.val_loss as number, op.attempt);
    else if (op.op === 'trial_completed' || op.op === 'trial_stopped' || op.op === 'trial_interrupted' || op.op === 'trial_failed')
      running.delete(op.trial);
    for (const [trial, attempt] of running) {
      if (s.evaluate!(trial, attempt).action === 'stop') {
        decided.add(trial);
        running.delete(trial);
      }
    }
  }
  const state = createState();
  for (const op of ops) applyOp(state, op);
  const pruned = state.trials.filter((t) => t.status === 'pruned').map((t) => t.id);
  assert.ok(pruned.length >= 3, `pruned ${pruned.length}`);
  assert.deepEqual(
    pruned.sort((a, b) => a - b),
    [...decided].sort((a, b) => a - b),
  );
});
