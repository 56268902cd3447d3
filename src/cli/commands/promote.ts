/**
 * `knobs promote [sweep] [--trial N] [--dry-run]`: writes the best trial's config (or trial N's)
 * into the defaults of the sweep's program and the config files beside it, as the extension's
 * Promote does (the same core plan), and prints the unified diff on stdout (`| git apply`
 * works). The account goes to stderr. `--dry-run` prints the diff and writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../core/errors';
import { bestTrial, type TrialRecord } from '../../core/journal/reducer';
import { unifiedDiff } from '../../core/promote/diff';
import { applyEdits } from '../../core/promote/edits';
import { langOf } from '../../core/promote/lang';
import { promoteSummary } from '../../core/promote/summary';
import { planTrialPromote, type TrialPromotePlan } from '../../core/promote/targets';
import type { OpenedSweep } from '../../core/sweep/open';
import { type FlagSpec, intFlag, type ParsedArgs } from '../args';
import { type CliIO, DIR_FLAG, EXIT, HELP_FLAG, openSweepArg } from '../context';

export const PROMOTE_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  trial: { value: true, arg: 'N', help: 'promote trial N instead of the best trial' },
  'dry-run': { value: false, help: 'print the diff, write nothing' },
  help: HELP_FLAG,
};

function pickTrial(o: OpenedSweep, n: number | undefined): TrialRecord {
  const trial = n !== undefined ? o.state.byId.get(n) : bestTrial(o.state);
  if (trial) return trial;
  const count = o.state.trials.length;
  if (n !== undefined) {
    throw new KnobsError('E_USAGE', `sweep ${o.paths.id} has no trial ${n}`, {
      hint: count ? `its trials are 1..${count} (see \`knobs status ${o.paths.id}\`)` : 'it has no trials yet',
    });
  }
  throw new KnobsError('E_USAGE', `no trial of ${o.paths.id} has reported ${o.state.created!.metric.name} yet`, {
    hint: 'run the sweep first (`knobs resume`), or pick a trial with --trial N',
  });
}

/** Refuses a plan that found none of the names in any file. */
function checkFound(plan: TrialPromotePlan, params: Record<string, unknown>): void {
  if (plan.files.length || plan.unchanged.length) return;
  const names = Object.keys(params);
  const where = plan.searched.map((f) => path.basename(f)).join(', ');
  const name = names[0] ?? 'lr';
  const lang = plan.searched[0] ? langOf(plan.searched[0]) : undefined;
  const example =
    lang === 'python'
      ? `parser.add_argument("--${name}", default=...)`
      : lang === 'javascript' || lang === 'typescript'
        ? `const defaults = { ${name}: ... }`
        : `${name}: ...`;
  throw new KnobsError('E_PROMOTE', `no definition of ${names.join(', ')} found in ${where}; nothing to promote`, {
    location: plan.searched[0] ? { file: plan.searched[0] } : undefined,
    hint: `give each a default where the script reads it (e.g. \`${example}\`; also dict or object literals, assignments), or a config file beside it (config.yaml, params.json)`,
  });
}

/** `train.py` for a file under the current folder (git's `a/`, `b/` prefixes apply), else its absolute path. */
function diffName(cwd: string, file: string): { from: string; to: string } {
  const rel = path.relative(cwd, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { from: file, to: file };
  const posix = rel.split(path.sep).join('/');
  return { from: `a/${posix}`, to: `b/${posix}` };
}

export function cmdPromote(a: ParsedArgs, io: CliIO): number {
  const o = openSweepArg(a, io);
  const trial = pickTrial(o, intFlag(a.flags, 'trial', 1));
  const plan = planTrialPromote({ sweep: o.paths.id, state: o.state, params: trial.params });
  checkFound(plan, trial.params);
  const dryRun = !!a.flags['dry-run'];
  for (const f of plan.files) {
    const text = applyEdits(f.text, f.edits);
    io.out.write(unifiedDiff(f.text, text, diffName(io.cwd, f.file)));
    if (!dryRun) fs.writeFileSync(f.file, text);
  }
  const edits = plan.files.reduce((n, f) => n + f.edits.length, 0);
  const summary = promoteSummary(
    trial,
    { applied: !dryRun && edits > 0, files: plan.files.map((f) => f.file), missing: plan.missing, unchanged: plan.unchanged, edits },
    { dryRun },
  );
  io.err.write(`knobs: ${summary}\n`);
  return EXIT.ok;
}
