/**
 * Promote a trial's config into code, the VS Code way. The core refuses failed and running
 * trials and words the question for a stopped or pruned one (a modal here); it chooses the
 * parameters and rounds the values (core/promote/choose.ts, `knobs.promote.fullPrecision`) and
 * plans the edits on open editors' text where a file is open (core/promote/trialPromote.ts).
 * With the preview on, a checkbox per changing parameter (the searched ones pre-checked, budget
 * ones not), then the diff of the proposed text with a modal "Promote / Cancel"
 * (promote/preview.ts); then ONE WorkspaceEdit is applied and every touched document saved.
 * Undo restores all of it. Missing and left-out names are reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrialRecord } from '../../core/journal/reducer';
import type { PromoteChoice } from '../../core/promote/choose';
import { editLabel } from '../../core/promote/edits';
import type { PromoteResult } from '../../core/promote/summary';
import { ofChoice } from '../../core/promote/targets';
import { promoteGate } from '../../core/promote/trialGate';
import { changingChoices, checkedNames, pickPlan, planTrial, type TrialPromote } from '../../core/promote/trialPromote';
import { SETTINGS } from '../commandIds';
import type { Log } from '../output';
import type { SweepEntry } from '../sweeps/store';
import { previewAndApply } from './preview';

export const PROMOTE_ANYWAY = 'Promote Anyway';

/** A file's text as the user sees it: the open editor's (unsaved edits included), else the disk's. */
function documentText(file: string): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === vscode.Uri.file(file).fsPath);
  return open ? open.getText() : fs.readFileSync(file, 'utf8');
}

/** Why a checkbox is ticked or not. */
function choiceNote(c: PromoteChoice): string {
  if (c.budget) return 'budget parameter (the sweep may have shortened it)';
  return c.searched ? 'searched' : 'not searched (a constant of the sweep)';
}

/** The checkboxes: one per parameter whose definition would change. Undefined: cancelled. */
async function pickParams(t: TrialPromote, trial: TrialRecord, entry: SweepEntry): Promise<string[] | undefined> {
  const edits = t.plan.files.flatMap((f) => f.edits).filter((e) => !e.help);
  const items = changingChoices(t).map((c) => ({
    label: c.name,
    description: edits
      .filter((e) => ofChoice(e.name, c.name))
      .map((e) => `${e.oldText} → ${e.newText}`)
      .join(', '),
    detail: choiceNote(c),
    picked: c.checked,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Promote trial ${trial.id} of ${entry.id}: which parameters?`,
    placeHolder: 'Ticked parameters are written into the code (the diff comes next)',
    ignoreFocusOut: true,
  });
  return picked?.map((p) => p.label);
}

/** Promotes, or returns undefined when the user cancelled. Throws for failed and running trials. */
export async function promoteTrial(entry: SweepEntry, trial: TrialRecord, log: Log): Promise<PromoteResult | undefined> {
  const question = promoteGate(entry.id, trial, entry.state.created?.metric.name ?? 'value');
  if (question && (await vscode.window.showWarningMessage(question, { modal: true }, PROMOTE_ANYWAY)) !== PROMOTE_ANYWAY) return undefined;
  const config = vscode.workspace.getConfiguration();
  const preview = config.get<boolean>(SETTINGS.promotePreview, true);
  const fullPrecision = config.get<boolean>(SETTINGS.promoteFullPrecision, false);
  const t = planTrial({ sweep: entry.id, state: entry.state, trial, choose: { fullPrecision }, read: documentText });
  const changing = changingChoices(t).length > 0;
  const picked = preview && changing ? await pickParams(t, trial, entry) : checkedNames(t);
  if (!picked) return undefined;
  const { plan, written, leftOut } = pickPlan(t, picked);
  const { missing, unchanged } = plan;
  const edits = plan.files.reduce((n, f) => n + f.edits.length, 0);
  if (!edits) {
    return { applied: false, files: [], missing, unchanged, edits: 0, written, leftOut };
  }
  const perFile = plan.files.map(
    (f) => `${path.basename(f.file)} (${f.edits.map((e) => `${e.name}${e.help ? ' help' : ''}=${e.newText}`).join(', ')})`,
  );
  log.info(`promote trial ${trial.id} of ${entry.id}: ${perFile.join('; ')}`);
  const where = plan.files.map((f) => path.basename(f.file)).join(', ');
  const applied = await previewAndApply({
    message: `Promote trial ${trial.id} of ${entry.id} into ${where}?`,
    confirm: 'Promote',
    diffTitle: `${where} ↔ trial ${trial.id} promoted`,
    preview,
    changes: plan.files.map((f) => ({
      uri: vscode.Uri.file(f.file),
      text: f.text,
      edits: f.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText, label: editLabel(e) })),
    })),
  });
  return { applied, files: plan.files.map((f) => f.file), missing, unchanged, edits, written, leftOut };
}
