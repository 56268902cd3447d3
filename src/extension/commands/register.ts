/**
 * Every command of the extension: the command-id table (commandIds.ts) wired to its handlers, one
 * file per noun (sweep, trial, insight, files), each registered through one wrapper (errors →
 * notification + output channel). Arguments resolve in args.ts.
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandKey } from '../commandIds';
import type { DisposableStore } from '../disposables';
import { useBounds, writeCyclicLr } from '../insight/lrFindActions';
import type { Log } from '../output';
import { guarded } from '../output';
import type { DashboardActions } from '../panel/dashboard';
import { disposePreview } from '../promote/preview';
import type { CommandContext, Handler } from './args';
import { fileCommands } from './files';
import { insightCommands } from './insight';
import { lrFindPanels } from './lrFind';
import { sweepCommands } from './sweep';
import { trialCommands } from './trial';

export type { CommandContext } from './args';

function handlers(ctx: CommandContext): Record<CommandKey, Handler> {
  return { ...sweepCommands(ctx), ...trialCommands(ctx), ...insightCommands(ctx), ...fileCommands(ctx) };
}

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
      action === 'run'
        ? h.findLearningRate(vscode.Uri.file(sweepFile))
        : saved && (action === 'useBounds' ? useBounds(saved, log) : writeCyclicLr(saved, log)),
  };
}
