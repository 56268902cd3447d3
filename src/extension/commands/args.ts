/**
 * What every command handler gets (CommandContext) and how their arguments resolve. Arguments
 * come from the tree (node models), code lenses ({file} / {dir, trial}), the status bar ({dir})
 * or nothing (palette: the active editor / dashboard, else a quick pick). requireTrust is the
 * untrusted-workspace guard: a handler that would run anything calls it first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KnobsError } from '../../core/errors';
import type { TrialRecord } from '../../core/journal/reducer';
import { formatParams } from '../../core/space/config';
import { isSweepFile } from '../codelens/sweepFile';
import type { CommandKey } from '../commandIds';
import type { Log } from '../output';
import type { DashboardManager } from '../panel/dashboard';
import { sweepStateText } from '../sweeps/describe';
import type { SweepEntry, SweepStore } from '../sweeps/store';
import type { SweepTreeProvider } from '../tree/provider';
import { UNTRUSTED_MESSAGE } from '../trust';

export interface CommandContext {
  extensionPath: string;
  store: SweepStore;
  log: Log;
  tree: SweepTreeProvider;
  dashboards: DashboardManager;
  /** Re-discovers sweeps in the workspace. */
  rediscover(): Promise<void>;
}

export type Handler = (...args: unknown[]) => unknown;
/** The handlers of some of the commands (one file per noun holds them). */
export type Handlers<K extends CommandKey> = Record<K, Handler>;

interface DirArg {
  dir: string;
}
interface TrialArg {
  dir: string;
  trial: number;
}
interface FileArg {
  file: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
export const hasDir = (x: unknown): x is DirArg => isObj(x) && typeof x.dir === 'string';
export const hasTrial = (x: unknown): x is TrialArg => isObj(x) && typeof x.dir === 'string' && typeof x.trial === 'number';
export const hasFile = (x: unknown): x is FileArg => isObj(x) && typeof x.file === 'string';

export function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) {
    throw new KnobsError('E_USAGE', `${what} is disabled in an untrusted workspace`, { hint: UNTRUSTED_MESSAGE });
  }
}

export async function sweepFileArg(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (hasFile(arg)) return vscode.Uri.file(arg.file);
  const ed = vscode.window.activeTextEditor?.document;
  if (ed && isSweepFile(ed.fileName, ed.getText())) return ed.uri;
  const found = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.knobs/**}', 500);
  const sweeps: vscode.Uri[] = [];
  for (const u of found) {
    try {
      if (isSweepFile(u.fsPath, fs.readFileSync(u.fsPath, 'utf8'))) sweeps.push(u);
    } catch {
      /* unreadable */
    }
  }
  if (!sweeps.length)
    throw new KnobsError('E_NO_SWEEP', 'no sweep file in this workspace', { hint: 'create one with "Knobs: New Sweep File"' });
  if (sweeps.length === 1) return sweeps[0];
  const pick = await vscode.window.showQuickPick(
    sweeps.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
    { title: 'Knobs: which sweep file?' },
  );
  return pick?.uri;
}

export async function pickSweep(
  ctx: CommandContext,
  arg: unknown,
  title: string,
  filter?: (e: SweepEntry) => boolean,
): Promise<SweepEntry | undefined> {
  if (hasDir(arg)) {
    const e =
      ctx.store.get(arg.dir) ??
      (fs.existsSync(path.join(arg.dir, 'journal.jsonl')) ? ctx.store.add(path.join(arg.dir, 'journal.jsonl')) : undefined);
    if (!e) throw new KnobsError('E_NO_SWEEP', `no sweep at ${arg.dir}`, { hint: 'refresh the Knobs view' });
    return e;
  }
  if (hasFile(arg)) {
    const all = ctx.store.byFile(arg.file);
    const list = all.filter((e) => !filter || filter(e));
    if (!all.length)
      throw new KnobsError('E_NO_SWEEP', `no sweep of ${path.basename(arg.file)} yet`, { hint: 'start one with "▶ Run sweep"' });
    if (!list.length) {
      const latest = all[0];
      throw new KnobsError(
        'E_NO_SWEEP',
        `the latest sweep of ${path.basename(arg.file)} (${latest.id}) is ${sweepStateText(latest.state, latest.runner)}`,
        { hint: 'open its dashboard to follow it' },
      );
    }
    return list[0];
  }
  const active = ctx.dashboards.activeDir();
  if (active && ctx.store.get(active) && (!filter || filter(ctx.store.get(active)!))) return ctx.store.get(active);
  const ed = vscode.window.activeTextEditor?.document;
  if (ed) {
    const own = ctx.store.byFile(ed.uri.fsPath).filter((e) => !filter || filter(e));
    if (own.length) return own[0];
  }
  const all = ctx.store.list().filter((e) => !filter || filter(e));
  if (!all.length) throw new KnobsError('E_NO_SWEEP', 'no matching sweep in this workspace', { hint: 'start one with "Knobs: Run Sweep"' });
  if (all.length === 1) return all[0];
  const pick = await vscode.window.showQuickPick(
    all.map((e) => ({ label: e.id, description: sweepStateText(e.state, e.runner), detail: e.state.created?.file, entry: e })),
    { title },
  );
  return pick?.entry;
}

export async function pickTrial(
  ctx: CommandContext,
  arg: unknown,
  title: string,
  filter?: (t: TrialRecord) => boolean,
): Promise<{ entry: SweepEntry; trial: TrialRecord } | undefined> {
  if (hasTrial(arg)) {
    const entry = await pickSweep(ctx, { dir: arg.dir }, title);
    const trial = entry?.state.byId.get(arg.trial);
    if (!entry || !trial)
      throw new KnobsError('E_NO_SWEEP', `no trial ${arg.trial} in ${path.basename(arg.dir)}`, { hint: 'refresh the Knobs view' });
    return { entry, trial };
  }
  const entry = await pickSweep(ctx, arg, title);
  if (!entry) return undefined;
  const trials = entry.state.trials.filter((t) => !filter || filter(t));
  if (!trials.length) throw new KnobsError('E_NO_SWEEP', `no matching trial in ${entry.id}`);
  const pick = await vscode.window.showQuickPick(
    trials.map((t) => ({
      label: `Trial ${t.id}`,
      description: `${t.status}${t.value !== undefined ? ` · ${t.value}` : ''}`,
      detail: formatParams(t.params, 120),
      t,
    })),
    { title },
  );
  return pick ? { entry, trial: pick.t } : undefined;
}
