/** The one-line account of a promote, said by the extension's notification and `knobs promote`. */
import * as path from 'node:path';
import { formatValue } from '../space/config';
import type { Value } from '../space/types';
import type { LeftOutReason } from './choose';

export interface PromoteResult {
  applied: boolean;
  files: string[];
  missing: string[];
  unchanged: string[];
  edits: number;
  /** Name → value of each parameter the edits write. */
  written: Record<string, unknown>;
  /** Parameters whose definition would change but were not written, and why. */
  leftOut: { name: string; why: LeftOutReason }[];
}

/** "epochs (budget), gamma, seed (not searched)" */
function leftOutText(left: PromoteResult['leftOut']): string {
  const groups = new Map<LeftOutReason, string[]>();
  for (const l of left) groups.set(l.why, [...(groups.get(l.why) ?? []), l.name]);
  return [...groups].map(([why, names]) => `${names.join(', ')} (${why})`).join(', ');
}

/**
 * "Promoted trial 7 (lr=0.003, dropout=0.2) into train.py. Left out: epochs (budget). No
 * definition found for: l1." (`dryRun`: what it would write; `leftOutHint`: how to write the rest)
 */
export function promoteSummary(trial: { id: number }, r: PromoteResult, o: { dryRun?: boolean; leftOutHint?: string } = {}): string {
  const where = r.files.map((f) => path.basename(f)).join(', ');
  const vals = Object.entries(r.written)
    .map(([k, v]) => `${k}=${formatValue(v as Value)}`)
    .join(', ');
  const parts = [
    r.applied
      ? `Promoted trial ${trial.id} (${vals}) into ${where}.`
      : r.edits && o.dryRun
        ? `Dry run: trial ${trial.id} (${vals}) would be promoted into ${where}; nothing was written.`
        : r.edits
          ? `Promote of trial ${trial.id} was not applied.`
          : `Nothing to change for trial ${trial.id}.`,
  ];
  if (r.unchanged.length) parts.push(`Already set: ${r.unchanged.join(', ')}.`);
  if (r.leftOut.length) parts.push(`Left out: ${leftOutText(r.leftOut)}${o.leftOutHint ? `; ${o.leftOutHint}` : ''}.`);
  if (r.missing.length)
    parts.push(`No definition found for: ${r.missing.join(', ')} (looked for argparse defaults, dicts, assignments and config files).`);
  return parts.join(' ');
}
