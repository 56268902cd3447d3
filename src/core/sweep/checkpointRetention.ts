/**
 * Checkpoint retention, `keep_checkpoints: N`: keeps the checkpoint folders of the best N finished
 * trials and empties those of pruned, failed and worse ones, so a long sweep does not fill the
 * disk. Trials that may still run (pending, interrupted, retrying) keep theirs. It deletes only
 * inside trials' `checkpoints` folders, and never writes the journal: it returns the op to journal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpInput } from '../journal/ops';
import { isFinal, type SweepState } from '../journal/reducer';
import { normalise } from '../schedulers/scheduler';
import type { SweepSpec } from '../space/types';
import { trialDir } from './paths';

/** Empties the checkpoint folders beyond the best `keep_checkpoints`; the checkpoints_deleted op to journal, if any were. */
export function pruneCheckpoints(state: SweepState, spec: SweepSpec, sweepDir: string): OpInput | undefined {
  const keep = spec.keepCheckpoints;
  if (keep === undefined) return undefined;
  const goal = spec.metric.goal;
  const ranked = state.trials
    .filter((t) => (t.status === 'completed' || t.status === 'stopped') && t.value !== undefined && !Number.isNaN(t.value))
    .sort((a, b) => normalise(a.value!, goal) - normalise(b.value!, goal));
  const kept = new Set(ranked.slice(0, keep).map((t) => t.id));
  const victims = state.trials.filter((t) => isFinal(t.status) && !kept.has(t.id) && !t.checkpointsDeleted);
  const deleted: number[] = [];
  let bytes = 0;
  for (const t of victims) {
    const dir = path.join(trialDir(sweepDir, t.id), 'checkpoints');
    const size = folderBytes(dir);
    if (size === 0) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      deleted.push(t.id);
      bytes += size;
    } catch {
      /* try again after the next trial */
    }
  }
  return deleted.length ? { op: 'checkpoints_deleted', trials: deleted, bytes, reason: `keep_checkpoints: ${keep}` } : undefined;
}

function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else {
      try {
        total += fs.lstatSync(p).size || 1;
      } catch {
        /* vanished */
      }
    }
  }
  return total;
}
