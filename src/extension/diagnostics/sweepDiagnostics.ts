/**
 * Validates sweep files as you type with the core parser (parseSweep) and publishes vscode
 * Diagnostics at the parser's line:col; Diagnostic.fix becomes a quick fix (CodeAction).
 */
import * as vscode from 'vscode';
import { parseSweep } from '../../core/space/parse';
import type { Diagnostic as SweepDiagnostic } from '../../core/space/types';
import { isSweepFile } from '../codelens/sweepFile';
import { SETTINGS } from '../commandIds';
import { DisposableStore } from '../disposables';
import { diagnosticMessage, diagnosticRange } from './ranges';

const SOURCE = 'knobs';

interface Fixable {
  range: vscode.Range;
  message: string;
  fix: NonNullable<SweepDiagnostic['fix']>;
}

export class SweepDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly disposables = new DisposableStore();
  private readonly collection: vscode.DiagnosticCollection;
  private readonly fixes = new Map<string, Fixable[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    this.collection = this.disposables.add(vscode.languages.createDiagnosticCollection(SOURCE));
    this.disposables.add(vscode.workspace.onDidOpenTextDocument((d) => this.validate(d)));
    this.disposables.add(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.disposables.add(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.fixes.delete(d.uri.toString());
      }),
    );
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.diagnosticsEnabled)) this.validateAll();
      }),
    );
    this.disposables.add(
      vscode.languages.registerCodeActionsProvider([{ language: 'yaml' }, { language: 'json' }, { pattern: '**/*.{yaml,yml}' }], this, {
        providedCodeActionKinds: SweepDiagnostics.providedCodeActionKinds,
      }),
    );
    this.disposables.onDispose(() => {
      for (const t of this.timers.values()) clearTimeout(t);
    });
    this.validateAll();
  }

  validateAll(): void {
    for (const d of vscode.workspace.textDocuments) this.validate(d);
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validate(doc);
      }, 150),
    );
  }

  validate(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return;
    const clear = () => {
      this.collection.delete(doc.uri);
      this.fixes.delete(doc.uri.toString());
    };
    if (!/\.(ya?ml|json)$/i.test(doc.fileName)) return clear();
    const enabled = vscode.workspace.getConfiguration(undefined, doc.uri).get<boolean>(SETTINGS.diagnosticsEnabled, true);
    const text = doc.getText();
    if (!enabled || !isSweepFile(doc.fileName, text)) {
      this.collection.delete(doc.uri);
      this.fixes.delete(doc.uri.toString());
      return;
    }
    const { diagnostics } = parseSweep(text, { file: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined });
    const lines = text.split(/\r?\n/);
    const out: vscode.Diagnostic[] = [];
    const fixes: Fixable[] = [];
    for (const d of diagnostics) {
      const r = diagnosticRange(d, lines);
      const range = new vscode.Range(r.startLine, r.startCol, r.endLine, r.endCol);
      const severity =
        d.severity === 'error'
          ? vscode.DiagnosticSeverity.Error
          : d.severity === 'warning'
            ? vscode.DiagnosticSeverity.Warning
            : vscode.DiagnosticSeverity.Information;
      const message = diagnosticMessage(d);
      const vd = new vscode.Diagnostic(range, message, severity);
      vd.source = SOURCE;
      vd.code = d.code;
      out.push(vd);
      if (d.fix) fixes.push({ range, message, fix: d.fix });
    }
    this.collection.set(doc.uri, out);
    this.fixes.set(doc.uri.toString(), fixes);
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const fixes = this.fixes.get(doc.uri.toString()) ?? [];
    const out: vscode.CodeAction[] = [];
    for (const f of fixes) {
      if (!f.range.intersection(range) && !ctx.diagnostics.some((d) => d.range.isEqual(f.range))) continue;
      const action = new vscode.CodeAction(f.fix.title, vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, f.range, f.fix.replacement);
      action.edit = edit;
      action.diagnostics = ctx.diagnostics.filter((d) => d.source === SOURCE && d.range.isEqual(f.range) && d.message === f.message);
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
