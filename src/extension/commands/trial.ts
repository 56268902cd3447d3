/** The trial commands: stop, open its logs or folder, promote its config (or the best trial's), rerun it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { bestTrial, type TrialRecord } from '../../core/journal/reducer';
import { promoteSummary } from '../../core/promote/summary';
import { sendControl } from '../../core/sweep/control';
import { trialDir } from '../../core/sweep/paths';
import { promoteTrial } from '../promote/promote';
import type { SweepEntry } from '../sweeps/store';
import { type CommandContext, type Handlers, pickSweep, pickTrial, requireTrust } from './args';
import { sweepLauncher } from './launchSweep';
import { rerunFileName, rerunSweepText } from './rerun';

/** A trial's stdout.log (and its stderr.log beside it when it failed or has no stdout). */
export async function openLogs(entry: SweepEntry, trial: TrialRecord): Promise<void> {
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
}

export function trialCommands(
  ctx: CommandContext,
): Handlers<'stopTrial' | 'openTrialLogs' | 'openTrialFolder' | 'promoteTrialConfig' | 'promoteBestConfig' | 'rerunTrialConfig'> {
  const { log } = ctx;
  const { runFile } = sweepLauncher(ctx);

  const stopTrial = async (arg: unknown) => {
    const picked = await pickTrial(ctx, arg, 'Knobs: stop which trial?', (t) => t.status === 'running');
    if (!picked) return;
    const { entry, trial } = picked;
    if (trial.status !== 'running') {
      void vscode.window.showInformationMessage(`Knobs: trial ${trial.id} is not running (${trial.status}).`);
      return;
    }
    if (entry.runner.kind !== 'running')
      throw new KnobsError('E_NO_SWEEP', `the runner of ${entry.id} is not running`, { hint: 'resume the sweep first' });
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

  const rerun = async (entry: SweepEntry, trial: TrialRecord) => {
    requireTrust('Rerunning a trial');
    const created = entry.state.created;
    if (!created?.file)
      throw new KnobsError('E_NO_SWEEP', `sweep ${entry.id} does not record its sweep file`, {
        hint: 'rerun from the CLI with points_to_evaluate',
      });
    let target = rerunFileName(created.file, trial.id);
    for (let n = 1; fs.existsSync(target) && n < 100; n++) target = rerunFileName(created.file, trial.id, n);
    const text = rerunSweepText(
      created.text,
      trial.params,
      `Knobs: rerun of trial ${trial.id} of sweep ${entry.id} (one trial, its exact config).`,
    );
    fs.writeFileSync(target, text);
    log.info(`rerun of trial ${trial.id}: wrote ${target}`);
    await runFile(vscode.Uri.file(target));
  };

  const withTrial = (title: string, fn: (e: SweepEntry, t: TrialRecord) => unknown) => async (arg: unknown) => {
    const p = await pickTrial(ctx, arg, title);
    if (p) await fn(p.entry, p.trial);
  };

  return {
    stopTrial,
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
    promoteBestConfig: async (arg: unknown) => {
      const entry = await pickSweep(ctx, arg, 'Knobs: promote the best config of which sweep?', (e) => !!bestTrial(e.state));
      if (!entry) return;
      const best = bestTrial(entry.state);
      if (!best)
        throw new KnobsError('E_NO_SWEEP', `sweep ${entry.id} has no result yet`, { hint: 'wait for a trial to report its metric' });
      await promote(entry, best);
    },
  };
}
