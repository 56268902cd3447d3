/**
 * W&B conformance, hyperband: every case of W&B's tests/test_hyperband_stopping.py (and the
 * docstring example of `hyperband_stop_runs`) gives W&B's answer. Inputs and answers are in
 * fixtures/hyperband.json (how they were obtained, and the W&B commit, are in its header). Each
 * case goes through our sweep-file parser (defaults filled as ours fill them), then:
 *
 * (a) scheduler level, every case: the snapshot W&B's test passes (every history fed, finished
 *     runs ended, every running run judged) stops exactly W&B's runs, and the bands are W&B's; for
 *     the small cases the arrival order is also replayed event by event, with a pass over every
 *     running run after each (as the runner does), and stops what W&B's controller stopped there;
 * (b) real processes, the small cases: the SweepRunner with the LocalExecutor runs one python3
 *     stub per W&B run (a grid over `run`). Each stub prints its next value only when its flag
 *     file for that event exists; the harness writes the next flag once the runner has journaled
 *     the previous event (its metric line, or the trial's end), so the interleaving is the
 *     fixture's, whatever the load. The runs pruned must be W&B's.
 *
 * The extensive_* cases (116 runs) run at scheduler level only.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { readJournal } from '../../../src/core/journal/reader';
import { applyOp, createState, type SweepState } from '../../../src/core/journal/reducer';
import { LocalExecutor } from '../../../src/core/runner/localExecutor';
import { hyperbandBands } from '../../../src/core/schedulers/hyperband';
import { createScheduler } from '../../../src/core/schedulers/registry';
import { normalise, type Scheduler } from '../../../src/core/schedulers/scheduler';
import { parseSweep } from '../../../src/core/space/parse';
import type { SweepSpec } from '../../../src/core/space/types';
import { createSweep } from '../../../src/core/sweep/create';
import { SweepRunner } from '../../../src/core/sweep/runner';
import { hyperbandCurves } from './hyperbandCurves';

const ROOT = path.resolve(__dirname, '../../../..');

/** A metric value as the fixture holds it: a number, or "NaN" as W&B's test logs it. */
type Value = number | 'NaN';
interface Run {
  name: string;
  state: 'running' | 'finished';
  history: Value[];
}
type Event = { run: string; report: Value; stops?: string[] } | { run: string; end: true; stops?: string[] };
interface Case {
  id: string;
  wandb: string;
  config: { metric: { name: string; goal: 'minimize' | 'maximize' }; early_terminate: unknown; [k: string]: unknown };
  bands?: number[];
  runs?: Run[];
  stop?: string[];
  arrival?: Event[];
  error?: string;
  curves?: { seed: number; runs: number; length: number };
  order?: number[];
  stages?: { prefix: number; runs: number; stop: number[] }[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'contracts', 'wandb', 'fixtures', 'hyperband.json'), 'utf8')) as {
  wandb: { commit: string };
  cases: Case[];
};
const num = (v: Value) => (v === 'NaN' ? NaN : v);
const isReport = (e: Event): e is Extract<Event, { report: Value }> => 'report' in e;

/** The case as a sweep file of ours: a grid over the W&B run names, all at once. */
function sweepText(c: Case, names: string[]): string {
  return JSON.stringify(
    { program: 'stub.py', method: 'grid', ...c.config, parameters: { run: { values: names } }, max_concurrent: names.length },
    null,
    1,
  );
}

function parsed(c: Case, names: string[], file?: string): SweepSpec {
  const r = parseSweep(sweepText(c, names), { file });
  assert.ok(r.spec, JSON.stringify(r.diagnostics));
  return r.spec;
}

function schedulerFor(spec: SweepSpec): Scheduler {
  return createScheduler(spec.earlyTerminate, { goal: spec.metric.goal });
}

/** W&B's stop_runs on one snapshot: the names of the running runs it stops. */
function snapshot(spec: SweepSpec, runs: readonly Run[]): string[] {
  const s = schedulerFor(spec);
  runs.forEach((r, i) => r.history.forEach((v, k) => s.onReport(i + 1, k + 1, normalise(num(v), spec.metric.goal))));
  runs.forEach((r, i) => r.state !== 'running' && s.onComplete(i + 1, undefined));
  return runs.filter((r, i) => r.state === 'running' && s.evaluate!(i + 1).action === 'stop').map((r) => r.name);
}

/** The arrival order through the scheduler, judging every running run after each event: the stops per event. */
function arrive(spec: SweepSpec, names: string[], events: readonly Event[]): string[][] {
  const s = schedulerFor(spec);
  const trial = (name: string) => names.indexOf(name) + 1;
  const running = new Set<string>();
  const steps = new Map<string, number>();
  return events.map((e) => {
    const stops: string[] = [];
    if (isReport(e)) {
      running.add(e.run);
      const step = (steps.get(e.run) ?? 0) + 1;
      steps.set(e.run, step);
      if (s.onReport(trial(e.run), step, normalise(num(e.report), spec.metric.goal)).action === 'stop') stops.push(e.run);
    } else {
      running.delete(e.run);
      s.onComplete(trial(e.run), undefined);
    }
    for (const r of running) if (!stops.includes(r) && s.evaluate!(trial(r)).action === 'stop') stops.push(r);
    for (const r of stops) running.delete(r);
    return stops.sort();
  });
}

const STUB = `import json, os, sys, time
run = next(a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--run="))
plan = json.load(open("plan.json"))
def wait(flag):
    while not os.path.exists(os.path.join("flags", flag)):
        if not os.path.isdir("flags"):
            sys.exit(3)  # the test is gone
        time.sleep(0.005)
step = 0
for index, value in plan["events"][run]:
    wait(str(index))
    if value is None:
        sys.exit(0)
    step += 1
    print("@@knobs " + json.dumps({"step": step, "metrics": {plan["metric"]: value}}), flush=True)
wait("final")
`;

/** Runs the case's arrival order through the real runner with one stub process per W&B run; returns the journal's state. */
async function runWithProcesses(c: Case, names: string[], dir: string): Promise<SweepState> {
  const events = c.arrival!;
  const plan: Record<string, [number, Value | null][]> = Object.fromEntries(names.map((n) => [n, []]));
  events.forEach((e, i) => plan[e.run].push([i, isReport(e) ? e.report : null]));
  fs.writeFileSync(path.join(dir, 'stub.py'), STUB);
  fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ metric: c.config.metric.name, events: plan }));
  fs.mkdirSync(path.join(dir, 'flags'));
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(file, sweepText(c, names));
  const spec = parsed(c, names, file);
  const paths = createSweep({ spec, knobsDir: path.join(dir, '.knobs'), seed: 1 });
  const release = (flag: string) => fs.writeFileSync(path.join(dir, 'flags', flag), '');
  let next = 0;
  let broken: string | undefined;
  const ends = new Set(['trial_completed', 'trial_stopped', 'trial_failed']);
  const executor = new LocalExecutor();
  const runner = new SweepRunner({
    sweepDir: paths.dir,
    spec,
    executor,
    cwd: dir,
    interpreter: '/usr/bin/python3',
    graceMs: 5000,
    onOp: (op, state) => {
      if (broken || next >= events.length || (op.op !== 'metric' && !ends.has(op.op))) return;
      const e = events[next];
      const run = 'trial' in op && op.trial !== undefined ? state.byId.get(op.trial)?.params.run : undefined;
      if (run === e.run && (isReport(e) ? op.op === 'metric' : op.op === 'trial_completed')) {
        next++;
        release(next < events.length ? String(next) : 'final');
      } else if (ends.has(op.op) && events.slice(next).some((x) => x.run === run)) {
        // a run ended before all its events: fail now, and let every stub run out
        broken = `run ${run} ended (${op.op}) before event ${events.findIndex((x, i) => i >= next && x.run === run)}`;
        for (let i = next; i < events.length; i++) release(String(i));
        release('final');
      }
    },
  });
  release('0');
  try {
    const outcome = await runner.run();
    assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));
  } finally {
    executor.dispose();
  }
  assert.equal(broken, undefined);
  assert.equal(next, events.length, 'every event arrived');
  const state = createState();
  for (const op of readJournal(paths.journal).ops) applyOp(state, op);
  return state;
}

describe(`W&B hyperband conformance (wandb/sweeps ${fixture.wandb.commit.slice(0, 7)})`, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knobs-wb-hb-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the fixture holds every hyperband test of W&B', () => {
    const tests = new Set(fixture.cases.map((c) => c.wandb.replace(/\[.*\]$/, '').replace(/^.*::/, '')));
    for (const t of [
      'test_hyperband_min_iter_bands',
      'test_hyperband_min_iter_bands_max',
      'test_hyperband_max_iter_bands',
      'test_init_from_max_iter',
      'test_single_run',
      'test_2runs_band1_pass',
      'test_5runs_band1_stop_2',
      'test_5runs_band1_stop_2_1stnoband',
      'test_eta_3',
      'test_eta_3_max',
      'test_hyperband_runs_with_bad_config',
      'test_hyperband_runs_with_nan_metrics',
      'test_hyperband_extensive_relaxed',
      'test_hyperband_extensive_strict',
      'hyperband_stop_runs (docstring example)',
    ]) {
      assert.ok(tests.has(t), t);
    }
    assert.equal(fixture.cases.length, 16);
  });

  for (const c of fixture.cases) {
    if (c.error) {
      test(`${c.wandb}: refused, as W&B refuses it (${c.error})`, () => {
        const r = parseSweep(JSON.stringify({ program: 'stub.py', ...c.config }));
        assert.equal(r.spec, undefined);
        assert.ok(
          r.diagnostics.some((d) => d.severity === 'error' && /early_terminate/.test(d.message)),
          JSON.stringify(r.diagnostics),
        );
      });
    } else if (c.stages) {
      test(`${c.wandb}: every stage stops W&B's runs (scheduler level; our curves, seed ${c.curves!.seed})`, () => {
        const curves = hyperbandCurves(c.curves!.seed, c.curves!.runs, c.curves!.length);
        const data = c.order ? c.order.map((i) => curves[i]) : curves;
        const stopped = new Set<number>();
        let wandbCount = 0;
        const eta = (c.config.early_terminate as { eta: number }).eta;
        for (const stage of c.stages!) {
          const ids = data.map((_, i) => i).filter((i) => !stopped.has(i));
          assert.equal(ids.length, stage.runs);
          const runs: Run[] = ids.map((i) => ({ name: String(i), state: 'running', history: data[i].slice(0, stage.prefix) }));
          const stops = snapshot(parsed(c, ['x']), runs).map(Number);
          assert.deepEqual(
            stops.sort((a, b) => a - b),
            stage.stop,
            `prefix ${stage.prefix}`,
          );
          for (const i of stops) stopped.add(i);
          wandbCount += Math.trunc(ids.length * (1 - 1 / eta));
        }
        if (c.id.startsWith('hyperband_extensive_strict')) {
          // W&B's own assertion: about (1 − 1/eta) of the runs stop at each band, give or take one
          assert.ok(Math.abs(stopped.size - wandbCount) <= 1, `${stopped.size} stopped, W&B expects ${wandbCount} ± 1`);
        }
      });
    } else {
      const runs = c.runs!;
      const names = runs.map((r) => r.name);
      test(`${c.wandb}: stops ${JSON.stringify(c.stop)} (scheduler level: the snapshot, and the arrival order event by event)`, () => {
        const spec = parsed(c, names);
        assert.deepEqual(hyperbandBands(spec.earlyTerminate as Parameters<typeof hyperbandBands>[0]).slice(0, c.bands!.length), c.bands);
        assert.deepEqual(snapshot(spec, runs), c.stop);
        assert.deepEqual(
          arrive(spec, names, c.arrival!),
          c.arrival!.map((e) => [...(e.stops ?? [])].sort()),
        );
      });
      test(`${c.wandb}: stops ${JSON.stringify(c.stop)} (real processes through the runner, in the arrival order)`, {
        timeout: 120_000,
      }, async () => {
        const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
        const state = await runWithProcesses(c, names, dir);
        assert.equal(state.trials.length, runs.length);
        const pruned = state.trials.filter((t) => t.status === 'pruned');
        assert.deepEqual(pruned.map((t) => t.params.run).sort(), [...c.stop!].sort());
        for (const t of pruned) assert.match(t.reason ?? '', /^pruned at milestone \d+/);
        for (const t of state.trials) {
          const run = runs.find((r) => r.name === t.params.run)!;
          if (!c.stop!.includes(run.name)) assert.equal(t.status, 'completed', `${run.name}: ${t.reason}`);
          assert.equal(t.series[c.config.metric.name]?.length ?? 0, run.history.length, `${run.name}: every value reached the journal`);
        }
      });
    }
  }
});
