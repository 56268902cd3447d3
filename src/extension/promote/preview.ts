/**
 * Promote's preview: the user sees the diff first, and one click applies it.
 *
 *   1. the proposed text of each file is served read-only by a TextDocumentContentProvider
 *      (scheme `knobs-preview`, same path so the language and highlighting match);
 *   2. a diff editor opens on it (`vscode.diff` for one file, `vscode.changes` for several);
 *   3. a modal dialog lists the edits: "<confirm>" or Cancel;
 *   4. on confirm, ONE WorkspaceEdit (no confirmation metadata) is applied and each touched
 *      document saved, so one Undo restores all of it; the preview tabs close either way.
 * With the preview setting off, steps 1–3 are skipped.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { applyEdits } from '../../core/promote/edits';

export const PREVIEW_SCHEME = 'knobs-preview';

class PreviewContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }
  dispose(): void {
    this.texts.clear();
    this.emitter.dispose();
  }
}

let content: PreviewContent | undefined;
let registration: vscode.Disposable | undefined;
let counter = 0;

function provider(): PreviewContent {
  if (!content) {
    content = new PreviewContent();
    registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, content);
  }
  return content;
}

/** Unregisters the preview provider (on deactivate; idempotent). */
export function disposePreview(): void {
  registration?.dispose();
  content?.dispose();
  registration = undefined;
  content = undefined;
}

export interface PlannedFileEdit {
  start: number;
  end: number;
  newText: string;
  /** "lr: 0.001 → 0.003", shown in the dialog. */
  label: string;
}

export interface FileChange {
  uri: vscode.Uri;
  /** The text the edits were planned on; applying refuses if the document changed since. */
  text: string;
  edits: PlannedFileEdit[];
}

export interface PreviewOptions {
  /** The dialog's message ("Promote trial 7 of sweep-… into train.py?"). */
  message: string;
  /** The confirm button ("Promote"). */
  confirm: string;
  /** The diff editor's title. */
  diffTitle: string;
  changes: FileChange[];
  /** Show the diff and ask first (else apply at once). */
  preview: boolean;
}

async function docOf(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
}

async function checkUnchanged(changes: readonly FileChange[]): Promise<vscode.TextDocument[]> {
  const docs: vscode.TextDocument[] = [];
  for (const c of changes) {
    const doc = await docOf(c.uri);
    if (doc.getText() !== c.text)
      throw new KnobsError('E_INTERNAL', `${path.basename(c.uri.fsPath)} changed while Knobs was writing into it; nothing was changed`, {
        hint: 'try again',
      });
    docs.push(doc);
  }
  return docs;
}

async function closePreviewTabs(uris: readonly vscode.Uri[]): Promise<void> {
  const keys = new Set(uris.map((u) => u.toString()));
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => {
      const input = t.input as { modified?: vscode.Uri; textDiffs?: { modified: vscode.Uri }[] } | undefined;
      if (input?.modified && keys.has(input.modified.toString())) return true;
      return !!input?.textDiffs?.some((d) => keys.has(d.modified.toString()));
    });
  if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, () => undefined);
}

/** The dialog's detail: one line per edit, grouped by file. */
export function previewDetail(changes: readonly { uri: { fsPath: string }; edits: readonly { label: string }[] }[]): string {
  const lines: string[] = [];
  for (const c of changes) {
    if (changes.length > 1) lines.push(`${path.basename(c.uri.fsPath)}:`);
    for (const e of c.edits) lines.push(`${changes.length > 1 ? '  ' : ''}${e.label}`);
  }
  const max = 24;
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more (see the diff)`].join('\n') : lines.join('\n');
}

/**
 * Shows the diff of every change and asks; on confirm applies them as one WorkspaceEdit and saves.
 * Returns true when applied, false when cancelled (or VS Code refused the edit).
 */
export async function previewAndApply(o: PreviewOptions): Promise<boolean> {
  const changes = o.changes.filter((c) => c.edits.length);
  if (!changes.length) return false;
  await checkUnchanged(changes);
  if (o.preview) {
    const p = provider();
    const id = ++counter;
    const previews = changes.map((c) => {
      const uri = c.uri.with({ scheme: PREVIEW_SCHEME, query: `knobs-preview-${id}`, fragment: '' });
      p.set(uri, applyEdits(c.text, c.edits));
      return uri;
    });
    let choice: string | undefined;
    try {
      if (changes.length === 1) {
        await vscode.commands.executeCommand('vscode.diff', changes[0].uri, previews[0], o.diffTitle, {
          preview: true,
          preserveFocus: false,
        });
      } else {
        await vscode.commands.executeCommand(
          'vscode.changes',
          o.diffTitle,
          changes.map((c, i) => [c.uri, c.uri, previews[i]]),
        );
      }
      choice = await vscode.window.showInformationMessage(o.message, { modal: true, detail: previewDetail(changes) }, o.confirm);
    } finally {
      await closePreviewTabs(previews);
      for (const u of previews) p.delete(u);
    }
    if (choice !== o.confirm) return false;
  }
  const docs = await checkUnchanged(changes);
  const we = new vscode.WorkspaceEdit();
  changes.forEach((c, i) => {
    for (const e of c.edits) we.replace(c.uri, new vscode.Range(docs[i].positionAt(e.start), docs[i].positionAt(e.end)), e.newText);
  });
  if (!(await vscode.workspace.applyEdit(we))) return false;
  for (const c of changes) {
    const doc = await docOf(c.uri);
    if (doc.isDirty) await doc.save();
  }
  return true;
}
