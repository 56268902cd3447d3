/**
 * Code lenses: on sweep files "▶ Run sweep" · "Resume" · "Dashboard"; on parameter definitions
 * in training scripts "best: 3.2e-4 (trial 17)" · "Promote". Off with `knobs.codeLens.enabled`.
 */
import * as vscode from 'vscode';
import { langOf } from '../../core/promote/lang';
import { COMMANDS, SETTINGS } from '../commandIds';
import { DisposableStore } from '../disposables';
import { sweepProgram } from '../sweeps/program';
import type { SweepStore } from '../sweeps/store';
import { type LensSweep, paramLenses } from './paramLenses';
import { isSweepFile, sweepLensLine } from './sweepFile';

export const SWEEP_LENS_TITLES = { run: '▶ Run sweep', resume: 'Resume', dashboard: 'Dashboard', promote: 'Promote' } as const;

export class KnobsCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly store: SweepStore) {
    this.disposables.add(
      store.onDidChange((c) => {
        // new results change the "best" lenses; plain metric points do not change the best often, but cheap enough
        if (c.kind !== 'changed' || c.meta || c.ops) this.schedule();
      }),
    );
    this.disposables.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS.codeLensEnabled)) this.changed.fire();
      }),
    );
    this.disposables.onDispose(() => this.timer && clearTimeout(this.timer));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, 1000);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration(undefined, doc.uri).get<boolean>(SETTINGS.codeLensEnabled, true)) return [];
    const text = doc.getText();
    const file = doc.uri.fsPath;
    if (/\.(ya?ml|json)$/i.test(doc.fileName) && isSweepFile(doc.fileName, text)) {
      const line = Math.min(sweepLensLine(text), Math.max(0, doc.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      const arg = { file };
      return [
        new vscode.CodeLens(range, {
          title: SWEEP_LENS_TITLES.run,
          tooltip: 'Start this sweep (Knobs)',
          command: COMMANDS.runSweep.id,
          arguments: [arg],
        }),
        new vscode.CodeLens(range, {
          title: SWEEP_LENS_TITLES.resume,
          tooltip: 'Resume the latest sweep of this file',
          command: COMMANDS.resumeSweep.id,
          arguments: [arg],
        }),
        new vscode.CodeLens(range, {
          title: SWEEP_LENS_TITLES.dashboard,
          tooltip: 'Open the dashboard of the latest sweep of this file',
          command: COMMANDS.openDashboard.id,
          arguments: [arg],
        }),
      ];
    }
    const lang = langOf(doc.fileName);
    if (!lang || file.includes('/.knobs/')) return [];
    const sweeps: LensSweep[] = this.store.list().map((e) => ({ dir: e.dir, id: e.id, state: e.state, ...sweepProgram(e.dir, e.state) }));
    if (!sweeps.length) return [];
    const out: vscode.CodeLens[] = [];
    for (const l of paramLenses(file, text, lang, sweeps)) {
      const range = new vscode.Range(l.line, l.col, l.line, l.col);
      const arg = { dir: l.dir, trial: l.trial };
      out.push(
        new vscode.CodeLens(range, {
          title: l.title,
          tooltip: `Best value of ${l.name}: open the dashboard`,
          command: COMMANDS.openDashboard.id,
          arguments: [{ dir: l.dir }],
        }),
      );
      out.push(
        new vscode.CodeLens(range, {
          title: SWEEP_LENS_TITLES.promote,
          tooltip: `Write trial ${l.trial}'s config into the code`,
          command: COMMANDS.promoteTrialConfig.id,
          arguments: [arg],
        }),
      );
    }
    return out;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
