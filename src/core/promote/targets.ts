/**
 * What promoting a trial writes, in which files: the sweep's program first, then config-like
 * files beside it (config.yaml, params.json, …) for the names not found there. Shared by the
 * extension (which reads open editors' text and applies one WorkspaceEdit) and `knobs promote`
 * (which reads and writes the disk).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';
import type { SweepState } from '../journal/reducer';
import { sweepProgramFile } from '../sweep/program';
import { type PlannedEdit, planPromote } from './edits';
import { langOf } from './lang';

/** The edits planned on one file, and the text they were planned on. */
export interface FileEdits {
  file: string;
  text: string;
  edits: PlannedEdit[];
}

export interface TrialPromotePlan {
  /** Files with at least one edit, in the order they were looked in. */
  files: FileEdits[];
  /** Names with no definition site in any file. */
  missing: string[];
  /** Names whose site already holds the value. */
  unchanged: string[];
  /** Every file looked in. */
  searched: string[];
}

const CONFIG_LIKE = /(config|conf|params|hparams|hyperparams|settings|defaults)/i;

/** Files to look in: the program, then config-like files in its folder. */
export function promoteCandidates(program: string | undefined, sweepFile: string | undefined): string[] {
  const out: string[] = [];
  if (program && fs.existsSync(program)) out.push(program);
  const folder = program ? path.dirname(program) : sweepFile ? path.dirname(sweepFile) : undefined;
  if (!folder) return out;
  let names: string[] = [];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = path.join(folder, n);
    if (p === program || (sweepFile && path.resolve(sweepFile) === p)) continue;
    if (!CONFIG_LIKE.test(n) || !langOf(n)) continue;
    if (/sweep/i.test(n) || n === 'package.json' || n.endsWith('-lock.json') || n.startsWith('tsconfig')) continue;
    try {
      if (fs.statSync(p).isFile() && fs.statSync(p).size < 1_000_000) out.push(p);
    } catch {
      /* skip */
    }
  }
  return out;
}

export interface TrialPromoteOptions {
  /** The sweep's id, for messages. */
  sweep: string;
  state: SweepState;
  /** The trial's config (flat, dotted names → values). */
  params: Record<string, unknown>;
  /** The current text of a file (default: read from disk). */
  read?: (file: string) => string;
}

/** The edits that write `params` into the sweep's program and the config files beside it. */
export function planTrialPromote(o: TrialPromoteOptions): TrialPromotePlan {
  const created = o.state.created;
  if (!created) throw new KnobsError('E_JOURNAL', `sweep ${o.sweep} has no sweep_created op`, { hint: 'the sweep folder is damaged' });
  const program = sweepProgramFile(created);
  const candidates = promoteCandidates(program, created.file);
  if (!candidates.length) {
    throw new KnobsError('E_SWEEP_IO', `the program of sweep ${o.sweep} (${program ?? 'none'}) was not found`, {
      hint: 'promote writes into the training script named by `program:` (and config files beside it); put it back where the sweep ran and try again',
      location: program ? { file: program } : undefined,
    });
  }
  const read = o.read ?? ((file: string) => fs.readFileSync(file, 'utf8'));
  let remaining: Record<string, unknown> = { ...o.params };
  const plan: TrialPromotePlan = { files: [], missing: [], unchanged: [], searched: [] };
  for (const file of candidates) {
    if (!Object.keys(remaining).length) break;
    const lang = langOf(file);
    if (!lang) continue;
    const text = read(file);
    plan.searched.push(file);
    const p = planPromote(text, lang, remaining);
    plan.unchanged.push(...p.unchanged);
    if (p.edits.length) plan.files.push({ file, text, edits: p.edits });
    const found = new Set([...p.edits.map((e) => e.name), ...p.unchanged]);
    remaining = Object.fromEntries(Object.entries(remaining).filter(([k]) => !found.has(k)));
  }
  plan.missing = Object.keys(remaining);
  return plan;
}
