/**
 * Starting a runner from the extension: the interpreter for a Python program, `knobs run` of a
 * sweep file (saved first, parsed, refused in an untrusted workspace), and what follows a launch
 * (the sweep in the tree, a notification offering its dashboard). Shared by the sweep and trial
 * commands (run, resume, rerun).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { parseSweep } from '../../core/space/parse';
import { pythonInterpreter } from '../interpreter';
import { launch, runSpec } from '../runner/launch';
import { isPythonProgram } from '../sweeps/program';
import { type CommandContext, requireTrust } from './args';

export function sweepLauncher(ctx: CommandContext) {
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
      throw new KnobsError(
        'E_SWEEP_PARSE',
        `${path.basename(uri.fsPath)}${first?.loc ? `:${first.loc.line}:${first.loc.col}` : ''}: ${first?.message ?? 'invalid sweep file'}`,
        { hint: first?.hint ?? 'see the Problems view' },
      );
    }
    const program = spec.program ? path.resolve(path.dirname(uri.fsPath), spec.program) : undefined;
    const python = await pythonFor(program, uri);
    log.info(`run ${uri.fsPath}`);
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const r = await launch(
      runSpec({
        extensionPath: ctx.extensionPath,
        execPath: process.execPath,
        env: process.env,
        file: uri.fsPath,
        workspaceFolder,
        python,
        extraArgs,
      }),
      'knobs run',
      (l) => log.info(`cli: ${l}`),
    );
    return afterLaunch(r.dir, 'started sweep');
  };

  return { pythonFor, afterLaunch, runFile };
}
