/**
 * Promote a trial's config into code, the VS Code way: the core plans the edits
 * (core/promote/targets.ts, on open editors' text where a file is open); the diff of the proposed
 * text is shown with a modal "Promote / Cancel" (promote/preview.ts), then ONE WorkspaceEdit is
 * applied and every touched document saved. Undo restores all of it. Missing names are reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrialRecord } from '../../core/journal/reducer';
import type { PromoteResult } from '../../core/promote/summary';
import { planTrialPromote } from '../../core/promote/targets';
import { SETTINGS } from '../commandIds';
import type { Log } from '../output';
import type { SweepEntry } from '../sweeps/store';
import { previewAndApply } from './preview';

/** A file's text as the user sees it: the open editor's (unsaved edits included), else the disk's. */
function documentText(file: string): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === vscode.Uri.file(file).fsPath);
  return open ? open.getText() : fs.readFileSync(file, 'utf8');
}

export async function promoteTrial(entry: SweepEntry, trial: TrialRecord, log: Log): Promise<PromoteResult> {
  const plan = planTrialPromote({ sweep: entry.id, state: entry.state, params: trial.params, read: documentText });
  const { missing, unchanged } = plan;
  const edits = plan.files.reduce((n, f) => n + f.edits.length, 0);
  if (!edits) {
    return { applied: false, files: [], missing, unchanged, edits: 0 };
  }
  const preview = vscode.workspace.getConfiguration().get<boolean>(SETTINGS.promotePreview, true);
  log.info(
    `promote trial ${trial.id} of ${entry.id}: ${plan.files.map((f) => `${path.basename(f.file)} (${f.edits.map((e) => `${e.name}=${e.newText}`).join(', ')})`).join('; ')}`,
  );
  const where = plan.files.map((f) => path.basename(f.file)).join(', ');
  const applied = await previewAndApply({
    message: `Promote trial ${trial.id} of ${entry.id} into ${where}?`,
    confirm: 'Promote',
    diffTitle: `${where} ↔ trial ${trial.id} promoted`,
    preview,
    changes: plan.files.map((f) => ({
      uri: vscode.Uri.file(f.file),
      text: f.text,
      edits: f.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText, label: `${e.name}: ${e.oldText} → ${e.newText}` })),
    })),
  });
  return { applied, files: plan.files.map((f) => f.file), missing, unchanged, edits };
}
