/**
 * The contract every Scheduler keeps, checked on recorded learning curves
 * (test/fixtures/curves/pytorch-digits.json) played through the simulated executor at 2
 * concurrent slots, and a few through the local executor (real python3 processes):
 * - deterministic: the same curves give the same decisions;
 * - replayable: a fresh scheduler fed the journal's reports and trial ends in order makes the same
 *   decisions, and replaying everything again on top changes nothing (idempotent per (trial, step));
 * - a NaN report stops the trial ("reported NaN"), except FIFO and hyperband (W&B drops
 *   non-finite values);
 * - a scheduler with `evaluate` is asked about every running trial on each report and trial end,
 *   as the runner does; `evaluate` agrees with the decision of the report just made;
 * - maximize goals: the same decisions on negated values, reasons in the user's direction;
 * - never stops a trial whose value is the best of all values reported at that step, at a step
 *   where it is judged against others (its rung);
 * - every stop has a reason, and the stopped trial exits with it;
 * - the simulated and the local executor lead to the same decisions on the same curves.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Executor, ExitInfo, LaunchSpec } from '../../src/core/runner/executor';
import { LocalExecutor } from '../../src/core/runner/localExecutor';
import { ReportParser } from '../../src/core/runner/reportParser';
import { curveFromValues, SimulatedExecutor } from '../../src/core/runner/simulatedExecutor';
import { type Decision, normalise, type Scheduler } from '../../src/core/schedulers/scheduler';
import type { Goal } from '../../src/core/space/types';

const ROOT = path.resolve(__dirname, '../../..');

export interface RecordedCurves {
  metric: string;
  goal: Goal;
  startupMs: number;
  epochMs: number;
  curves: { id: number; val_loss: number[] }[];
}

export function loadCurves(name = 'pytorch-digits.json'): RecordedCurves {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'curves', name), 'utf8')) as RecordedCurves;
}

export type DriveEvent =
  | { kind: 'report'; trial: number; step: number; value: number; decision: Decision }
  | { kind: 'complete'; trial: number; value: number | undefined }
  /** A stop by the pass over all running trials (schedulers with `evaluate`). */
  | { kind: 'judged'; trial: number; decision: Decision };

export interface DriveResult {
  events: DriveEvent[];
  exits: Map<number, ExitInfo>;
  scheduler: Scheduler;
}

/**
 * A minimal ask/tell loop (what the sweep runner does for schedulers): up to `concurrency` trials
 * at once, lines parsed by the ReportParser, each report of `metric` (normalised) to onReport, a
 * stop decision stops the trial (later reports are ignored), onComplete with its last value; after
 * each report and end, a scheduler with `evaluate` judges every running trial.
 */
export function drive(opts: {
  executor: Executor;
  scheduler: Scheduler;
  spec: (trial: number) => LaunchSpec;
  trials: number[];
  concurrency: number;
  metric: string;
  goal: Goal;
}): Promise<DriveResult> {
  const { executor, scheduler } = opts;
  const events: DriveEvent[] = [];
  const exits = new Map<number, ExitInfo>();
  const queue = [...opts.trials];
  let running = 0;
  const live = new Map<number, (reason: string) => void>(); // running and not stopped → its stop
  const judgeRunning = () => {
    if (!scheduler.evaluate) return;
    for (const [trial, stop] of live) {
      const decision = scheduler.evaluate(trial);
      if (decision.action !== 'stop') continue;
      events.push({ kind: 'judged', trial, decision });
      stop(decision.reason);
    }
  };
  return new Promise((resolve) => {
    const next = () => {
      while (running < opts.concurrency && queue.length) {
        const trial = queue.shift()!;
        running++;
        const parser = new ReportParser({ metricName: opts.metric });
        let stopped = false;
        let last: number | undefined;
        const stop = (reason: string) => {
          stopped = true;
          live.delete(trial);
          handle.stop(reason, { graceMs: 200 });
        };
        const handle = executor.start(opts.spec(trial), {
          onLine: (_s, line) => {
            const r = parser.parse(line);
            const v = r?.values[opts.metric];
            if (!r || v === undefined || stopped) return;
            const value = normalise(v, opts.goal);
            const decision = scheduler.onReport(trial, r.step, value);
            last = value;
            events.push({ kind: 'report', trial, step: r.step, value, decision });
            if (decision.action === 'stop') stop(decision.reason);
            judgeRunning();
          },
          onExit: (info) => {
            exits.set(trial, info);
            live.delete(trial);
            scheduler.onComplete(trial, last);
            events.push({ kind: 'complete', trial, value: last });
            judgeRunning();
            running--;
            next();
            if (running === 0 && queue.length === 0) resolve({ events, exits, scheduler });
          },
        });
        live.set(trial, stop);
      }
    };
    next();
  });
}

/** Replays a drive's events into a scheduler; returns the decisions it made for the reports. */
export function replay(s: Scheduler, events: readonly DriveEvent[]): Decision[] {
  const out: Decision[] = [];
  for (const e of events) {
    if (e.kind === 'report') out.push(s.onReport(e.trial, e.step, e.value));
    else if (e.kind === 'complete') s.onComplete(e.trial, e.value);
  }
  return out;
}

export interface SchedulerContractOptions {
  /** FIFO: never stops. */
  neverStops?: boolean;
  /** Steps at which the scheduler judges a trial against the others (its rungs); default all. */
  rungStep?: (step: number) => boolean;
  /** The scheduler compares trials (false for patience). Default true. */
  comparesTrials?: boolean;
  /** A NaN report stops the trial (default true unless neverStops; hyperband drops non-finite values as W&B does). */
  nanStops?: boolean;
  /** Number of recorded curves to play (default all). */
  trials?: number;
}

const decisions = (events: readonly DriveEvent[]) =>
  events.filter((e) => e.kind === 'report').map((e) => (e as { decision: Decision }).decision);
const isBudgetStop = (reason: string) => /^reached max_t/.test(reason) || reason === 'reported NaN';

export function schedulerContract(name: string, make: (goal: Goal) => Scheduler, opts: SchedulerContractOptions = {}): void {
  describe(`scheduler contract: ${name}`, () => {
    const rec = loadCurves();
    const curves = rec.curves.slice(0, opts.trials ?? rec.curves.length);
    const _ids = curves.map((c) => c.id);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-sched-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const spec = (trial: number): LaunchSpec => ({
      trialId: trial,
      attempt: 1,
      argv: ['simulated'],
      cwd: dir,
      env: {},
      stdoutPath: path.join(dir, `${trial}.out`),
      stderrPath: path.join(dir, `${trial}.err`),
    });
    const simulate = (goal: Goal, concurrency = 2, sign = 1, metric = rec.metric, pick = curves) => {
      const byId = new Map(
        pick.map((c) => [
          c.id,
          curveFromValues(
            metric,
            c.val_loss.map((v) => sign * v),
          ),
        ]),
      );
      const executor = new SimulatedExecutor({
        curveFor: (s) => byId.get(s.trialId),
        startupMs: rec.startupMs,
        epochMs: rec.epochMs,
        writeLogs: false,
      });
      return drive({ executor, scheduler: make(goal), spec, trials: pick.map((c) => c.id), concurrency, metric, goal });
    };

    test('deterministic: the same curves give the same decisions', async () => {
      const a = await simulate('minimize');
      const b = await simulate('minimize');
      assert.deepEqual(a.events, b.events);
      const stops = decisions(a.events).filter((d) => d.action === 'stop').length;
      if (opts.neverStops) assert.equal(stops, 0, 'never stops');
      else assert.ok(stops > 0, 'stops some trials on these curves');
    });

    test('replay: a fresh scheduler fed the same reports and ends decides the same; a second replay changes nothing', async () => {
      const live = await simulate('minimize');
      const fresh = make('minimize');
      assert.deepEqual(replay(fresh, live.events), decisions(live.events), 'same decisions on replay');
      replay(fresh, live.events); // replayed again on top (idempotent per (trial, step))
      const probe = curves[Math.floor(curves.length / 2)].val_loss;
      probe.forEach((v, i) => {
        const step = i + 1;
        assert.deepEqual(fresh.onReport(9999, step, v * 1.05), live.scheduler.onReport(9999, step, v * 1.05), `probe step ${step}`);
      });
    });

    test(`a NaN report ${(opts.nanStops ?? !opts.neverStops) ? 'stops' : 'does not stop'} the trial`, () => {
      const s = make('minimize');
      s.onReport(1, 1, 0.5);
      const d = s.onReport(1, 2, NaN);
      if (opts.nanStops ?? !opts.neverStops) assert.deepEqual(d, { action: 'stop', reason: 'reported NaN' });
      else assert.equal(d.action, 'continue');
    });

    if (make('minimize').evaluate) {
      test('evaluate: after each report it agrees with the decision just made; a judged stop is what evaluate said', async () => {
        const { events } = await simulate('minimize');
        const fresh = make('minimize');
        let judged = 0;
        for (const e of events) {
          if (e.kind === 'report') {
            const decision = fresh.onReport(e.trial, e.step, e.value);
            assert.deepEqual(fresh.evaluate!(e.trial), decision, `trial ${e.trial} step ${e.step}`);
          } else if (e.kind === 'complete') fresh.onComplete(e.trial, e.value);
          else {
            judged++;
            assert.deepEqual(fresh.evaluate!(e.trial), e.decision);
          }
        }
        assert.ok(judged > 0, 'some trials were stopped without reporting, by the pass over running trials');
      });
    }

    test('maximize: same decisions on negated values; reasons in the user’s direction', async () => {
      const min = await simulate('minimize');
      const max = await simulate('maximize', 2, -1, 'score');
      const a = decisions(min.events);
      const b = decisions(max.events);
      assert.deepEqual(
        b.map((d) => d.action),
        a.map((d) => d.action),
      );
      const negative = /(^|[^\w.])-\d*\.?\d+/;
      for (const [i, d] of b.entries()) {
        if (d.action !== 'stop' || isBudgetStop(d.reason)) continue;
        assert.match(d.reason, negative, `maximize reason shows the user's (negative) values: ${d.reason}`);
        const m = a[i] as { reason: string };
        assert.doesNotMatch(m.reason, negative, `minimize reason: ${m.reason}`);
      }
    });

    test('never stops a trial whose value is the best reported at that step, at its rung', async () => {
      const { events } = await simulate('minimize');
      const seen = new Map<number, Map<number, number>>();
      let checked = 0;
      for (const e of events) {
        if (e.kind !== 'report') continue;
        const at = seen.get(e.step) ?? new Map<number, number>();
        seen.set(e.step, at);
        const others = [...at.entries()].filter(([t]) => t !== e.trial).map(([, v]) => v);
        const best = others.every((o) => e.value <= o);
        if (
          e.decision.action === 'stop' &&
          !isBudgetStop(e.decision.reason) &&
          (opts.rungStep?.(e.step) ?? true) &&
          (opts.comparesTrials ?? true)
        ) {
          checked++;
          assert.ok(
            !best,
            `trial ${e.trial} stopped at step ${e.step} with ${e.value}, the best so far there (${others.join(', ')}): ${e.decision.reason}`,
          );
        }
        at.set(e.trial, e.value);
      }
      if (!opts.neverStops && (opts.comparesTrials ?? true)) assert.ok(checked > 0, 'some stops were checked');
    });

    test('every stop has a reason, and the trial exits stopped with it', async () => {
      const { events, exits } = await simulate('minimize');
      for (const e of events) {
        if (e.kind === 'complete' || e.decision.action !== 'stop') continue;
        assert.ok(e.decision.reason.length > 8, `reason: ${e.decision.reason}`);
        assert.equal(exits.get(e.trial)?.stoppedBy?.reason, e.decision.reason);
        const after = events.filter((x) => x.kind === 'report' && x.trial === e.trial && events.indexOf(x) > events.indexOf(e));
        assert.equal(after.length, 0, 'no report is judged after a stop');
      }
    });

    test('the simulated and the local executor lead to the same decisions (3 curves, one slot)', async () => {
      const few = curves.slice(0, 3).map((c) => ({ ...c, val_loss: c.val_loss.slice(0, 8) }));
      const sim = await simulate('minimize', 1, 1, rec.metric, few);
      const byId = new Map(few.map((c) => [c.id, c.val_loss]));
      const script = [
        'import json, sys',
        'for i, v in enumerate(json.loads(sys.argv[1])):',
        `    print("@@knobs " + json.dumps({"step": i + 1, "metrics": {"${rec.metric}": v}}), flush=True)`,
      ].join('\n');
      const executor = new LocalExecutor({ graceMs: 1000 });
      try {
        const local = await drive({
          executor,
          scheduler: make('minimize'),
          spec: (t) => ({ ...spec(t), argv: ['/usr/bin/python3', '-c', script, JSON.stringify(byId.get(t))] }),
          trials: few.map((c) => c.id),
          concurrency: 1,
          metric: rec.metric,
          goal: 'minimize',
        });
        assert.deepEqual(local.events, sim.events);
      } finally {
        executor.dispose();
      }
    });
  });
}
