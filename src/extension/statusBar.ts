/** Status bar: the running sweep (else the newest): "$(beaker) 2/12 · best 0.083"; click → dashboard. */
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import { DisposableStore } from './disposables';
import { statusText } from './statusText';
import type { SweepEntry, SweepStore } from './sweeps/store';

export class SweepStatusBar implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly store: SweepStore) {
    this.item = this.disposables.add(vscode.window.createStatusBarItem('knobs.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Knobs sweep';
    this.disposables.add(store.onDidChange(() => this.schedule()));
    this.disposables.onDispose(() => this.timer && clearTimeout(this.timer));
    this.update();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 250);
  }

  /** The sweep shown: the newest with a live runner, else the newest. */
  current(): SweepEntry | undefined {
    const all = this.store.list();
    return all.find((e) => e.runner.kind === 'running') ?? all[0];
  }

  update(): void {
    const e = this.current();
    if (!e) {
      this.item.hide();
      return;
    }
    const s = statusText(e.id, e.state, e.runner);
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.accessibilityInformation = { label: s.tooltip.split('\n').slice(0, 3).join(', ') };
    this.item.command = { command: COMMANDS.openDashboard.id, title: 'Open dashboard', arguments: [{ dir: e.dir }] };
    this.item.show();
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
