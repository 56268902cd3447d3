/**
 * Evaluation: the sweep file's optional `evaluate:` command, run once after the sweep (or on
 * demand, `knobs evaluate`) on the best trial, on held-out test data. This module owns its argv,
 * its process (a LocalExecutor in the trial's folder and environment) and the two journal ops it
 * makes (evaluate_started, evaluate_result). It never picks the trial nor decides when to run:
 * the sweep loop (runner.ts, after `EVALUATE_AFTER` reasons) and the CLI do.
 *
 * `evaluate:` is a command list like `command`, with the same macros (command.ts: ${env},
 * ${interpreter}, ${program}, ${args}, ${args_json}, ${envvar:NAME}, …, all filled from the
 * trial's config) plus:
 *
 *   ${best_trial_dir}   the best trial's folder (.knobs/sweeps/<id>/trials/<n>)
 *   ${checkpoint}       its checkpoint folder (KNOBS_CHECKPOINT_DIR of that trial)
 *
 * These two are substituted as whole elements and inside elements ("--ckpt=${checkpoint}").
 * Example:  evaluate: ["${env}", "${interpreter}", "${program}", "${args}", "--evaluate", "${checkpoint}"]
 * The evaluation's metrics (e.g. test_loss, test_acc) are stored apart from the trial's
 * validation metrics (`test` in the summary).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';
import { encodeNumber, type OpInput } from '../journal/ops';
import type { TrialRecord } from '../journal/reducer';
import { type BuildArgvOptions, buildArgv, formatArgsJsonFile } from '../runner/command';
import type { TrialHandle } from '../runner/executor';
import { lastLine } from '../runner/failure';
import { LocalExecutor } from '../runner/localExecutor';
import { ReportParser } from '../runner/reportParser';
import { trialEnv } from '../runner/trialEnv';
import { toConfig } from '../space/config';
import type { SweepSpec } from '../space/types';
import { trialDir } from './paths';

export const EVALUATE_MACROS = ['best_trial_dir', 'checkpoint'] as const;

export interface BuildEvaluateArgvOptions extends Omit<BuildArgvOptions, 'command'> {
  /** The sweep's `evaluate` list. */
  evaluate: readonly string[];
  bestTrialDir: string;
  checkpointDir: string;
}

const EVAL_MACRO = /\$\{(best_trial_dir|checkpoint)\}/g;

/** The argv of the evaluation run. Throws KnobsError as buildArgv does, and for an empty list. */
export function buildEvaluateArgv(o: BuildEvaluateArgvOptions): string[] {
  if (!o.evaluate || o.evaluate.length === 0) {
    throw new KnobsError('E_SWEEP_PARSE', '`evaluate` is empty', {
      hint: 'give the command list that tests a checkpoint, e.g. ["${env}", "${interpreter}", "${program}", "${args}", "--evaluate", "${checkpoint}"]',
      location: o.sweepFile ? { file: o.sweepFile } : undefined,
    });
  }
  // Placeholders that buildArgv passes through untouched (no "${"), swapped back afterwards, so a
  // path is never itself read as a macro.
  const values: Record<string, string> = { best_trial_dir: o.bestTrialDir, checkpoint: o.checkpointDir };
  const token = (name: string) => `\u0000knobs:${name}\u0000`;
  const command = o.evaluate.map((e) => String(e).replace(EVAL_MACRO, (_m, name: string) => token(name)));
  const argv = buildArgv({ ...o, command });
  return argv.map((a) => a.replace(/\u0000knobs:(best_trial_dir|checkpoint)\u0000/g, (_m, name: string) => values[name]));
}

/** The metrics of an evaluation run, kept apart from validation metrics: names prefixed `test_` stay, others get `test/`. */
export function testMetricName(name: string): string {
  return name.startsWith('test_') || name.startsWith('test/') ? name : `test/${name}`;
}

/** Finish reasons after which `evaluate:` runs (a stop, a timeout or an interrupt skip it). */
export const EVALUATE_AFTER: readonly string[] = ['run_cap', 'exhausted', 'target'];

export interface RunEvaluationOptions {
  spec: SweepSpec;
  sweepDir: string;
  /** The trial evaluated (the best one, or --trial N). */
  trial: TrialRecord;
  interpreter: string;
  cwd: string;
  /** The base environment, as for trials. */
  env: NodeJS.ProcessEnv;
  wandbShim?: boolean;
  graceMs?: number;
  /** Who asked: "sweep_finished" or "user". */
  by: string;
  /** Journals an op (evaluate_started, evaluate_result). */
  append(op: OpInput): void;
  timeoutMs?: number;
}

export interface EvaluationRun {
  done: Promise<{ metrics: Record<string, number>; exitCode: number | null; error?: string }>;
  /** SIGTERM to its process group, then SIGKILL. */
  stop(reason: string): void;
}

/**
 * Runs the sweep file's `evaluate:` command once on a trial: argv from buildEvaluateArgv (the
 * trial's config, ${best_trial_dir}, ${checkpoint}), the trial's environment (KNOBS_* of that
 * trial) plus KNOBS_EVALUATE=1, a LocalExecutor; output in the trial folder
 * (evaluate.stdout.log, evaluate.stderr.log). Every reported metric is kept (last value per name,
 * renamed by testMetricName) and journaled in evaluate_result, apart from validation metrics.
 */
export function runEvaluation(o: RunEvaluationOptions): EvaluationRun {
  const spec = o.spec;
  if (!spec.evaluate?.length) {
    throw new KnobsError('E_USAGE', `the sweep file${spec.file ? ` ${spec.file}` : ''} has no \`evaluate:\` command`, {
      hint: 'add e.g. `evaluate: [${env}, ${interpreter}, ${program}, ${args}, --evaluate, ${checkpoint}]` to the sweep file',
      location: spec.file ? { file: spec.file } : undefined,
    });
  }
  const dir = trialDir(o.sweepDir, o.trial.id);
  const checkpoints = path.join(dir, 'checkpoints');
  fs.mkdirSync(checkpoints, { recursive: true });
  const config = toConfig(spec.space, o.trial.params);
  const argsJsonFile = path.join(dir, 'evaluate-params.json');
  fs.writeFileSync(argsJsonFile, formatArgsJsonFile(config));
  const argv = buildEvaluateArgv({
    evaluate: spec.evaluate,
    program: spec.program,
    interpreter: o.interpreter,
    space: spec.space,
    flat: o.trial.params,
    config,
    argsJsonFile,
    env: o.env,
    sweepFile: spec.file,
    bestTrialDir: dir,
    checkpointDir: checkpoints,
  });
  const env = trialEnv({
    base: o.env,
    trialId: o.trial.id,
    attempt: Math.max(1, o.trial.attempt),
    sweepDir: o.sweepDir,
    trialDir: dir,
    checkpointDir: checkpoints,
    config,
    wandbShim: !!o.wandbShim,
  });
  env.KNOBS_EVALUATE = '1';
  const parser = new ReportParser({ metricName: spec.metric.name, metrics: spec.metrics, metricRegex: spec.metricRegex });
  const metrics: Record<string, number> = {};
  const executor = new LocalExecutor({ graceMs: o.graceMs });
  let stoppedWhy: string | undefined;
  let handle: TrialHandle | undefined;
  const done = new Promise<{ metrics: Record<string, number>; exitCode: number | null; error?: string }>((resolve) => {
    handle = executor.start(
      {
        trialId: o.trial.id,
        attempt: Math.max(1, o.trial.attempt),
        argv,
        cwd: o.cwd,
        env,
        stdoutPath: path.join(dir, 'evaluate.stdout.log'),
        stderrPath: path.join(dir, 'evaluate.stderr.log'),
        timeoutMs: o.timeoutMs ?? spec.trialTimeoutMs,
      },
      {
        onLine(stream, line) {
          if (stream !== 'stdout') return;
          const r = parser.parse(line);
          if (r) for (const [k, v] of Object.entries(r.values)) metrics[testMetricName(k)] = v;
        },
        onExit(info) {
          let error: string | undefined;
          const tail = lastLine(info.spawnError ?? info.stderrTail);
          if (info.spawnError) error = `could not start \`${argv[0]}\`: ${info.spawnError}`;
          else if (stoppedWhy || info.stoppedBy) error = `stopped: ${stoppedWhy ?? info.stoppedBy!.reason}`;
          else if (info.code !== 0)
            error = `${info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`}${tail ? `: ${tail}` : ''}`;
          else if (Object.keys(metrics).length === 0)
            error = 'it exited 0 but reported no metrics (report e.g. test_loss and test_acc with knobs.report)';
          const encoded: Record<string, ReturnType<typeof encodeNumber>> = {};
          for (const [k, v] of Object.entries(metrics)) encoded[k] = encodeNumber(v);
          o.append({ op: 'evaluate_result', trial: o.trial.id, metrics: encoded, exitCode: info.code, signal: info.signal, error });
          resolve({ metrics, exitCode: info.code, error });
        },
      },
    );
  });
  o.append({ op: 'evaluate_started', trial: o.trial.id, argv, pid: handle!.pid, by: o.by });
  return {
    done,
    stop(reason: string) {
      if (stoppedWhy) return;
      stoppedWhy = reason;
      handle?.stop(reason, { graceMs: Math.min(o.graceMs ?? 10_000, 5_000) });
    },
  };
}
