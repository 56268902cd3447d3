/**
 * "Knobs: Find Learning Rate": runs `knobs lr-find <sweep file> --json` under the host's own Node
 * (process.execPath with ELECTRON_RUN_AS_NODE=1, an argv array, no shell), with a cancellable
 * progress notification, then offers "Use these bounds", which runs it again with `--write`
 * (the CLI rewrites the lr parameter's min/max and checks the file still parses).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import type { Log } from '../output';
import { lrFindArgv, lrFindSummary, parseLrFindOutput, type LrFindView } from '../insight/lrFind';

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
    const child = spawn(process.execPath, argv, { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
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
      else reject(new KnobsError('E_USAGE', `knobs lr-find exited with code ${code}: ${err.trim().split('\n').slice(-3).join(' ') || 'no output'}`));
    });
  });
}

export async function runLrFindCommand(extensionPath: string, log: Log, arg?: unknown): Promise<LrFindView | undefined> {
  const file = await pickSweepFile(arg);
  if (!file) return undefined;
  const cli = path.join(extensionPath, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new KnobsError('E_SWEEP_IO', `the Knobs CLI bundle is missing (${cli})`, { hint: 'reinstall Knobs' });
  const run = (write: boolean) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Knobs: lr range test of ${path.basename(file)}${write ? ' (writing the bounds)' : ''}`, cancellable: true }, async (_p, token) => {
      const argv = lrFindArgv(cli, file, write);
      log.info(`lr-find: ${process.execPath} ${argv.join(' ')}`);
      const v = parseLrFindOutput(await runCli(argv, path.dirname(file), token, log));
      if (typeof v === 'string') throw new KnobsError('E_INTERNAL', v);
      return v;
    });
  const v = await run(false);
  log.info(`lr-find ${file}: ${lrFindSummary(v)}${v.dir ? ` (saved in ${v.dir})` : ''}`);
  if (!v.suggestion || !v.sweepRange) {
    void vscode.window.showWarningMessage(`Knobs: ${lrFindSummary(v)}`);
    return v;
  }
  const use = 'Use these bounds';
  const choice = await vscode.window.showInformationMessage(`Knobs: ${lrFindSummary(v)}`, use);
  if (choice === use) {
    const w = await run(true);
    if (w.written) void vscode.window.showInformationMessage(`Knobs: ${w.written.param} now ranges ${w.written.min} … ${w.written.max} in ${path.basename(w.written.file)}`);
  }
  return v;
}
