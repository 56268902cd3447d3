/**
 * The lr-finder panel's two buttons, from a saved result (never from webview-supplied values):
 *   useBounds      one WorkspaceEdit on the sweep file (sweepBoundsEdit: the lr parameter becomes
 *                  log_uniform_values over the result's range), applied and saved; Undo (Ctrl+Z in
 *                  the file, or the notification's button) restores it.
 *   writeCyclicLr  base_lr/max_lr into the program's CyclicLR(...) call (cyclicLrEdits), through
 *                  promote's preview: the diff, then "Write" applies one WorkspaceEdit and saves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { parseSweep } from '../../core/space/parse';
import { SETTINGS } from '../commandIds';
import type { Log } from '../output';
import { previewAndApply } from '../promote/preview';
import type { LrFindSaved } from './lrFind';
import { type CyclicLrPlan, cyclicLrEdits, sweepBoundsEdit } from './lrFindEdits';

async function currentText(file: string): Promise<{ uri: vscode.Uri; text: string }> {
  const uri = vscode.Uri.file(file);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  if (open) return { uri, text: open.getText() };
  if (!fs.existsSync(file)) throw new KnobsError('E_SWEEP_IO', `${file} no longer exists`, { hint: 'run the lr range test again' });
  return { uri, text: fs.readFileSync(file, 'utf8') };
}

const fmt = (x: number) => String(x);

/** Writes the result's range into its sweep file; returns a line for the panel. */
export async function useBounds(saved: LrFindSaved, log: Log): Promise<string> {
  if (!saved.sweepFile)
    throw new KnobsError('E_USAGE', 'this lr range test ran a script, not a sweep file, so there is no sweep file to write', {
      hint: 'run Knobs: Find Learning Rate on a sweep file',
    });
  if (!saved.sweepRange)
    throw new KnobsError('E_USAGE', `this lr range test has no suggestion${saved.note ? ` (${saved.note})` : ''}`, {
      hint: 'run it again with a wider ramp',
    });
  const file = saved.sweepFile;
  const { uri, text } = await currentText(file);
  const e = sweepBoundsEdit({ file, text, range: saved.sweepRange, param: saved.param });
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath) ?? (await vscode.workspace.openTextDocument(uri));
  if (doc.getText() !== text)
    throw new KnobsError('E_INTERNAL', `${path.basename(file)} changed while Knobs was writing into it; nothing was changed`, {
      hint: 'try again',
    });
  const we = new vscode.WorkspaceEdit();
  we.replace(uri, new vscode.Range(doc.positionAt(e.change.start), doc.positionAt(e.change.end)), e.change.newText);
  if (!(await vscode.workspace.applyEdit(we)))
    throw new KnobsError('E_INTERNAL', `VS Code refused the edit of ${path.basename(file)}`, { hint: 'is the file read-only?' });
  if (doc.isDirty) await doc.save();
  const what = `${e.param} now ranges log_uniform_values ${fmt(e.min)} … ${fmt(e.max)} in ${path.basename(file)}${e.distributionWas ? ` (was ${e.distributionWas})` : ''}`;
  log.info(`lr-find: ${what} (${saved.file})`);
  void vscode.window.showInformationMessage(`Knobs: ${what}.`, 'Open', 'Undo').then(async (pick) => {
    if (!pick) return;
    const ed = await vscode.window.showTextDocument(doc, { preview: false });
    if (pick === 'Undo') {
      await vscode.commands.executeCommand('undo');
      if (ed.document.isDirty) await ed.document.save();
    }
  });
  return `${what}. Undo: Ctrl+Z in the file.`;
}

/** The program of the result's sweep file (or the script it ran), then other Python files beside it that call CyclicLR. */
export function cyclicLrCandidates(saved: LrFindSaved): string[] {
  const out: string[] = [];
  let folder: string | undefined;
  if (saved.sweepFile && fs.existsSync(saved.sweepFile)) {
    folder = path.dirname(saved.sweepFile);
    const spec = parseSweep(fs.readFileSync(saved.sweepFile, 'utf8'), { file: saved.sweepFile }).spec;
    if (spec?.program) out.push(path.resolve(folder, spec.program));
  } else if (saved.source && /\.py$/i.test(saved.source)) {
    out.push(saved.source);
    folder = path.dirname(saved.source);
  }
  if (folder) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(folder).sort();
    } catch {
      /* none */
    }
    for (const n of names) {
      const p = path.join(folder, n);
      if (!/\.py$/i.test(n) || out.includes(p)) continue;
      try {
        if (fs.statSync(p).size < 2_000_000 && fs.readFileSync(p, 'utf8').includes('CyclicLR')) out.push(p);
      } catch {
        /* skip */
      }
    }
  }
  return out.filter((p) => /\.py$/i.test(p) && fs.existsSync(p));
}

/** Writes the result's CyclicLR bounds into the code (preview first); returns a line for the panel, or undefined when cancelled. */
export async function writeCyclicLr(saved: LrFindSaved, log: Log): Promise<string | undefined> {
  if (!saved.cyclicLr)
    throw new KnobsError('E_USAGE', `this lr range test has no suggestion${saved.note ? ` (${saved.note})` : ''}`, {
      hint: 'run it again with a wider ramp',
    });
  const files = cyclicLrCandidates(saved);
  if (!files.length)
    throw new KnobsError('E_USAGE', 'no Python program to write CyclicLR into', { hint: 'the sweep file needs `program: train.py`' });
  let found: { file: string; uri: vscode.Uri; text: string; plan: CyclicLrPlan } | undefined;
  for (const file of files) {
    const { uri, text } = await currentText(file);
    const plan = cyclicLrEdits(text, saved.cyclicLr);
    if (plan.calls) {
      found = { file, uri, text, plan };
      break;
    }
  }
  const c = saved.cyclicLr;
  if (!found) {
    throw new KnobsError('E_USAGE', `no CyclicLR(...) call in ${files.map((f) => path.basename(f)).join(', ')}`, {
      hint: `add one: torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=${c.base_lr}, max_lr=${c.max_lr})`,
    });
  }
  const { file, uri, text, plan } = found;
  const name = path.basename(file);
  if (!plan.edits.length) {
    const why = plan.missing.length ? `; could not write ${plan.missing.join(', ')}` : '';
    if (plan.missing.length)
      throw new KnobsError('E_USAGE', `nothing to write into ${name}${why}`, {
        hint: `write base_lr=${c.base_lr}, max_lr=${c.max_lr} by hand`,
      });
    return `${name} already has CyclicLR base_lr ${c.base_lr} and max_lr ${c.max_lr}.`;
  }
  const preview = vscode.workspace.getConfiguration().get<boolean>(SETTINGS.promotePreview, true);
  log.info(`lr-find: CyclicLR into ${file}: ${plan.edits.map((e) => `${e.name}=${e.newText}`).join(', ')}`);
  const ok = await previewAndApply({
    message: `Write CyclicLR base_lr=${c.base_lr}, max_lr=${c.max_lr} into ${name}?`,
    confirm: 'Write',
    diffTitle: `${name} ↔ CyclicLR(base_lr=${c.base_lr}, max_lr=${c.max_lr})`,
    preview,
    changes: [
      {
        uri,
        text,
        edits: plan.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText, label: `${e.name}: ${e.oldText} → ${e.newText}` })),
      },
    ],
  });
  if (!ok) return undefined;
  const parts = [`Wrote CyclicLR base_lr=${c.base_lr}, max_lr=${c.max_lr} into ${name} (${plan.edits.map((e) => e.name).join(', ')}).`];
  if (plan.unchanged.length) parts.push(`Already set: ${plan.unchanged.join(', ')}.`);
  if (plan.missing.length) parts.push(`Not written: ${plan.missing.join(', ')}.`);
  return parts.join(' ');
}
