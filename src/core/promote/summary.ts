/** The one-line account of a promote, said by the extension's notification and `knobs promote`. */
import * as path from 'node:path';
import type { TrialRecord } from '../journal/reducer';
import { formatValue } from '../space/config';

export interface PromoteResult {
  applied: boolean;
  files: string[];
  missing: string[];
  unchanged: string[];
  edits: number;
}

/** "Promoted trial 7 (lr=0.003, dropout=0.2) into train.py. Not found: l1." (`dryRun`: what it would write) */
export function promoteSummary(trial: Pick<TrialRecord, 'id' | 'params'>, r: PromoteResult, o: { dryRun?: boolean } = {}): string {
  const where = r.files.map((f) => path.basename(f)).join(', ');
  const vals = Object.entries(trial.params)
    .filter(([k]) => !r.missing.includes(k) && !r.unchanged.includes(k))
    .map(([k, v]) => `${k}=${formatValue(v)}`)
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
  if (r.missing.length)
    parts.push(`No definition found for: ${r.missing.join(', ')} (looked for argparse defaults, dicts, assignments and config files).`);
  return parts.join(' ');
}
