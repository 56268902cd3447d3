/** The commands that put new files in the workspace: a sweep file for a training script, the example. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { langOf } from '../../core/promote/lang';
import { readScriptArgs, sweepTemplate } from '../sweepTemplate';
import { type CommandContext, type Handlers, hasFile } from './args';

export function fileCommands(ctx: CommandContext): Handlers<'newSweepFile' | 'openExample'> {
  const { log } = ctx;
  return {
    newSweepFile: async (arg: unknown) => {
      let uri: vscode.Uri | undefined =
        arg instanceof vscode.Uri ? arg : hasFile(arg) ? vscode.Uri.file(arg.file) : vscode.window.activeTextEditor?.document.uri;
      if (!uri || !langOf(uri.fsPath) || !/\.(py|m?js|ts)$/.test(uri.fsPath)) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Knobs: the training script to sweep',
          canSelectMany: false,
          filters: { Scripts: ['py', 'js', 'mjs', 'ts'] },
        });
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
      if (!args.length)
        void vscode.window.showInformationMessage(
          `Knobs: no arguments found in ${path.basename(uri.fsPath)}; edit the parameters of the new sweep file.`,
        );
    },
    openExample: async () => {
      const src = path.join(ctx.extensionPath, 'examples', 'pytorch-digits');
      if (!fs.existsSync(src))
        throw new KnobsError('E_SWEEP_IO', `the example is missing from the extension (${src})`, { hint: 'reinstall Knobs' });
      let root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!root) {
        const picked = await vscode.window.showOpenDialog({
          title: 'Knobs: copy the example into which folder?',
          canSelectFolders: true,
          canSelectFiles: false,
        });
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
        void vscode.window.showInformationMessage(
          `Knobs: the example is in ${dest}; open that folder to see its sweeps in the Knobs view.`,
        );
      }
    },
  };
}
