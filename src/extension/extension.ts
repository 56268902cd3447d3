/**
 * The Knobs extension host entry. Activation is by contribution only (the view, commands,
 * workspaceContains of a journal, YAML files). Everything registered goes into one disposable
 * store; deactivate disposes it once.
 *
 * Sweeps are discovered by SWEEP_GLOB and followed with a FileSystemWatcher plus one JournalTail
 * per sweep (SweepStore); a light poll of live sweeps covers watchers that miss events. Runs are
 * detached runner processes, so a reload re-attaches from the journals.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SWEEP_GLOB } from '../core/sweep/paths';
import { KnobsCodeLensProvider } from './codelens/provider';
import { COMMANDS, DIAGNOSIS_SECTION, SETTINGS, SWEEPS_VIEW_ID } from './commandIds';
import { dashboardActions, registerCommands } from './commands/register';
import { SweepDiagnostics } from './diagnostics/sweepDiagnostics';
import { DisposableStore } from './disposables';
import { type FitSettings, readFitSettings } from './insight/fit';
import { createLog, reportError } from './output';
import { type DashboardActions, DashboardManager } from './panel/dashboard';
import { SweepStatusBar } from './statusBar';
import { SweepStore } from './sweeps/store';
import { DEFAULT_PAGE_SIZE } from './tree/model';
import { SweepTreeProvider } from './tree/provider';
import { UNTRUSTED_MESSAGE } from './trust';
import { vscodeWebviewApi } from './webview/webviewApi';

let active: DisposableStore | undefined;

export interface KnobsApi {
  /** Sweep folders known to the extension (for tests and other extensions). */
  sweeps(): string[];
}

export function activate(context: vscode.ExtensionContext): KnobsApi {
  const disposables = new DisposableStore();
  active = disposables;
  context.subscriptions.push({ dispose: () => disposables.dispose() });

  const log = disposables.add(createLog());
  log.info(`Knobs ${context.extension.packageJSON.version} activated (${context.extensionPath}); trusted: ${vscode.workspace.isTrusted}`);
  const onError = (what: string, e: unknown) => reportError(log, what, e);

  const store = disposables.add(new SweepStore({ onError: (e) => log.error(`sweep store: ${String(e)}`) }));
  const pageSize = () => Math.max(10, vscode.workspace.getConfiguration().get<number>(SETTINGS.treePageSize, DEFAULT_PAGE_SIZE));
  // fit diagnosis settings (knobs.diagnosis.*), read once per change; bad values are logged
  let fit: FitSettings | undefined;
  const fitSettings = (): FitSettings => {
    if (fit) return fit;
    const cfg = vscode.workspace.getConfiguration(DIAGNOSIS_SECTION);
    const r = readFitSettings((k) => cfg.get(k));
    for (const p of r.problems) log.warn(`settings: ${p}; using the default`);
    return (fit = r.settings);
  };
  const tree = disposables.add(new SweepTreeProvider(store, pageSize, fitSettings));
  const view = disposables.add(vscode.window.createTreeView(SWEEPS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }));

  // trust: the tree says why nothing runs
  const updateTrust = () => {
    view.message = vscode.workspace.isTrusted ? undefined : UNTRUSTED_MESSAGE;
  };
  updateTrust();
  disposables.add(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      updateTrust();
      log.info('workspace trusted: sweeps can run');
    }),
  );

  // discovery + live updates
  const discover = async () => {
    const found = await vscode.workspace.findFiles(SWEEP_GLOB, '**/node_modules/**');
    const seen = new Set<string>();
    for (const uri of found) {
      seen.add(path.dirname(uri.fsPath));
      store.touch(uri.fsPath);
    }
    for (const e of store.list()) if (!seen.has(e.dir) && !fs.existsSync(e.paths.journal)) store.remove(e.dir);
    log.info(`found ${found.length} sweep(s)`);
  };
  const watcher = disposables.add(vscode.workspace.createFileSystemWatcher(SWEEP_GLOB));
  disposables.add(watcher.onDidCreate((u) => store.touch(u.fsPath)));
  disposables.add(watcher.onDidChange((u) => store.touch(u.fsPath)));
  disposables.add(watcher.onDidDelete((u) => store.remove(u.fsPath)));
  // a poll of live sweeps: heartbeats (a runner that died shows as lost) and watchers that miss events
  const poll = setInterval(() => {
    for (const e of store.list()) if (e.runner.kind === 'running') store.touch(e.paths.journal);
    store.refreshRunners();
  }, 2000);
  disposables.onDispose(() => clearInterval(poll));

  // dashboard, commands
  let actions: DashboardActions | undefined;
  const lazyActions: DashboardActions = {
    stopTrial: (d, t) => actions?.stopTrial(d, t),
    promote: (d, t) => actions?.promote(d, t),
    openLogs: (d, t) => actions?.openLogs(d, t),
    rerun: (d, t) => actions?.rerun(d, t),
    stopSweep: (d) => actions?.stopSweep(d),
    lrFind: (a, f, saved) => actions?.lrFind(a, f, saved),
  };
  const discovered = discover().catch((e) => log.error(`discovery failed: ${String(e)}`));
  const dashboards = disposables.add(
    new DashboardManager(vscodeWebviewApi(context.extensionUri), store, log, lazyActions, onError, discovered),
  );
  dashboards.fitSettings = fitSettings;
  const h = registerCommands({ extensionPath: context.extensionPath, store, log, tree, dashboards, rediscover: discover }, disposables);
  actions = dashboardActions(h, log);

  // lenses, diagnostics, status bar
  const lenses = disposables.add(new KnobsCodeLensProvider(store));
  disposables.add(
    vscode.languages.registerCodeLensProvider(
      [
        { language: 'yaml' },
        { language: 'json' },
        { language: 'python' },
        { language: 'javascript' },
        { language: 'typescript' },
        { pattern: '**/*.{yaml,yml,py,js,mjs,ts}' },
      ],
      lenses,
    ),
  );
  disposables.add(new SweepDiagnostics());
  disposables.add(new SweepStatusBar(store));
  disposables.add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS.treePageSize)) tree.refresh();
      if (e.affectsConfiguration(DIAGNOSIS_SECTION)) {
        fit = undefined;
        tree.refresh();
        dashboards.refreshAll();
      }
    }),
  );
  void vscode.commands.executeCommand('setContext', 'knobs.activated', true);
  log.info(`commands: ${Object.values(COMMANDS).length}`);

  return { sweeps: () => store.list().map((e) => e.dir) };
}

export function deactivate(): void {
  active?.dispose();
  active = undefined;
}
