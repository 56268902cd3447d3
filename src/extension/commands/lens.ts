/** "Choose Sweep for Code Lenses": which sweep of a script its "best" lenses follow (remembered per script). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { langOf } from '../../core/promote/lang';
import { type LensSweep, lensSweepChoices, pickSweepForScript } from '../codelens/paramLenses';
import { sweepProgram } from '../sweeps/program';
import { type CommandContext, type Handlers, hasFile } from './args';

export function lensCommands(ctx: CommandContext): Handlers<'chooseLensSweep'> {
  return {
    chooseLensSweep: async (arg: unknown) => {
      const file = hasFile(arg) ? arg.file : vscode.window.activeTextEditor?.document.uri.fsPath;
      const lang = file ? langOf(file) : undefined;
      if (!file || !lang)
        throw new KnobsError('E_USAGE', 'open a training script first', {
          hint: 'the lenses show on a script a sweep ran (.py, .js, .mjs, .ts, .yaml, .json)',
        });
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
      const text = open?.getText() ?? fs.readFileSync(file, 'utf8');
      const sweeps: LensSweep[] = ctx.store
        .list()
        .map((e) => ({ dir: e.dir, id: e.id, state: e.state, program: sweepProgram(e.dir, e.state).program }));
      const picked = pickSweepForScript(file, text, lang, sweeps, ctx.lensChoices.get(file));
      if (!picked)
        throw new KnobsError('E_NO_SWEEP', `no sweep of ${path.basename(file)} has a result yet`, {
          hint: 'run a sweep of it; its lenses follow a sweep once a trial reports the metric',
        });
      const pick = await vscode.window.showQuickPick(lensSweepChoices(picked.candidates, picked.sweep.dir), {
        title: `Knobs: which sweep should the lenses of ${path.basename(file)} follow?`,
        matchOnDescription: true,
      });
      if (pick) await ctx.lensChoices.set(file, pick.dir);
    },
  };
}
