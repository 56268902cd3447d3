/** The sweep commands: run, resume, stop, open the dashboard, show logs, refresh, delete, show more trials. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { sendControl } from '../../core/sweep/control';
import { launch, resumeSpec } from '../runner/launch';
import { sweepStateText } from '../sweeps/describe';
import { sweepProgram } from '../sweeps/program';
import { type CommandContext, type Handlers, hasDir, hasTrial, pickSweep, pickTrial, requireTrust, sweepFileArg } from './args';
import { sweepLauncher } from './launchSweep';
import { openLogs } from './trial';

export function sweepCommands(
  ctx: CommandContext,
): Handlers<'runSweep' | 'resumeSweep' | 'stopSweep' | 'openDashboard' | 'showLogs' | 'refreshSweeps' | 'deleteSweep' | 'showMoreTrials'> {
  const { store, log } = ctx;
  const { pythonFor, afterLaunch, runFile } = sweepLauncher(ctx);

  const resume = async (arg: unknown) => {
    requireTrust('Resuming a sweep');
    const entry = await pickSweep(ctx, arg, 'Knobs: resume which sweep?', (e) => e.runner.kind !== 'running');
    if (!entry) return;
    if (entry.runner.kind === 'running')
      throw new KnobsError('E_LOCKED', `sweep ${entry.id} is already running`, { hint: 'stop it first, or watch it in the dashboard' });
    const { program } = sweepProgram(entry.dir, entry.state);
    const file = entry.state.created?.file;
    const python = await pythonFor(program, vscode.Uri.file(file ?? entry.dir));
    if (entry.state.paused) log.info(`resuming a paused sweep (${entry.state.paused.reason})`);
    const r = await launch(
      resumeSpec({ extensionPath: ctx.extensionPath, execPath: process.execPath, env: process.env, sweepDir: entry.dir, python }),
      'knobs resume',
      (l) => log.info(`cli: ${l}`),
    );
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

  return {
    runSweep: async (arg: unknown) => {
      requireTrust('Running a sweep');
      const uri = await sweepFileArg(arg);
      if (uri) await runFile(uri);
    },
    resumeSweep: resume,
    stopSweep,
    openDashboard: async (arg: unknown) => {
      const entry = await pickSweep(ctx, arg, 'Knobs: open the dashboard of which sweep?');
      if (entry) ctx.dashboards.open(entry.dir);
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
      const ok = await vscode.window.showWarningMessage(
        `Delete sweep ${entry.id} and all its trials' logs and checkpoints?`,
        { modal: true, detail: entry.dir },
        'Delete',
      );
      if (ok !== 'Delete') return;
      ctx.dashboards.close(entry.dir);
      store.remove(entry.dir);
      fs.rmSync(entry.dir, { recursive: true, force: true });
      log.info(`deleted sweep ${entry.id}`);
    },
    showMoreTrials: async (arg: unknown) => {
      if (hasDir(arg)) ctx.tree.showMore(arg.dir);
    },
  };
}
