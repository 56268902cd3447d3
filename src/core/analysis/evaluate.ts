/**
 * The sweep file's optional `evaluate:` command: run once after the sweep (or on demand) on the
 * best trial, on held-out test data. It is a command list like `command`, with the same macros
 * (command.ts: ${env}, ${interpreter}, ${program}, ${args}, ${args_json}, ${envvar:NAME}, …, all
 * filled from the best trial's config) plus:
 *
 *   ${best_trial_dir}   the best trial's folder (.knobs/sweeps/<id>/trials/<n>)
 *   ${checkpoint}       its checkpoint folder (KNOBS_CHECKPOINT_DIR of that trial)
 *
 * These two are substituted as whole elements and inside elements ("--ckpt=${checkpoint}").
 * Example:  evaluate: ["${env}", "${interpreter}", "${program}", "${args}", "--evaluate", "${checkpoint}"]
 * The evaluation's metrics (e.g. test_loss, test_acc) are stored apart from the trial's
 * validation metrics (`test` in the summary).
 */
import { KnobsError } from '../errors';
import { buildArgv, type BuildArgvOptions } from '../runner/command';

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
