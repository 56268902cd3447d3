/**
 * Paths written in a sweep file must stay inside the workspace: the git work tree holding the
 * sweep file, else the sweep file's folder (`--workspace` / KNOBS_WORKSPACE / the editor's
 * workspace folder may name another). A `program: ../../somewhere/else.py` that leaves it is
 * refused, so a sweep file from an untrusted source cannot point Knobs at arbitrary files.
 * An explicit `--dir` for .knobs/ is the user's own choice and is not checked.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';
import type { SweepSpec } from '../space/types';

export function workspaceRoot(sweepFile: string, explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  const dir = path.dirname(path.resolve(sweepFile));
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    if (top) return fs.realpathSync(top);
  } catch {
    /* not a git work tree */
  }
  return fs.realpathSync(dir);
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Throws E_SWEEP_PARSE (with the line of `program`) when the program leaves the workspace. */
export function checkSweepPaths(spec: SweepSpec, root: string): void {
  if (!spec.program || !spec.file) return;
  const dir = path.dirname(spec.file);
  let target = path.resolve(dir, spec.program);
  try {
    target = fs.realpathSync(target); // a symlink pointing out counts as out
  } catch {
    /* missing: the trial will say so */
  }
  if (!isInside(target, root)) {
    const loc = spec.locs.program;
    throw new KnobsError('E_SWEEP_PARSE', `\`program\` ${JSON.stringify(spec.program)} resolves to ${target}, outside the workspace ${root}`, {
      location: { file: spec.file, line: loc?.line, col: loc?.col },
      hint: 'keep the training script inside the workspace (the git work tree of the sweep file), or pass --workspace DIR if you mean it',
    });
  }
}
