/**
 * Every command of the extension, registered through one wrapper (errors → notification + output
 * channel). Arguments come from the tree (node models), code lenses ({file} / {dir, trial}), the
 * status bar ({dir}) or nothing (palette: the active editor / dashboard, else a quick pick).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { bestTrial, type TrialRecord } from '../../core/journal/reducer';
import { sendControl } from '../../core/sweep/control';
import { trialDir } from '../../core/sweep/paths';
import { parseSweep } from '../../core/space/parse';
import { formatParams } from '../../core/space/config';
import { isSweepFile } from '../codelens/sweepFile';
import { COMMANDS, type CommandKey } from '../commandIds';
import type { DisposableStore } from '../disposables';
import type { Log } from '../output';
import { guarded } from '../output';
import type { DashboardActions, DashboardManager } from '../panel/dashboard';
import { useBounds, writeCyclicLr } from '../insight/lrFindActions';
import { promoteSummary, promoteTrial } from '../promote/promote';
import { langOf } from '../promote/locate';
import { disposePreview } from '../promote/preview';
import { launch, resumeSpec, runSpec } from '../runner/launch';
import { pythonInterpreter } from '../interpreter';
import { readScriptArgs, sweepTemplate } from '../sweepTemplate';
import type { SweepEntry, SweepStore } from '../sweeps/store';
import { isPythonProgram, sweepProgram } from '../sweeps/program';
import { sweepStateText } from '../sweeps/describe';
import type { SweepTreeProvider } from '../tree/provider';
import { rerunFileName, rerunSweepText } from './rerun';
import { UNTRUSTED_MESSAGE } from '../trust';
import { lrFindPanels, runLrFindCommand, showLrFindResultCommand } from './lrFind';

export interface CommandContext {
  extensionPath: string;
  store: SweepStore;
  log: Log;
  tree: SweepTreeProvider;
  dashboards: DashboardManager;
  /** Re-discovers sweeps in the workspace. */
  rediscover(): Promise<void>;
}

type Handler = (...args: unknown[]) => unknown;

export function registerCommands(ctx: CommandContext, disposables: DisposableStore): Record<CommandKey, Handler> {
  const h = handlers(ctx);
  disposables.add(lrFindPanels(ctx.extensionPath, ctx.log));
  disposables.onDispose(disposePreview);
  for (const key of Object.keys(COMMANDS) as CommandKey[]) {
    const c = COMMANDS[key];
    disposables.add(vscode.commands.registerCommand(c.id, guarded(ctx.log, c.title, h[key])));
  }
  return h;
}

// ---- argument resolution -------------------------------------------------------------------

interface DirArg {
  dir: string;
}
interface TrialArg {
  dir: string;
  trial: number;
}
interface FileArg {
  file: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
const hasDir = (x: unknown): x is DirArg => isObj(x) && typeof x.dir === 'string';
const hasTrial = (x: unknown): x is TrialArg => isObj(x) && typeof x.dir === 'string' && typeof x.trial === 'number';
const hasFile = (x: unknown): x is FileArg => isObj(x) && typeof x.file === 'string';

function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new KnobsError('E_USAGE', `${what} is disabled in an untrusted workspace`, { hint: UNTRUSTED_MESSAGE });
  }
}

async function sweepFileArg(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (hasFile(arg)) return vscode.Uri.file(arg.file);
  const ed = vscode.window.activeTextEditor?.document;
  if (ed && isSweepFile(ed.fileName, ed.getText())) return ed.uri;
  const found = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.knobs/**}', 500);
  const sweeps: vscode.Uri[] = [];
  for (const u of found) {
    try {
      if (isSweepFile(u.fsPath, fs.readFileSync(u.fsPath, 'utf8'))) sweeps.push(u);
    } catch {
      /* unreadable */
    }
  }
  if (!sweeps.length) throw new KnobsError('E_NO_SWEEP', 'no sweep file in this workspace', { hint: 'create one with "Knobs: New Sweep File"' });
  if (sweeps.length === 1) return sweeps[0];
  const pick = await vscode.window.showQuickPick(
    sweeps.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'Knobs: which sweep file?' },
  );
  return pick?.uri;
}

export async function pickSweep(ctx: CommandContext, arg: unknown, title: string, filter?: (e: SweepEntry) => boolean): Promise<SweepEntry | undefined> {
  if (hasDir(arg)) {
    const e = ctx.store.get(arg.dir) ?? (fs.existsSync(path.join(arg.dir, 'journal.jsonl')) ? ctx.store.add(path.join(arg.dir, 'journal.jsonl')) : undefined);
    if (!e) throw new KnobsError('E_NO_SWEEP', `no sweep at ${arg.dir}`, { hint: 'refresh the Knobs view' });
    return e;
  }
  if (hasFile(arg)) {
    const all = ctx.store.byFile(arg.file);
    const list = all.filter((e) => !filter || filter(e));
    if (!all.length) throw new KnobsError('E_NO_SWEEP', `no sweep of ${path.basename(arg.file)} yet`, { hint: 'start one with "▶ Run sweep"' });
    if (!list.length) {
      const latest = all[0];
      throw new KnobsError('E_NO_SWEEP', `the latest sweep of ${path.basename(arg.file)} (${latest.id}) is ${sweepStateText(latest.state, latest.runner)}`, { hint: 'open its dashboard to follow it' });
    }
    return list[0];
  }
  const active = ctx.dashboards.activeDir();
  if (active && ctx.store.get(active) && (!filter || filter(ctx.store.get(active)!))) return ctx.store.get(active);
  const ed = vscode.window.activeTextEditor?.document;
  if (ed) {
    const own = ctx.store.byFile(ed.uri.fsPath).filter((e) => !filter || filter(e));
    if (own.length) return own[0];
  }
  const all = ctx.store.list().filter((e) => !filter || filter(e));
  if (!all.length) throw new KnobsError('E_NO_SWEEP', 'no matching sweep in this workspace', { hint: 'start one with "Knobs: Run Sweep"' });
  if (all.length === 1) return all[0];
  const pick = await vscode.window.showQuickPick(
    all.map((e) => ({ label: e.id, description: sweepStateText(e.state, e.runner), detail: e.state.created?.file, entry: e })),
    { title },
  );
  return pick?.entry;
}

async function pickTrial(ctx: CommandContext, arg: unknown, title: string, filter?: (t: TrialRecord) => boolean): Promise<{ entry: SweepEntry; trial: TrialRecord } | undefined> {
  if (hasTrial(arg)) {
    const entry = await pickSweep(ctx, { dir: arg.dir }, title);
    const trial = entry?.state.byId.get(arg.trial);
    if (!entry || !trial) throw new KnobsError('E_NO_SWEEP', `no trial ${arg.trial} in ${path.basename(arg.dir)}`, { hint: 'refresh the Knobs view' });
    return { entry, trial };
  }
  const entry = await pickSweep(ctx, arg, title);
  if (!entry) return undefined;
  const trials = entry.state.trials.filter((t) => !filter || filter(t));
  if (!trials.length) throw new KnobsError('E_NO_SWEEP', `no matching trial in ${entry.id}`);
  const pick = await vscode.window.showQuickPick(
    trials.map((t) => ({ label: `Trial ${t.id}`, description: `${t.status}${t.value !== undefined ? ` · ${t.value}` : ''}`, detail: formatParams(t.params, 120), t })),
    { title },
  );
  return pick ? { entry, trial: pick.t } : undefined;
}

// ---- handlers ------------------------------------------------------------------------------

function handlers(ctx: CommandContext): Record<CommandKey, Handler> {
  const { store, log } = ctx;

  const pythonFor = async (program: string | undefined, resource: vscode.Uri) => {
    if (!isPythonProgram(program)) return undefined;
    const py = await pythonInterpreter(resource, log);
    if (py.path) log.info(`interpreter: ${py.path} (from ${py.source})`);
    return py.path;
  };

  const afterLaunch = (dir: string, what: string) => {
    const entry = store.add(path.join(dir, 'journal.jsonl'));
    ctx.tree.refresh();
    log.info(`${what}: sweep ${entry.id} (${dir})`);
    void vscode.window.showInformationMessage(`Knobs: ${what} ${entry.id}`, 'Open Dashboard').then((p) => {
      if (p) ctx.dashboards.open(dir);
    });
    return entry;
  };

  const runFile = async (uri: vscode.Uri, extraArgs?: string[]) => {
    requireTrust('Running a sweep');
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
    if (open?.isDirty) await open.save();
    const text = open?.getText() ?? fs.readFileSync(uri.fsPath, 'utf8');
    const { spec, diagnostics } = parseSweep(text, { file: uri.fsPath });
    if (!spec) {
      const first = diagnostics.find((d) => d.severity === 'error');
      throw new KnobsError('E_SWEEP_PARSE', `${path.basename(uri.fsPath)}${first?.loc ? `:${first.loc.line}:${first.loc.col}` : ''}: ${first?.message ?? 'invalid sweep file'}`, { hint: first?.hint ?? 'see the Problems view' });
    }
    const program = spec.program ? path.resolve(path.dirname(uri.fsPath), spec.program) : undefined;
    const python = await pythonFor(program, uri);
    log.info(`run ${uri.fsPath}`);
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const r = await launch(runSpec({ extensionPath: ctx.extensionPath, execPath: process.execPath, env: process.env, file: uri.fsPath, workspaceFolder, python, extraArgs }), 'knobs run', (l) => log.info(`cli: ${l}`));
    return afterLaunch(r.dir, 'started sweep');
  };

  const resume = async (arg: unknown) => {
    requireTrust('Resuming a sweep');
    const entry = await pickSweep(ctx, arg, 'Knobs: resume which sweep?', (e) => e.runner.kind !== 'running');
    if (!entry) return;
    if (entry.runner.kind === 'running') throw new KnobsError('E_LOCKED', `sweep ${entry.id} is already running`, { hint: 'stop it first, or watch it in the dashboard' });
    const { program } = sweepProgram(entry.dir, entry.state);
    const file = entry.state.created?.file;
    const python = await pythonFor(program, vscode.Uri.file(file ?? entry.dir));
    if (entry.state.paused) log.info(`resuming a paused sweep (${entry.state.paused.reason})`);
    const r = await launch(resumeSpec({ extensionPath: ctx.extensionPath, execPath: process.execPath, env: process.env, sweepDir: entry.dir, python }), 'knobs resume', (l) => log.info(`cli: ${l}`));
    afterLaunch(r.dir, 'resumed sweep');
  };

  const stopSweep = async (arg: unknown) => {
    const entry = await pickSweep(ctx, arg, 'Knobs: stop which sweep?', (e) => e.runner.kind === 'running');
    if (!entry) return;
    if (entry.runner.kind !== 'running') {
      void vscode.window.showInformationMessage(`Knobs: sweep ${entry.id} is not running (${sweepStateText(entry.state, entry.runner)}).`);
      return;
    }
    sendControl(entry.paths.control, { cmd: 'stop' });
    log.info(`asked sweep ${entry.id} to stop`);
    void vscode.window.setStatusBarMessage(`Knobs: stopping ${entry.id}…`, 3000);
  };

  const stopTrial = async (arg: unknown) => {
    const picked = await pickTrial(ctx, arg, 'Knobs: stop which trial?', (t) => t.status === 'running');
    if (!picked) return;
    const { entry, trial } = picked;
    if (trial.status !== 'running') {
      void vscode.window.showInformationMessage(`Knobs: trial ${trial.id} is not running (${trial.status}).`);
      return;
    }
    if (entry.runner.kind !== 'running') throw new KnobsError('E_NO_SWEEP', `the runner of ${entry.id} is not running`, { hint: 'resume the sweep first' });
    sendControl(entry.paths.control, { cmd: 'stop', trial: trial.id });
    log.info(`asked sweep ${entry.id} to stop trial ${trial.id}`);
  };

  const promote = async (entry: SweepEntry, trial: TrialRecord) => {
    const r = await promoteTrial(entry, trial, log);
    const msg = promoteSummary(trial, r);
    log.info(msg);
    if (r.missing.length || !r.applied) void vscode.window.showWarningMessage(`Knobs: ${msg}`);
    else void vscode.window.showInformationMessage(`Knobs: ${msg}`);
  };

  const openLogs = async (entry: SweepEntry, trial: TrialRecord) => {
    const dir = trialDir(entry.dir, trial.id);
    const stdout = path.join(dir, 'stdout.log');
    const stderr = path.join(dir, 'stderr.log');
    if (!fs.existsSync(stdout) && !fs.existsSync(stderr)) {
      void vscode.window.showInformationMessage(`Knobs: trial ${trial.id} has no logs yet (${trial.status}).`);
      return;
    }
    if (fs.existsSync(stdout)) await vscode.window.showTextDocument(vscode.Uri.file(stdout), { preview: true });
    const errSize = fs.existsSync(stderr) ? fs.statSync(stderr).size : 0;
    if (errSize > 0 && (trial.status === 'failed' || !fs.existsSync(stdout))) {
      await vscode.window.showTextDocument(vscode.Uri.file(stderr), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    }
  };

  const rerun = async (entry: SweepEntry, trial: TrialRecord) => {
    requireTrust('Rerunning a trial');
    const created = entry.state.created;
    if (!created?.file) throw new KnobsError('E_NO_SWEEP', `sweep ${entry.id} does not record its sweep file`, { hint: 'rerun from the CLI with points_to_evaluate' });
    let target = rerunFileName(created.file, trial.id);
    for (let n = 1; fs.existsSync(target) && n < 100; n++) target = rerunFileName(created.file, trial.id, n);
    const text = rerunSweepText(created.text, trial.params, `Knobs: rerun of trial ${trial.id} of sweep ${entry.id} (one trial, its exact config).`);
    fs.writeFileSync(target, text);
    log.info(`rerun of trial ${trial.id}: wrote ${target}`);
    await runFile(vscode.Uri.file(target));
  };

  const withTrial = (title: string, fn: (e: SweepEntry, t: TrialRecord) => unknown) => async (arg: unknown) => {
    const p = await pickTrial(ctx, arg, title);
    if (p) await fn(p.entry, p.trial);
  };

  return {
    runSweep: async (arg: unknown) => {
      requireTrust('Running a sweep');
      const uri = await sweepFileArg(arg);
      if (uri) await runFile(uri);
    },
    resumeSweep: resume,
    stopSweep,
    stopTrial,
    openDashboard: async (arg: unknown) => {
      const entry = await pickSweep(ctx, arg, 'Knobs: open the dashboard of which sweep?');
      if (entry) ctx.dashboards.open(entry.dir);
    },
    promoteBestConfig: async (arg: unknown) => {
      const entry = await pickSweep(ctx, arg, 'Knobs: promote the best config of which sweep?', (e) => !!bestTrial(e.state));
      if (!entry) return;
      const best = bestTrial(entry.state);
      if (!best) throw new KnobsError('E_NO_SWEEP', `sweep ${entry.id} has no result yet`, { hint: 'wait for a trial to report its metric' });
      await promote(entry, best);
    },
    newSweepFile: async (arg: unknown) => {
      let uri: vscode.Uri | undefined = arg instanceof vscode.Uri ? arg : hasFile(arg) ? vscode.Uri.file(arg.file) : vscode.window.activeTextEditor?.document.uri;
      if (!uri || !langOf(uri.fsPath) || !/\.(py|m?js|ts)$/.test(uri.fsPath)) {
        const picked = await vscode.window.showOpenDialog({ title: 'Knobs: the training script to sweep', canSelectMany: false, filters: { Scripts: ['py', 'js', 'mjs', 'ts'] } });
        uri = picked?.[0];
      }
      if (!uri) return;
      const lang = langOf(uri.fsPath)!;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri!.fsPath);
      const text = open?.getText() ?? fs.readFileSync(uri.fsPath, 'utf8');
      const args = readScriptArgs(text, lang);
      const yaml = sweepTemplate({ program: path.basename(uri.fsPath), args });
      let target = path.join(path.dirname(uri.fsPath), 'sweep.yaml');
      for (let n = 2; fs.existsSync(target) && n < 100; n++) target = path.join(path.dirname(uri.fsPath), `sweep${n}.sweep.yaml`);
      fs.writeFileSync(target, yaml);
      log.info(`new sweep file ${target} from ${args.length} arguments of ${uri.fsPath}`);
      await vscode.window.showTextDocument(vscode.Uri.file(target));
      if (!args.length) void vscode.window.showInformationMessage(`Knobs: no arguments found in ${path.basename(uri.fsPath)}; edit the parameters of the new sweep file.`);
    },
    showLogs: async (arg: unknown) => {
      if (hasTrial(arg)) {
        const p = await pickTrial(ctx, arg, 'Knobs: logs of which trial?');
        if (p) await openLogs(p.entry, p.trial);
        return;
      }
      if (hasDir(arg)) {
        const e = await pickSweep(ctx, arg, 'Knobs: runner log of which sweep?');
        if (e && fs.existsSync(e.paths.runnerLog)) {
          await vscode.window.showTextDocument(vscode.Uri.file(e.paths.runnerLog));
          return;
        }
      }
      log.show();
    },
    refreshSweeps: async () => {
      await ctx.rediscover();
      ctx.tree.refresh();
    },
    deleteSweep: async (arg: unknown) => {
      const entry = await pickSweep(ctx, arg, 'Knobs: delete which sweep?');
      if (!entry) return;
      if (entry.runner.kind === 'running') throw new KnobsError('E_LOCKED', `sweep ${entry.id} is running`, { hint: 'stop it first' });
      const ok = await vscode.window.showWarningMessage(`Delete sweep ${entry.id} and all its trials' logs and checkpoints?`, { modal: true, detail: entry.dir }, 'Delete');
      if (ok !== 'Delete') return;
      ctx.dashboards.close(entry.dir);
      store.remove(entry.dir);
      fs.rmSync(entry.dir, { recursive: true, force: true });
      log.info(`deleted sweep ${entry.id}`);
    },
    openTrialLogs: withTrial('Knobs: logs of which trial?', openLogs),
    openTrialFolder: withTrial('Knobs: folder of which trial?', async (e, t) => {
      const dir = vscode.Uri.file(trialDir(e.dir, t.id));
      if (!fs.existsSync(dir.fsPath)) {
        void vscode.window.showInformationMessage(`Knobs: trial ${t.id} has no folder yet (${t.status}).`);
        return;
      }
      const config = vscode.Uri.joinPath(dir, 'config.json');
      await vscode.commands.executeCommand('revealInExplorer', fs.existsSync(config.fsPath) ? config : dir);
    }),
    promoteTrialConfig: withTrial('Knobs: promote the config of which trial?', promote),
    rerunTrialConfig: withTrial('Knobs: rerun which trial?', rerun),
    findLearningRate: async (arg?: unknown) => {
      if (!vscode.workspace.isTrusted) throw new KnobsError('E_USAGE', UNTRUSTED_MESSAGE);
      await runLrFindCommand(ctx.extensionPath, log, arg);
    },
    showLrFindResult: async (arg?: unknown) => {
      await showLrFindResultCommand(ctx.extensionPath, log, arg);
    },
    openExample: async () => {
      const src = path.join(ctx.extensionPath, 'examples', 'pytorch-digits');
      if (!fs.existsSync(src)) throw new KnobsError('E_SWEEP_IO', `the example is missing from the extension (${src})`, { hint: 'reinstall Knobs' });
      let root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!root) {
        const picked = await vscode.window.showOpenDialog({ title: 'Knobs: copy the example into which folder?', canSelectFolders: true, canSelectFiles: false });
        root = picked?.[0]?.fsPath;
      }
      if (!root) return;
      const dest = path.join(root, 'knobs-example-pytorch-digits');
      if (!fs.existsSync(dest)) {
        fs.cpSync(src, dest, { recursive: true, filter: (p) => !p.includes(`${path.sep}.knobs`) && !p.includes('__pycache__') });
        log.info(`copied the example to ${dest}`);
      }
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(dest, 'sweep.yaml')));
      if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dest))) {
        void vscode.window.showInformationMessage(`Knobs: the example is in ${dest}; open that folder to see its sweeps in the Knobs view.`);
      }
    },
    showMoreTrials: async (arg: unknown) => {
      if (hasDir(arg)) ctx.tree.showMore(arg.dir);
    },
  };
}

/** For the dashboard: the same actions by sweep dir + trial id. */
export function dashboardActions(h: Record<CommandKey, Handler>, log: Log): DashboardActions {
  return {
    stopTrial: (dir: string, trial: number) => h.stopTrial({ dir, trial }),
    promote: (dir: string, trial: number) => h.promoteTrialConfig({ dir, trial }),
    openLogs: (dir: string, trial: number) => h.openTrialLogs({ dir, trial }),
    rerun: (dir: string, trial: number) => h.rerunTrialConfig({ dir, trial }),
    stopSweep: (dir: string) => h.stopSweep({ dir }),
    // the LR finder tab: the same actions as the LR finder panel, on the result the host loaded
    lrFind: (action, sweepFile, saved) =>
      action === 'run' ? h.findLearningRate(vscode.Uri.file(sweepFile)) : saved && (action === 'useBounds' ? useBounds(saved, log) : writeCyclicLr(saved, log)),
  };
}
