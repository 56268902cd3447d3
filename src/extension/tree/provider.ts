/** The sweeps tree view: vscode adapter over tree/model.ts, live from the SweepStore. */
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { DisposableStore } from '../disposables';
import { DEFAULT_FIT_SETTINGS, type FitSettings } from '../insight/fit';
import type { SweepStore } from '../sweeps/store';
import { DEFAULT_PAGE_SIZE, gpuNodes, gpusNode, type IconModel, showsGpus, sweepNode, type TreeNodeModel, trialNodes } from './model';

export class SweepTreeProvider implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<TreeNodeModel | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** Trials shown per sweep (grows with "Show more"). */
  private readonly limits = new Map<string, number>();
  /** Nodes handed to VS Code, by key (so that refreshes of one sweep can target its node). */
  private readonly sweepNodes = new Map<string, TreeNodeModel>();
  private pending = false;
  private fullRefresh = false;
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: SweepStore,
    private readonly pageSize: () => number = () => DEFAULT_PAGE_SIZE,
    private readonly fitSettings: () => FitSettings = () => DEFAULT_FIT_SETTINGS,
  ) {
    this.disposables.add(
      store.onDidChange((c) => {
        if (c.kind !== 'changed') this.fullRefresh = true;
        else this.dirty.add(c.dir);
        this.schedule();
      }),
    );
  }

  refresh(): void {
    this.fullRefresh = true;
    this.schedule();
  }

  showMore(dir: string): void {
    const cur = this.limits.get(dir) ?? this.pageSize();
    this.limits.set(dir, cur + this.pageSize());
    this.fireFor(dir);
  }

  /** Coalesces store changes into one tree refresh per tick. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      if (this.fullRefresh) {
        this.fullRefresh = false;
        this.dirty.clear();
        this.changed.fire(undefined);
        return;
      }
      for (const dir of this.dirty) this.fireFor(dir);
      this.dirty.clear();
    }, 50);
  }

  private fireFor(dir: string): void {
    const node = this.sweepNodes.get(dir);
    // the sweep's label/description may change too; firing with undefined is the safe choice when unknown
    this.changed.fire(node);
  }

  getTreeItem(n: TreeNodeModel): vscode.TreeItem {
    if (n.kind === 'sweep') {
      // refresh the element in place: VS Code asks again for the item of the same key
      const e = this.store.get(n.dir);
      const fresh = e ? sweepNode(e) : n;
      // the newest sweep and live ones open expanded, so their trials show at once
      const newest = this.store.list()[0]?.dir === n.dir;
      const live = fresh.phase === 'running' || fresh.phase === 'paused' || fresh.phase === 'stopping';
      const item = new vscode.TreeItem(
        fresh.label,
        newest || live ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      fill(item, fresh);
      item.command = undefined;
      return item;
    }
    if (n.kind === 'gpus') {
      const e = this.store.get(n.dir);
      const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.Collapsed);
      fill(item, e && showsGpus(e) ? gpusNode(e) : n);
      return item;
    }
    const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
    fill(item, n);
    if (n.kind === 'gpu') return item;
    if (n.kind === 'more') item.command = { command: COMMANDS.showMoreTrials.id, title: 'Show more', arguments: [n] };
    else item.command = { command: COMMANDS.openTrialLogs.id, title: 'Open logs', arguments: [n] };
    return item;
  }

  getChildren(n?: TreeNodeModel): TreeNodeModel[] {
    if (!n) {
      const nodes = this.store.list().map((e) => sweepNode(e));
      this.sweepNodes.clear();
      for (const s of nodes) this.sweepNodes.set(s.dir, s);
      return nodes;
    }
    if (n.kind !== 'sweep' && n.kind !== 'gpus') return [];
    const e = this.store.get(n.dir);
    if (!e) return [];
    if (n.kind === 'gpus') return showsGpus(e) ? gpuNodes(e) : [];
    const trials = trialNodes(e, this.limits.get(n.dir) ?? this.pageSize(), this.pageSize(), { fit: this.fitSettings() });
    return showsGpus(e) ? [gpusNode(e), ...trials] : trials;
  }

  getParent(n: TreeNodeModel): TreeNodeModel | undefined {
    if (n.kind === 'sweep') return undefined;
    if (n.kind === 'gpu') {
      const e = this.store.get(n.dir);
      return e ? gpusNode(e) : undefined;
    }
    return this.sweepNodes.get(n.dir);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function fill(item: vscode.TreeItem, n: TreeNodeModel): void {
  item.id = n.key;
  item.description = n.description;
  item.tooltip = n.tooltip;
  item.contextValue = n.contextValue;
  item.accessibilityInformation = { label: n.ariaLabel, role: 'treeitem' };
  if (n.icon) item.iconPath = themeIcon(n.icon);
}

function themeIcon(i: IconModel): vscode.ThemeIcon {
  return i.color ? new vscode.ThemeIcon(i.id, new vscode.ThemeColor(i.color)) : new vscode.ThemeIcon(i.id);
}
