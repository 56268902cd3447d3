/**
 * "Knobs: Find Learning Rate": runs `knobs lr-find <sweep file> --json` under the host's own Node
 * (process.execPath with ELECTRON_RUN_AS_NODE=1, an argv array, no shell), with a cancellable
 * progress notification, then opens the lr-finder panel on the result it saved
 * (<dir>/result.json): the curve with the suggestion marked, "Use these bounds in the sweep file"
 * (one undoable WorkspaceEdit) and "Write CyclicLR(...) in the code" (through promote's preview).
 * "Knobs: Show Learning Rate Finder Result" opens that panel on a result saved earlier.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { formatLr } from '../../core/format/number';
import { type LrFindView, lrFindArgv, lrFindSummary, parseLrFindOutput, readLrFindResult } from '../insight/lrFind';
import { useBounds, writeCyclicLr } from '../insight/lrFindActions';
import { LrFindPanels } from '../insight/lrFindPanel';
import type { Log } from '../output';
import { reportError } from '../output';
import { startFolder } from '../runner/launch';
import { vscodeWebviewApi } from '../webview/webviewApi';

let panels: LrFindPanels | undefined;

/** The one lr-finder panel manager (its serializer restores panels after a reload); dispose at deactivation. */
export function lrFindPanels(extensionPath: string, log: Log): LrFindPanels & vscode.Disposable {
  if (!panels) {
    const mgr = new LrFindPanels(vscodeWebviewApi(vscode.Uri.file(extensionPath)), log, {
      useBounds: (s) => useBounds(s, log),
      writeCyclicLr: (s) => writeCyclicLr(s, log),
      onError: (what, e) => reportError(log, what, e),
    });
    const dispose = mgr.dispose.bind(mgr);
    mgr.dispose = () => {
      if (panels === mgr) panels = undefined;
      dispose();
    };
    panels = mgr;
  }
  return panels;
}

async function pickSweepFile(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && /\.ya?ml$/i.test(doc.fileName)) return doc.fileName;
  const found = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.knobs}/**', 200);
  if (!found.length) return undefined;
  const pick = await vscode.window.showQuickPick(
    found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'Knobs: find the learning rate for which sweep file?' },
  );
  return pick?.uri.fsPath;
}

function runCli(argv: string[], cwd: string, token: vscode.CancellationToken, log: Log): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.length > 64_000) err = err.slice(-32_000);
    });
    const sub = token.onCancellationRequested(() => child.kill('SIGINT'));
    child.on('error', (e) => {
      sub.dispose();
      reject(e);
    });
    child.on('close', (code) => {
      sub.dispose();
      if (err.trim()) log.info(`lr-find: ${err.trim().split('\n').slice(-20).join('\n')}`);
      if (token.isCancellationRequested) reject(new KnobsError('E_USAGE', 'the lr range test was cancelled'));
      else if (out.trim()) resolve(out);
      else
        reject(
          new KnobsError('E_USAGE', `knobs lr-find exited with code ${code}: ${err.trim().split('\n').slice(-3).join(' ') || 'no output'}`),
        );
    });
  });
}

export async function runLrFindCommand(extensionPath: string, log: Log, arg?: unknown): Promise<LrFindView | undefined> {
  const file = await pickSweepFile(arg);
  if (!file) return undefined;
  const cli = path.join(extensionPath, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new KnobsError('E_SWEEP_IO', `the Knobs CLI bundle is missing (${cli})`, { hint: 'reinstall Knobs' });
  const v = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Knobs: lr range test of ${path.basename(file)}`, cancellable: true },
    async (_p, token) => {
      const argv = lrFindArgv(cli, file);
      log.info(`lr-find: ${process.execPath} ${argv.join(' ')}`);
      const r = parseLrFindOutput(
        await runCli(argv, startFolder(file, vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath), token, log),
      );
      if (typeof r === 'string') throw new KnobsError('E_INTERNAL', r);
      return r;
    },
  );
  log.info(`lr-find ${file}: ${lrFindSummary(v)}${v.dir ? ` (saved in ${v.dir})` : ''}`);
  if (!v.suggestion || !v.sweepRange) void vscode.window.showWarningMessage(`Knobs: ${lrFindSummary(v)}`);
  const result = v.dir ? path.join(v.dir, 'result.json') : undefined;
  if (result && fs.existsSync(result)) lrFindPanels(extensionPath, log).open(result);
  return v;
}

export interface SavedLrFind {
  file: string;
  sweepFile?: string;
  source?: string;
  param?: string;
  createdAt: string;
  maxLr?: number;
}

/** Saved results: every .knobs/lr-find/<stamp>/result.json in the workspace and beside `near`, newest first. */
async function savedResults(near?: string): Promise<SavedLrFind[]> {
  const files = new Set(
    (await vscode.workspace.findFiles('**/.knobs/lr-find/*/result.json', '**/node_modules/**', 500)).map((u) => u.fsPath),
  );
  if (near) {
    const dir = path.join(path.dirname(near), '.knobs', 'lr-find');
    try {
      for (const d of fs.readdirSync(dir)) if (fs.existsSync(path.join(dir, d, 'result.json'))) files.add(path.join(dir, d, 'result.json'));
    } catch {
      /* none */
    }
  }
  const out: SavedLrFind[] = [];
  for (const f of files) {
    const s = readLrFindResult(f);
    if (typeof s === 'string') continue;
    out.push({
      file: f,
      sweepFile: s.sweepFile,
      source: s.source,
      param: s.param,
      createdAt: s.createdAt ?? path.basename(path.dirname(f)),
      maxLr: s.suggestion?.maxLr,
    });
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/**
 * "Knobs: Show Learning Rate Finder Result": a result.json (explorer), else the newest result of
 * the active (or given) sweep file, else a pick among every saved result.
 */
export async function showLrFindResultCommand(extensionPath: string, log: Log, arg?: unknown): Promise<string | undefined> {
  let file: string | undefined;
  if (arg instanceof vscode.Uri && path.basename(arg.fsPath) === 'result.json') file = arg.fsPath;
  else {
    const sweep = arg instanceof vscode.Uri ? arg.fsPath : vscode.window.activeTextEditor?.document.fileName;
    const yaml = sweep && /\.ya?ml$/i.test(sweep) ? sweep : undefined;
    const all = await savedResults(yaml);
    const mine = yaml ? all.filter((r) => r.sweepFile && path.resolve(r.sweepFile) === path.resolve(yaml)) : [];
    if (mine.length) file = mine[0].file;
    else if (all.length === 1) file = all[0].file;
    else if (all.length) {
      const pick = await vscode.window.showQuickPick(
        all.map((r) => ({
          label: `${path.basename(r.sweepFile ?? r.source ?? 'lr-find')}${r.param ? ` · ${r.param}` : ''}`,
          description: `${r.maxLr !== undefined ? `max_lr ${formatLr(r.maxLr)} · ` : 'no suggestion · '}${r.createdAt.replace('T', ' ').slice(0, 19)}`,
          detail: vscode.workspace.asRelativePath(r.file),
          file: r.file,
        })),
        { title: 'Knobs: show which lr range test?' },
      );
      file = pick?.file;
      if (!file) return undefined;
    }
  }
  if (!file) {
    void vscode.window.showInformationMessage('Knobs: no saved lr range test in this workspace; run Knobs: Find Learning Rate first.');
    return undefined;
  }
  lrFindPanels(extensionPath, log).open(file);
  return file;
}
