/**
 * The lr-finder panel: one WebviewPanel per saved result (.knobs/lr-find/<stamp>/result.json)
 * drawing the loss-vs-lr curve with the suggestion marked (dist/lrFind.js, webview/src/lrfind/),
 * with "Use these bounds in the sweep file" and "Write CyclicLR(...) in the code".
 * Strict CSP with a nonce, assets from dist/ and media/ only, a ready handshake, every inbound
 * message checked by parseLrFindWebviewMessage (invalid ones are logged and dropped). A serializer
 * restores panels after a window reload (the webview state holds the result file).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseLrFindWebviewMessage, type LrFindHostMessage, type LrFindWebviewMessage } from '../../protocol/lrFindMessages';
import { DisposableStore } from '../disposables';
import type { Log } from '../output';
import { dashboardHtml } from '../panel/html';
import { lrFindData, readLrFindResult, restoredResultFile, type LrFindSaved } from './lrFind';

export const LR_FIND_VIEW_TYPE = 'knobs.lrFind';

export interface LrFindPanelActions {
  useBounds(saved: LrFindSaved): Promise<string>;
  writeCyclicLr(saved: LrFindSaved): Promise<string | undefined>;
  onError(what: string, e: unknown): void;
}

class LrFindPanel {
  readonly disposables = new DisposableStore();
  private busy = false;

  constructor(
    readonly file: string,
    readonly panel: vscode.WebviewPanel,
    private readonly mgr: LrFindPanels,
  ) {
    this.disposables.add(panel);
    panel.webview.options = mgr.webviewOptions();
    panel.webview.html = mgr.html(panel.webview);
    panel.iconPath = vscode.Uri.joinPath(mgr.extensionUri, 'media', 'beaker.svg');
    this.disposables.add(panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    this.disposables.add(panel.onDidDispose(() => mgr.forget(this)));
  }

  private onMessage(raw: unknown): void {
    const msg = parseLrFindWebviewMessage(raw);
    if (typeof msg === 'string') {
      this.mgr.log.warn(`lr-find panel: ignored an invalid message (${msg})`);
      return;
    }
    void this.handle(msg);
  }

  private load(): LrFindSaved | undefined {
    const saved = readLrFindResult(this.file);
    if (typeof saved === 'string') {
      this.post({ type: 'status', level: 'error', message: saved });
      this.mgr.log.warn(`lr-find panel: ${saved}`);
      return undefined;
    }
    return saved;
  }

  private async handle(msg: LrFindWebviewMessage): Promise<void> {
    if (msg.type === 'log') {
      this.mgr.log[msg.level](`lr-find panel: ${msg.message}`);
      return;
    }
    if (msg.type === 'ready') {
      const saved = this.load();
      if (saved) {
        this.post({ type: 'result', data: lrFindData(saved) });
        this.panel.title = `LR finder: ${lrFindData(saved).title}`;
      }
      return;
    }
    if (this.busy) return;
    const saved = this.load();
    if (!saved) return;
    this.busy = true;
    try {
      const line = msg.type === 'useBounds' ? await this.mgr.actions.useBounds(saved) : await this.mgr.actions.writeCyclicLr(saved);
      this.post({ type: 'status', level: 'info', message: line ?? 'Cancelled: nothing was written.' });
    } catch (e) {
      this.post({ type: 'status', level: 'error', message: e instanceof Error ? e.message : String(e) });
      this.mgr.actions.onError(msg.type === 'useBounds' ? 'Use these bounds' : 'Write CyclicLR', e);
    } finally {
      this.busy = false;
    }
  }

  private post(m: LrFindHostMessage): void {
    void this.panel.webview.postMessage(m).then(undefined, (err) => this.mgr.log.warn(`lr-find panel post failed: ${String(err)}`));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

export class LrFindPanels implements vscode.Disposable {
  private readonly panels = new Map<string, LrFindPanel>();
  private readonly disposables = new DisposableStore();

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly log: Log,
    readonly actions: LrFindPanelActions,
  ) {
    this.disposables.add(
      vscode.window.registerWebviewPanelSerializer(LR_FIND_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          const file = restoredResultFile(state);
          if (!file || this.panels.has(file)) {
            if (!file) log.warn(`an lr-finder panel (${panel.title}) could not be restored: its result is gone`);
            panel.dispose();
            return;
          }
          this.adopt(file, panel);
        },
      }),
    );
  }

  webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  html(webview: vscode.Webview): string {
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return dashboardHtml({
      cspSource: webview.cspSource,
      scriptUri: asUri('dist', 'lrFind.js'),
      styleUri: asUri('dist', 'lrFind.css'),
      title: 'Knobs: LR finder',
    });
  }

  /** Opens (or reveals) the panel of a saved result.json. */
  open(resultFile: string, column: vscode.ViewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
    const file = path.resolve(resultFile);
    const existing = this.panels.get(file);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(LR_FIND_VIEW_TYPE, 'LR finder', column, this.webviewOptions());
    this.adopt(file, panel);
    return panel;
  }

  private adopt(file: string, panel: vscode.WebviewPanel): void {
    this.panels.set(file, new LrFindPanel(file, panel, this));
    this.log.info(`lr-find panel opened for ${file}`);
  }

  forget(p: LrFindPanel): void {
    if (this.panels.get(p.file) === p) this.panels.delete(p.file);
    p.dispose();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    this.disposables.dispose();
  }
}
