/**
 * `knobs promote [sweep] [--trial N] [--params A,B | --all] [--include-budget] [--full-precision]
 * [--yes] [--dry-run]`: writes the best completed trial's config (or trial N's) into the defaults
 * of the sweep's program and the config files beside it, as the extension's Promote does (the
 * same core plan), and prints the unified diff on stdout (`| git apply` works). The account goes
 * to stderr. By default only the parameters the sweep searched are written, budget parameters
 * (epochs, steps) left out, numbers rounded to 4 significant digits. Failed and running trials
 * are refused; a stopped or pruned one needs `--yes`. `--dry-run` prints the diff and writes
 * nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../core/errors';
import { bestTrial, type TrialRecord } from '../../core/journal/reducer';
import type { ChooseOptions } from '../../core/promote/choose';
import { unifiedDiff } from '../../core/promote/diff';
import { applyEdits } from '../../core/promote/edits';
import { langOf } from '../../core/promote/lang';
import { promoteSummary } from '../../core/promote/summary';
import type { TrialPromotePlan } from '../../core/promote/targets';
import { promotableBest, promoteGate } from '../../core/promote/trialGate';
import { checkedNames, pickPlan, planTrial } from '../../core/promote/trialPromote';
import type { OpenedSweep } from '../../core/sweep/open';
import { type FlagSpec, intFlag, type ParsedArgs } from '../args';
import { type CliIO, DIR_FLAG, EXIT, HELP_FLAG, openSweepArg } from '../context';

export const PROMOTE_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  trial: { value: true, arg: 'N', help: 'promote trial N instead of the best trial' },
  params: { value: true, arg: 'A,B', help: 'write these parameters only (default: those the sweep searched)' },
  all: { value: false, help: 'write every parameter, constants (`value:`) included' },
  'include-budget': { value: false, help: 'write budget parameters too (epochs, steps, iterations: left out by default)' },
  'full-precision': { value: false, help: 'write numbers as the trial ran them (default: 4 significant digits)' },
  yes: { value: false, help: 'promote a stopped or pruned trial without asking' },
  'dry-run': { value: false, help: 'print the diff, write nothing' },
  help: HELP_FLAG,
};

function pickTrial(o: OpenedSweep, n: number | undefined): TrialRecord {
  const trial = n !== undefined ? o.state.byId.get(n) : promotableBest(o.state);
  if (trial) return trial;
  const count = o.state.trials.length;
  if (n !== undefined) {
    throw new KnobsError('E_USAGE', `sweep ${o.paths.id} has no trial ${n}`, {
      hint: count ? `its trials are 1..${count} (see \`knobs status ${o.paths.id}\`)` : 'it has no trials yet',
    });
  }
  const lead = bestTrial(o.state);
  throw new KnobsError(
    'E_USAGE',
    `no trial of ${o.paths.id} has completed with ${o.state.created!.metric.name} yet${lead ? ` (trial ${lead.id}, ${lead.status}, leads)` : ''}`,
    {
      hint: lead
        ? `wait for a trial to complete, or pick one with --trial N (a stopped or pruned one needs --yes)`
        : 'run the sweep first (`knobs resume`), or pick a trial with --trial N',
    },
  );
}

/** Refuses failed and running trials; a stopped or pruned one without --yes. */
function checkTrial(o: OpenedSweep, trial: TrialRecord, yes: boolean): void {
  const question = promoteGate(o.paths.id, trial, o.state.created!.metric.name);
  if (!question || yes) return;
  throw new KnobsError(
    'E_USAGE',
    `trial ${trial.id} of ${o.paths.id} was ${trial.status} before it finished; its value is from an unfinished run`,
    {
      hint: `add --yes to promote it anyway (\`knobs promote ${o.paths.id} --trial ${trial.id} --yes\`), or promote a completed trial`,
    },
  );
}

function chooseOptions(a: ParsedArgs): ChooseOptions {
  const params = a.flags.params;
  if (params !== undefined && a.flags.all)
    throw new KnobsError('E_USAGE', '--params and --all both choose the parameters', { hint: 'give one of them' });
  const names =
    typeof params === 'string'
      ? params
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : undefined;
  if (names && !names.length) throw new KnobsError('E_USAGE', '--params is empty', { hint: 'name parameters: --params lr,dropout' });
  return { names, all: !!a.flags.all, includeBudget: !!a.flags['include-budget'], fullPrecision: !!a.flags['full-precision'] };
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
    hint:
      `give each a default where the script reads it (e.g. \`${example}\`; also dict or object literals, assignments), ` +
      'or a config file beside it (config.yaml, params.json)',
  });
}

/** `train.py` for a file under the current folder (git's `a/`, `b/` prefixes apply), else its absolute path. */
function diffName(cwd: string, file: string): { from: string; to: string } {
  const rel = path.relative(cwd, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { from: file, to: file };
  const posix = rel.split(path.sep).join('/');
  return { from: `a/${posix}`, to: `b/${posix}` };
}

/** "--include-budget / --all writes them": how to write what was left out. */
function leftOutHint(leftOut: { why: string }[]): string {
  const flags = [
    ...new Set(leftOut.map((l) => (l.why === 'budget' ? '--include-budget' : l.why === 'not searched' ? '--all' : '--params'))),
  ];
  return `${flags.join(' / ')} ${leftOut.length === 1 ? 'writes it' : 'writes them'}`;
}

export function cmdPromote(a: ParsedArgs, io: CliIO): number {
  const o = openSweepArg(a, io);
  const choose = chooseOptions(a);
  const trial = pickTrial(o, intFlag(a.flags, 'trial', 1));
  checkTrial(o, trial, !!a.flags.yes);
  const t = planTrial({ sweep: o.paths.id, state: o.state, trial, choose });
  checkFound(t.plan, trial.params);
  const { plan, written, leftOut } = pickPlan(t, checkedNames(t));
  const dryRun = !!a.flags['dry-run'];
  for (const f of plan.files) {
    const text = applyEdits(f.text, f.edits);
    io.out.write(unifiedDiff(f.text, text, diffName(io.cwd, f.file)));
    if (!dryRun) fs.writeFileSync(f.file, text);
  }
  const edits = plan.files.reduce((n, f) => n + f.edits.length, 0);
  const summary = promoteSummary(
    trial,
    {
      applied: !dryRun && edits > 0,
      files: plan.files.map((f) => f.file),
      missing: plan.missing,
      unchanged: plan.unchanged,
      edits,
      written,
      leftOut,
    },
    { dryRun, leftOutHint: leftOutHint(leftOut) },
  );
  io.err.write(`knobs: ${summary}\n`);
  return EXIT.ok;
}
