/**
 * Makes a `.knobs/` folder ready for use: created if missing, with a `.gitignore` holding `*` so
 * that journals, logs and checkpoints stay out of git. An existing `.knobs/` without one gets it
 * too; a `.gitignore` already there is left as the user wrote it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const KNOBS_GITIGNORE = '# written by Knobs: sweeps, logs and checkpoints stay out of git\n*\n';

export function ensureKnobsDir(knobsDir: string): void {
  fs.mkdirSync(knobsDir, { recursive: true });
  try {
    fs.writeFileSync(path.join(knobsDir, '.gitignore'), KNOBS_GITIGNORE, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
