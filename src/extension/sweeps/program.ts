/**
 * Where a sweep's training script is: `program` from the sweep text recorded in the journal,
 * resolved against the working folder journalled with it. Cached per sweep (the text never
 * changes). Pure.
 */

import type { SweepState } from '../../core/journal/reducer';
import { parseSweep } from '../../core/space/parse';
import { sweepProgramFile } from '../../core/sweep/program';

const cache = new Map<string, { program?: string; names: string[] }>();

export interface SweepProgram {
  /** Absolute path of the program, when the sweep names one and has a file. */
  program?: string;
  /** Names of every parameter (dotted), constants included. */
  names: string[];
}

export function sweepProgram(dir: string, state: SweepState): SweepProgram {
  const hit = cache.get(dir);
  if (hit) return hit;
  const c = state.created;
  if (!c) return { names: [] };
  const { spec } = parseSweep(c.text, { file: c.file });
  const out: SweepProgram = {
    program: sweepProgramFile(c, spec),
    names: spec ? spec.space.params.map((p) => p.name) : Object.keys(state.trials[0]?.params ?? {}),
  };
  cache.set(dir, out);
  return out;
}

/** The sweep file text with the interpreter question answered: is the program Python? */
export function isPythonProgram(program: string | undefined): boolean {
  return !!program && /\.py$/i.test(program);
}
