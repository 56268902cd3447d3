/**
 * "Rerun with this config": a new sweep file beside the original (so `program` and the trials'
 * cwd stay the same), made from the sweep text recorded in the journal with
 * `points_to_evaluate: [<the trial's params>]`, `run_cap: 1` and `max_concurrent: 1`, so its one
 * trial runs exactly that config. Comments of the original are kept. Pure.
 */
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { FlatParams } from '../../core/space/types';

export function rerunSweepText(original: string, params: FlatParams, note: string): string {
  const doc = parseDocument(original);
  doc.set('points_to_evaluate', [params]);
  doc.set('run_cap', 1);
  doc.set('max_concurrent', 1);
  if (doc.has('early_terminate')) doc.delete('early_terminate');
  doc.commentBefore = ` ${note}${doc.commentBefore ? `\n${doc.commentBefore}` : ''}`;
  return doc.toString({ lineWidth: 0 });
}

/** `<folder>/<base>.rerun-trial-7.yaml` next to the original sweep file (n picks a free name). */
export function rerunFileName(sweepFile: string, trial: number, n = 0): string {
  const dir = path.dirname(sweepFile);
  const base = path.basename(sweepFile).replace(/\.(sweep\.)?(ya?ml|json)$/i, '');
  return path.join(dir, `${base}.rerun-trial-${trial}${n ? `-${n}` : ''}.sweep.yaml`);
}
