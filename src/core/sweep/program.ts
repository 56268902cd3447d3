/**
 * Where a sweep's training script is: `program` of the sweep text recorded in the journal,
 * resolved against the working folder journalled with it (so it is found from any folder).
 */
import * as path from 'node:path';
import type { SweepCreatedOp } from '../journal/ops';
import { parseSweep } from '../space/parse';
import type { SweepSpec } from '../space/types';
import { journalWorkdir } from './workdir';

/** Absolute path of the program, when the sweep names one (the file may be gone). */
export function sweepProgramFile(
  created: SweepCreatedOp,
  spec: SweepSpec | undefined = parseSweep(created.text, { file: created.file }).spec,
): string | undefined {
  return spec?.program ? path.resolve(journalWorkdir(created).dir, spec.program) : undefined;
}
