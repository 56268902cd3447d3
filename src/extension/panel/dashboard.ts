/**
 * One dashboard WebviewPanel per sweep: on the ready handshake a snapshot, then incremental
 * appends (DashboardFeed). The panel host (webview/panelHost.ts) gives it the CSP, the ready
 * handshake and parseWebviewMessage on every inbound message; its serializer restores panels
 * after a window reload (the state holds the sweep dir, else the title names the sweep).
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  encodeHostMessage,
  type HostMessage,
  type LrFindAction,
  parseWebviewMessage,
  type WebviewMessage,
  type WireHostMessage,
} from '../../protocol/messages';
import { DASHBOARD_VIEW_TYPE } from '../commandIds';
import { DisposableStore } from '../disposables';
import { DEFAULT_FIT_SETTINGS, type FitSettings } from '../insight/fit';
import { ImportanceFeed } from '../insight/importanceFeed';
import { type LrFindSaved, lrFindData, newestLrFindOf } from '../insight/lrFind';
import type { Log } from '../output';
import type { SweepStore } from '../sweeps/store';
import { HostedPanel, type PanelContext, PanelHost, type PanelKind, type WebviewApi } from '../webview/panelHost';
import { restoredDir } from './dashboardState';
import { DashboardFeed, featuredSeries, onlySweepMetric, seriesReply } from './snapshot';

export interface DashboardActions {
  stopTrial(dir: string, trial: number): unknown;
  promote(dir: string, trial: number): unknown;
  openLogs(dir: string, trial: number): unknown;
  rerun(dir: string, trial: number): unknown;
  stopSweep(dir: string): unknown;
  /** The LR finder tab: run a range test of the sweep file, or write the saved result's bounds. */
  lrFind(action: LrFindAction, sweepFile: string, saved: LrFindSaved | undefined): unknown;
}

const DASHBOARD_PANEL: PanelKind<WebviewMessage> = {
  viewType: DASHBOARD_VIEW_TYPE,
  name: 'dashboard',
  bundle: 'webview',
  htmlTitle: (dir) => `Knobs: ${path.basename(dir)}`,
  retainContextWhenHidden: true,
  parse: parseWebviewMessage,
};

class Dashboard extends HostedPanel<WebviewMessage, WireHostMessage> {
  private readonly feed: DashboardFeed;
  private readonly importance: ImportanceFeed;
  private readonly changed = new Set<number>();
  private timer?: ReturnType<typeof setTimeout>;
  /** The sweep metric (the series the panel draws by default). */
  private metric: string | undefined;
  /** Another metric whose curves the panel asked for (its appends are posted too). */
  private chosen: string | undefined;

  constructor(
    dir: string,
    panel: vscode.WebviewPanel,
    ctx: PanelContext<WebviewMessage>,
    private readonly mgr: DashboardManager,
  ) {
    super(dir, panel, ctx);
    const { store, log } = mgr;
    this.feed = new DashboardFeed(() => mgr.fitSettings());
    this.importance = new ImportanceFeed(() => store.get(dir)?.state, {
      onResult: (m) => this.send(m),
      onError: (e) => log.warn(`importance of ${path.basename(dir)}: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.disposables.onDispose(() => this.importance.dispose());
    this.disposables.onDispose(() => this.timer && clearTimeout(this.timer));
    // a range test saved while the panel was in the background (file watchers can miss it) shows
    // when the panel comes back
    this.disposables.add(panel.onDidChangeViewState((e) => e.webviewPanel.visible && this.sendLrFind()));
    this.disposables.add(
      store.onDidChange((c) => {
        if (path.resolve(c.dir) !== this.dir) return;
        if (c.kind === 'removed') {
          this.send({ type: 'error', message: 'this sweep was deleted' });
          return;
        }
        for (const t of c.trials) this.changed.add(t);
        this.importance.changed();
        if (c.kind === 'added') this.changed.clear();
        this.scheduleAppend(c.kind === 'added');
      }),
    );
  }

  /** The sweep folder (absolute): the key of this panel. */
  get dir(): string {
    return this.key;
  }

  protected override describe(): string {
    return `dashboard ${path.basename(this.dir)}`;
  }

  protected async handle(msg: WebviewMessage): Promise<void> {
    const a = this.mgr.actions;
    switch (msg.type) {
      case 'ready':
        this.sendSnapshot();
        return;
      case 'log':
        this.mgr.log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](`dashboard: ${msg.message}`);
        return;
      case 'stopTrial':
        await a.stopTrial(this.dir, msg.trial);
        return;
      case 'promote':
        await a.promote(this.dir, msg.trial);
        return;
      case 'openLogs':
        await a.openLogs(this.dir, msg.trial);
        return;
      case 'rerun':
        await a.rerun(this.dir, msg.trial);
        return;
      case 'stopSweep':
        await a.stopSweep(this.dir);
        return;
      case 'lrFindAction': {
        const file = this.sweepFile();
        if (!file) throw new Error('this sweep does not record its sweep file, so there is no range test to act on');
        const saved = newestLrFindOf(file);
        if (msg.action !== 'run' && !saved) throw new Error(`no saved lr range test of ${path.basename(file)}`);
        await a.lrFind(msg.action, file, saved);
        return;
      }
      case 'series': {
        const e = this.mgr.store.get(this.dir);
        if (!e) return;
        const sweepMetric = e.state.created?.metric.name ?? this.metric ?? '';
        if (msg.metric !== undefined && msg.metric !== sweepMetric) this.chosen = msg.metric;
        this.send(seriesReply(e.state, msg.trials, msg.metric ?? sweepMetric));
        return;
      }
    }
  }

  sendSnapshot(): void {
    const e = this.mgr.store.get(this.dir);
    if (!e) {
      this.send({ type: 'error', message: `no sweep at ${this.dir}` });
      return;
    }
    this.changed.clear();
    const t0 = performance.now();
    const logical = this.feed.snapshot(e);
    this.metric = logical.meta.metric.name;
    const snap = encodeHostMessage(featuredSeries(onlySweepMetric(logical, this.metric)));
    const built = performance.now() - t0;
    this.post(snap);
    if (snap.type === 'snapshot')
      this.mgr.log.info(
        `dashboard ${e.id}: snapshot of ${snap.trials.n} trials and ${snap.series.steps.length} points ` +
          `built in ${built.toFixed(0)} ms, posted at ${Date.now()}`,
      );
    const imp = this.importance.latest();
    if (imp) this.send(imp);
    else this.importance.changed();
    this.sendLrFind();
    this.panel.title = `Knobs: ${e.id}`;
  }

  refresh(): void {
    if (this.ready) this.sendSnapshot();
  }

  /** The sweep file this sweep was created from (absolute), if the journal says. */
  sweepFile(): string | undefined {
    return this.mgr.store.get(this.dir)?.state.created?.file;
  }

  /** The LR finder tab: the newest saved range test of this sweep's file, or how to make one. */
  sendLrFind(): void {
    if (!this.ready) return;
    const file = this.sweepFile();
    const saved = file ? newestLrFindOf(file) : undefined;
    if (saved) this.send({ type: 'lrFind', data: lrFindData(saved) });
    else
      this.send({
        type: 'lrFind',
        data: null,
        message: file
          ? `No learning-rate range test of ${path.basename(file)} yet. Run one: it trains once while the lr ramps up, and suggests the lr range to search.`
          : 'This sweep does not record its sweep file, so it has no learning-rate range test.',
      });
  }

  private scheduleAppend(full: boolean): void {
    if (!this.ready) return;
    if (full) {
      this.sendSnapshot();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const e = this.mgr.store.get(this.dir);
      if (!e || !this.ready) return;
      const ids = [...this.changed];
      this.changed.clear();
      const msg = this.feed.append(e, ids);
      if (msg) this.send(msg);
    }, 100);
  }

  /** Trials and points travel columnar (typed arrays: VS Code transfers them as binary). */
  private send(m: HostMessage): void {
    if (m.type === 'append' && m.meta) this.metric = m.meta.metric.name;
    this.post(encodeHostMessage(this.metric ? onlySweepMetric(m, this.metric, this.chosen) : m));
  }
}

export class DashboardManager implements vscode.Disposable {
  private readonly panels: PanelHost<WebviewMessage, Dashboard>;
  private readonly disposables = new DisposableStore();
  /** The knobs.diagnosis.* settings (the table's fit column). */
  fitSettings: () => FitSettings = () => DEFAULT_FIT_SETTINGS;

  constructor(
    api: WebviewApi,
    readonly store: SweepStore,
    readonly log: Log,
    readonly actions: DashboardActions,
    readonly onError: (what: string, e: unknown) => void,
    /** Resolves when the first discovery of sweeps is done (restored panels wait for it). */
    private readonly discovered: Promise<unknown> = Promise.resolve(),
  ) {
    this.panels = this.disposables.add(
      new PanelHost<WebviewMessage, Dashboard>(
        { kind: DASHBOARD_PANEL, api, log, onError },
        (dir, panel, ctx) => new Dashboard(dir, panel, ctx, this),
        async (panel, state) => {
          await this.discovered;
          const dir = restoredDir(state, panel.title, store.list());
          if (!dir || !fs.existsSync(path.join(dir, 'journal.jsonl'))) {
            log.warn(`a dashboard (${panel.title}) could not be restored: its sweep is gone`);
            panel.dispose();
            return;
          }
          if (!this.panels.has(dir) && !store.has(dir)) store.add(path.join(dir, 'journal.jsonl'));
          this.panels.adopt(dir, panel);
        },
      ),
    );
    // a new or rewritten lr range test re-fills the LR finder tab of the dashboards of that file
    const lrWatcher = this.disposables.add(vscode.workspace.createFileSystemWatcher('**/.knobs/lr-find/*/result.json'));
    const onLrFind = () => {
      for (const d of this.panels.all()) d.sendLrFind();
    };
    this.disposables.add(lrWatcher.onDidCreate(onLrFind));
    this.disposables.add(lrWatcher.onDidChange(onLrFind));
    // give the serializer (window reload) time to adopt its panels first
    const timer = setTimeout(() => void this.reopenOrphans().catch((e) => log.warn(`could not re-open dashboards: ${String(e)}`)), 3000);
    this.disposables.add({ dispose: () => clearTimeout(timer) });
  }

  /**
   * After an extension-host crash VS Code keeps the dashboard tabs but hands them to nobody (the
   * serializer runs only on window restore: microsoft/vscode#188257), so they would stay frozen.
   * Once discovery has settled (restored panels are adopted by then), close every Knobs dashboard
   * tab that no panel of ours owns and open its sweep's dashboard again.
   */
  async reopenOrphans(): Promise<number> {
    await this.discovered;
    let reopened = 0;
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (!(input instanceof vscode.TabInputWebview) || !input.viewType.endsWith(DASHBOARD_VIEW_TYPE)) continue;
        const dir = restoredDir(undefined, tab.label, this.store.list());
        if (!dir || this.panels.has(dir)) continue;
        this.log.info(`re-opening the orphaned dashboard of ${dir} (the extension host restarted)`);
        await vscode.window.tabGroups.close(tab, true);
        this.open(dir);
        reopened++;
      }
    }
    return reopened;
  }

  /** Opens (or reveals) the dashboard of a sweep. */
  open(dir: string): vscode.WebviewPanel {
    const abs = path.resolve(dir);
    if (!this.panels.has(abs) && !this.store.has(abs)) this.store.add(path.join(abs, 'journal.jsonl'));
    return this.panels.open(abs, `Knobs: ${path.basename(abs)}`).panel;
  }

  /** The sweep of the focused dashboard, if any. */
  activeDir(): string | undefined {
    for (const d of this.panels.all()) if (d.panel.active) return d.dir;
    return undefined;
  }

  /** Sends every open dashboard a fresh snapshot (settings changed). */
  refreshAll(): void {
    for (const d of this.panels.all()) d.refresh();
  }

  close(dir: string): void {
    this.panels.get(path.resolve(dir))?.panel.dispose();
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
