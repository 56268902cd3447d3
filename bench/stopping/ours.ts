/**
 * One Knobs sweep over a recorded curve set: the real SweepRunner (journal, sampler, scheduler)
 * on the SimulatedExecutor (fake clock; each config's measured start-up and per-epoch costs).
 * The space is categorical over the recorded config ids (`config: {values: [1..N]}`), as on the
 * Optuna side. Every report is tapped with the epochs run so far (all trials) and the simulated
 * time, so the bench can tell when the best value first came within the target.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Executor, LaunchSpec, TrialEvents, TrialHandle } from '../../src/core/runner/executor';
import { REPORT_TAG } from '../../src/core/runner/reportProtocol';
import { curveFromValues, type SimCurve, SimulatedExecutor } from '../../src/core/runner/simulatedExecutor';
import { createScheduler } from '../../src/core/schedulers/registry';
import { parseSweep } from '../../src/core/space/parse';
import { createSweep } from '../../src/core/sweep/create';
import { SweepRunner } from '../../src/core/sweep/runner';
import { type CurveSet, costs } from './curves';

export const OUR_METHODS = ['none', 'random+asha', 'bayes+asha', 'random+hyperband'] as const;
export type OurMethod = (typeof OUR_METHODS)[number];

/** One report as the bench sees it: cumulative epochs and simulated ms when it arrived. */
export interface Trace {
  /** (epochs so far, simulated ms, value), in order of arrival. */
  epochs: number[];
  ms: number[];
  values: number[];
  /** Trial id of each report. */
  trial: number[];
  trials: number;
  /** Config id of each launch, in order. */
  configs: number[];
  totalEpochs: number;
  totalMs: number;
  realMs: number;
}

/** The ASHA settings the bench uses unless told otherwise: the ones a user would write for E epochs. */
export const defaultAsha = (epochs: number): string => `max_t: ${epochs}, grace_period: 1, reduction_factor: 3`;

export function sweepYaml(method: OurMethod, set: CurveSet, runCap: number, seed: number, asha?: string): string {
  const ids = set.configs.map((c) => c.id);
  const E = set.epochs;
  const [sampler, sched] = method === 'none' ? ['random', undefined] : method.split('+');
  const et =
    sched === 'asha'
      ? `early_terminate: {type: asha, ${asha ?? defaultAsha(E)}}\n`
      : sched === 'hyperband'
        ? `early_terminate: {type: hyperband, min_iter: 1, eta: 3}\n`
        : '';
  return `program: train.py
method: ${sampler}
metric: {name: val_loss, goal: minimize}
parameters:
  config: {values: [${ids.join(', ')}]}
max_concurrent: 2
run_cap: ${runCap}
seed: ${seed}
${et}`;
}

class Tap implements Executor {
  readonly name = 'simulated';
  readonly trace: Trace = { epochs: [], ms: [], values: [], trial: [], trials: 0, configs: [], totalEpochs: 0, totalMs: 0, realMs: 0 };
  constructor(readonly inner: SimulatedExecutor) {}
  start(spec: LaunchSpec, events: TrialEvents): TrialHandle {
    this.trace.trials++;
    this.trace.configs.push(Number((JSON.parse(spec.env.KNOBS_PARAMS ?? '{}') as { config?: unknown }).config));
    return this.inner.start(spec, {
      ...events,
      onLine: (stream, line) => {
        if (stream === 'stdout' && line.startsWith(REPORT_TAG)) {
          const v = (JSON.parse(line.slice(REPORT_TAG.length)) as { metrics: { val_loss: number | string } }).metrics.val_loss;
          this.trace.epochs.push(this.inner.epochs);
          this.trace.ms.push(this.inner.now);
          this.trace.values.push(typeof v === 'number' ? v : NaN);
          this.trace.trial.push(spec.trialId);
        }
        events.onLine(stream, line);
      },
    });
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** Journal writes without fsync (the bench measures decisions, not the disk). */
const fastIo = { write: (fd: number, data: string) => void fs.writeSync(fd, data), fsync: () => {} };

export async function runOurs(opts: {
  set: CurveSet;
  method: OurMethod;
  seed: number;
  runCap: number;
  workDir: string;
  asha?: string;
}): Promise<Trace> {
  const { set, method, seed, runCap } = opts;
  const dir = fs.mkdtempSync(path.join(opts.workDir, `${set.name}-${method.replace('+', '-')}-${seed}-`));
  fs.writeFileSync(path.join(dir, 'train.py'), '# replayed by the simulated executor\n');
  const text = sweepYaml(method, set, runCap, seed, opts.asha);
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(file, text);
  const parsed = parseSweep(text, { file });
  if (!parsed.spec) throw new Error(`sweep did not parse: ${JSON.stringify(parsed.diagnostics)}`);
  const spec = parsed.spec;
  const paths = createSweep({ spec, knobsDir: path.join(dir, '.knobs'), seed });
  const curves = new Map<number, SimCurve>(set.configs.map((c) => [c.id, curveFromValues('val_loss', c.val_loss, costs(set, c))]));
  const sim = new SimulatedExecutor({
    curveFor: (s) => curves.get(Number((JSON.parse(s.env.KNOBS_PARAMS ?? '{}') as { config?: unknown }).config)),
    writeLogs: false,
    graceMs: 0,
  });
  const tap = new Tap(sim);
  const runner = new SweepRunner({
    sweepDir: paths.dir,
    spec,
    executor: tap,
    cwd: dir,
    interpreter: '/usr/bin/python3',
    journalIo: fastIo,
    graceMs: 0,
    pollMs: 60_000,
    scheduler: createScheduler(spec.earlyTerminate, { goal: spec.metric.goal }),
  });
  const t0 = performance.now();
  const outcome = await runner.run();
  if (outcome.kind !== 'finished') throw new Error(`${set.name} ${method} seed ${seed}: ${JSON.stringify(outcome)}`);
  tap.trace.realMs = performance.now() - t0;
  tap.trace.totalEpochs = sim.epochs;
  tap.trace.totalMs = sim.now;
  fs.rmSync(dir, { recursive: true, force: true });
  return tap.trace;
}
