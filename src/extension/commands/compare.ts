/**
 * "Compare Sweeps": from a sweep in the tree, the sweeps of its script side by side (a pick when
 * there are more than two); from the palette, the sweeps picked. Shown as a read-only Markdown
 * document (scheme `knobs-compare`) in the Markdown preview. The table is sweeps/compare.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import { compareMarkdown } from '../sweeps/compare';
import { sweepStateText, sweepTitle } from '../sweeps/describe';
import { sweepProgram } from '../sweeps/program';
import type { SweepEntry } from '../sweeps/store';
import { type CommandContext, type Handlers, hasDir } from './args';

export const COMPARE_SCHEME = 'knobs-compare';

/** Serves the comparison texts, by URI. */
export class CompareDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, this);
  private n = 0;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${name}.md`, query: String(++this.n) });
    this.texts.set(uri.toString(), text);
    return uri;
  }
  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}

/** The script a sweep ran (its program), else its sweep file. */
function scriptOf(e: SweepEntry): string {
  return sweepProgram(e.dir, e.state).program ?? e.state.created?.file ?? e.dir;
}

async function pickMany(entries: SweepEntry[], title: string): Promise<SweepEntry[] | undefined> {
  const picks = await vscode.window.showQuickPick(
    entries.map((e) => ({
      label: sweepTitle(e.state, e.id),
      description: sweepStateText(e.state, e.runner),
      detail: e.id,
      picked: true,
      e,
    })),
    { title, canPickMany: true },
  );
  return picks?.map((p) => p.e);
}

export function compareCommands(ctx: CommandContext, docs: CompareDocs): Handlers<'compareSweeps'> {
  return {
    compareSweeps: async (arg: unknown) => {
      let chosen: SweepEntry[] | undefined;
      let script: string | undefined;
      if (hasDir(arg)) {
        const e = ctx.store.get(arg.dir);
        if (!e) throw new KnobsError('E_NO_SWEEP', `no sweep at ${arg.dir}`, { hint: 'refresh the Knobs view' });
        script = scriptOf(e);
        const same = ctx.store.list().filter((x) => scriptOf(x) === script);
        chosen = same.length > 2 ? await pickMany(same, `Knobs: compare which sweeps of ${path.basename(script)}?`) : same;
      } else {
        const all = ctx.store.list();
        if (!all.length) throw new KnobsError('E_NO_SWEEP', 'no sweep in this workspace', { hint: 'start one with "Knobs: Run Sweep"' });
        chosen = await pickMany(all, 'Knobs: compare which sweeps?');
      }
      if (!chosen?.length) return;
      const name = script ? path.basename(script) : 'sweeps';
      const title = `${chosen.length === 1 ? 'The only sweep' : `${chosen.length} sweeps`} of ${name}`;
      // oldest first, left to right
      const text = compareMarkdown(title, [...chosen].reverse());
      const uri = docs.add(`Compare ${name}`, text);
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
      }
    },
  };
}
