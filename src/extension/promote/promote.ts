/**
 * Promote a trial's config into code: planPromote (pure, promote/edits.ts) on the program file
 * (and config-like files beside it for names not found there); the diff of the proposed text is
 * shown with a modal "Promote / Cancel" (promote/preview.ts), then ONE WorkspaceEdit is applied
 * and every touched document saved. Undo restores all of it. Missing names are reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import type { TrialRecord } from '../../core/journal/reducer';
import { formatValue } from '../../core/space/config';
import { SETTINGS } from '../commandIds';
import type { Log } from '../output';
import type { SweepEntry } from '../sweeps/store';
import { sweepProgram } from '../sweeps/program';
import { planPromote, type PromotePlan } from '../../core/promote/edits';
import { langOf } from '../../core/promote/lang';
import { previewAndApply } from './preview';

export interface PromoteResult {
  applied: boolean;
  files: string[];
  missing: string[];
  unchanged: string[];
  edits: number;
}

const CONFIG_LIKE = /(config|conf|params|hparams|hyperparams|settings|defaults)/i;

/** Files to look in: the program, then config-like files in its folder. */
export function promoteCandidates(program: string | undefined, sweepFile: string | undefined): string[] {
  const out: string[] = [];
  if (program && fs.existsSync(program)) out.push(program);
  const folder = program ? path.dirname(program) : sweepFile ? path.dirname(sweepFile) : undefined;
  if (!folder) return out;
  let names: string[] = [];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = path.join(folder, n);
    if (p === program || (sweepFile && path.resolve(sweepFile) === p)) continue;
    if (!CONFIG_LIKE.test(n) || !langOf(n)) continue;
    if (/sweep/i.test(n) || n === 'package.json' || n.endsWith('-lock.json') || n.startsWith('tsconfig')) continue;
    try {
      if (fs.statSync(p).isFile() && fs.statSync(p).size < 1_000_000) out.push(p);
    } catch {
      /* skip */
    }
  }
  return out;
}

async function documentText(file: string): Promise<{ uri: vscode.Uri; text: string; doc?: vscode.TextDocument }> {
  const uri = vscode.Uri.file(file);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  if (open) return { uri, text: open.getText(), doc: open };
  return { uri, text: fs.readFileSync(file, 'utf8') };
}

export async function promoteTrial(entry: SweepEntry, trial: TrialRecord, log: Log): Promise<PromoteResult> {
  const created = entry.state.created;
  if (!created) throw new KnobsError('E_JOURNAL', `sweep ${entry.id} has no sweep_created op`, { hint: 'the sweep folder is damaged' });
  const { program } = sweepProgram(entry.dir, entry.state);
  const files = promoteCandidates(program, created.file);
  if (!files.length) {
    throw new KnobsError('E_SWEEP_IO', `the program of sweep ${entry.id} (${program ?? 'none'}) was not found`, {
      hint: 'promote needs the training script beside the sweep file; open it and try again',
    });
  }
  let remaining: Record<string, unknown> = { ...trial.params };
  const unchanged: string[] = [];
  const plans: { file: string; uri: vscode.Uri; doc?: vscode.TextDocument; text: string; plan: PromotePlan }[] = [];
  for (const file of files) {
    if (!Object.keys(remaining).length) break;
    const lang = langOf(file);
    if (!lang) continue;
    const { uri, text, doc } = await documentText(file);
    const plan = planPromote(text, lang, remaining);
    unchanged.push(...plan.unchanged);
    if (plan.edits.length) plans.push({ file, uri, doc, text, plan });
    const found = new Set([...plan.edits.map((e) => e.name), ...plan.unchanged]);
    remaining = Object.fromEntries(Object.entries(remaining).filter(([k]) => !found.has(k)));
  }
  const missing = Object.keys(remaining);
  const edits = plans.reduce((n, p) => n + p.plan.edits.length, 0);
  if (!edits) {
    return { applied: false, files: [], missing, unchanged, edits: 0 };
  }
  const preview = vscode.workspace.getConfiguration().get<boolean>(SETTINGS.promotePreview, true);
  log.info(`promote trial ${trial.id} of ${entry.id}: ${plans.map((p) => `${path.basename(p.file)} (${p.plan.edits.map((e) => `${e.name}=${e.newText}`).join(', ')})`).join('; ')}`);
  const where = plans.map((p) => path.basename(p.file)).join(', ');
  const ok = await previewAndApply({
    message: `Promote trial ${trial.id} of ${entry.id} into ${where}?`,
    confirm: 'Promote',
    diffTitle: `${where} ↔ trial ${trial.id} promoted`,
    preview,
    changes: plans.map((p) => ({ uri: p.uri, text: p.text, edits: p.plan.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText, label: `${e.name}: ${e.oldText} → ${e.newText}` })) })),
  });
  if (!ok) return { applied: false, files: plans.map((p) => p.file), missing, unchanged, edits };
  return { applied: true, files: plans.map((p) => p.file), missing, unchanged, edits };
}

/** "Promoted trial 7 (lr=0.003, dropout=0.2) into train.py. Not found: l1." */
export function promoteSummary(trial: TrialRecord, r: PromoteResult): string {
  const where = r.files.map((f) => path.basename(f)).join(', ');
  const vals = Object.entries(trial.params)
    .filter(([k]) => !r.missing.includes(k) && !r.unchanged.includes(k))
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
  const parts = [r.applied ? `Promoted trial ${trial.id} (${vals}) into ${where}.` : r.edits ? `Promote of trial ${trial.id} was not applied.` : `Nothing to change for trial ${trial.id}.`];
  if (r.unchanged.length) parts.push(`Already set: ${r.unchanged.join(', ')}.`);
  if (r.missing.length) parts.push(`No definition found for: ${r.missing.join(', ')} (looked for argparse defaults, dicts, assignments and config files).`);
  return parts.join(' ');
}
