/**
 * The lr-finder panel: the loss-vs-lr curve of a saved result (.knobs/lr-find/<stamp>/result.json)
 * with the suggestion marked (dist/lrFind.js, webview/src/lrfind/), with "Use these bounds in the
 * sweep file" and "Write CyclicLR(...) in the code". One panel per sweep file (or script) tested:
 * a new range test of it shows in the same tab. The panel host (webview/panelHost.ts) gives it
 * the CSP, the ready handshake and parseLrFindWebviewMessage on every inbound message; its
 * serializer restores panels after a window reload (the webview state holds the result file).
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { type LrFindHostMessage, type LrFindWebviewMessage, parseLrFindWebviewMessage } from '../../protocol/lrFindMessages';
import type { Log } from '../output';
import { HostedPanel, type PanelContext, PanelHost, type PanelKind, type WebviewApi } from '../webview/panelHost';
import { type LrFindSaved, lrFindData, readLrFindResult, restoredResultFile } from './lrFind';

export const LR_FIND_VIEW_TYPE = 'knobs.lrFind';

const LR_FIND_PANEL: PanelKind<LrFindWebviewMessage> = {
  viewType: LR_FIND_VIEW_TYPE,
  name: 'lr-find panel',
  bundle: 'lrFind',
  htmlTitle: () => 'Knobs: LR finder',
  parse: parseLrFindWebviewMessage,
};

export interface LrFindPanelActions {
  useBounds(saved: LrFindSaved): Promise<string>;
  writeCyclicLr(saved: LrFindSaved): Promise<string | undefined>;
  onError(what: string, e: unknown): void;
}

/** The key of a result's panel: the sweep file (or script) it tested, else the result file itself. */
export function lrFindPanelKey(resultFile: string): string {
  const saved = readLrFindResult(resultFile);
  return path.resolve(typeof saved === 'string' ? resultFile : (saved.sweepFile ?? saved.source ?? resultFile));
}

class LrFindPanel extends HostedPanel<LrFindWebviewMessage, LrFindHostMessage> {
  private busy = false;
  /** The result.json shown. */
  private file?: string;

  constructor(
    key: string,
    panel: vscode.WebviewPanel,
    ctx: PanelContext<LrFindWebviewMessage>,
    private readonly actions: LrFindPanelActions,
  ) {
    super(key, panel, ctx);
  }

  /** Shows a saved result: a newer range test of the same file replaces the one shown. */
  show(file: string): void {
    if (this.file === file) return;
    this.file = file;
    if (!this.ready) return;
    this.sendResult();
    this.post({ type: 'status', level: 'info', message: '' });
  }

  private load(): LrFindSaved | undefined {
    if (!this.file) return undefined;
    const saved = readLrFindResult(this.file);
    if (typeof saved === 'string') {
      this.post({ type: 'status', level: 'error', message: saved });
      this.ctx.log.warn(`lr-find panel: ${saved}`);
      return undefined;
    }
    return saved;
  }

  private sendResult(): void {
    const saved = this.load();
    if (saved) {
      this.post({ type: 'result', data: lrFindData(saved) });
      this.panel.title = `LR finder: ${lrFindData(saved).title}`;
    }
  }

  protected async handle(msg: LrFindWebviewMessage): Promise<void> {
    if (msg.type === 'log') {
      this.ctx.log[msg.level](`lr-find panel: ${msg.message}`);
      return;
    }
    if (msg.type === 'ready') {
      this.sendResult();
      return;
    }
    if (this.busy) return;
    const saved = this.load();
    if (!saved) return;
    this.busy = true;
    try {
      const line = msg.type === 'useBounds' ? await this.actions.useBounds(saved) : await this.actions.writeCyclicLr(saved);
      this.post({ type: 'status', level: 'info', message: line ?? 'Cancelled: nothing was written.' });
    } catch (e) {
      this.post({ type: 'status', level: 'error', message: e instanceof Error ? e.message : String(e) });
      this.actions.onError(msg.type === 'useBounds' ? 'Use these bounds' : 'Write CyclicLR', e);
    } finally {
      this.busy = false;
    }
  }
}

export class LrFindPanels {
  private readonly host: PanelHost<LrFindWebviewMessage, LrFindPanel>;

  constructor(api: WebviewApi, log: Log, actions: LrFindPanelActions) {
    this.host = new PanelHost(
      { kind: LR_FIND_PANEL, api, log, onError: actions.onError },
      (key, panel, ctx) => new LrFindPanel(key, panel, ctx, actions),
      (panel, state) => {
        const file = restoredResultFile(state);
        if (!file) {
          log.warn(`an lr-finder panel (${panel.title}) could not be restored: its result is gone`);
          panel.dispose();
          return;
        }
        this.host.adopt(lrFindPanelKey(file), panel)?.show(file);
      },
    );
  }

  /** Opens the panel of a saved result.json, or reveals its file's panel and shows it there. */
  open(resultFile: string): void {
    const file = path.resolve(resultFile);
    this.host.open(lrFindPanelKey(file), 'LR finder').show(file);
  }

  dispose(): void {
    this.host.dispose();
  }
}
