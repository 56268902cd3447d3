/** The insight commands: find the learning rate (an lr range test), show a saved range test. */
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { UNTRUSTED_MESSAGE } from '../trust';
import type { CommandContext, Handlers } from './args';
import { runLrFindCommand, showLrFindResultCommand } from './lrFind';

export function insightCommands(ctx: CommandContext): Handlers<'findLearningRate' | 'showLrFindResult'> {
  const { log } = ctx;
  return {
    findLearningRate: async (arg?: unknown) => {
      if (!vscode.workspace.isTrusted) throw new KnobsError('E_USAGE', UNTRUSTED_MESSAGE);
      await runLrFindCommand(ctx.extensionPath, log, arg);
    },
    showLrFindResult: async (arg?: unknown) => {
      await showLrFindResultCommand(ctx.extensionPath, log, arg);
    },
  };
}
