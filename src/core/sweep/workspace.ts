/**
 * Paths written in a sweep file must stay inside the workspace: the git work tree holding the
 * sweep file; outside git, the folder Knobs was started in when the sweep file lies inside it,
 * else the sweep file's folder (`--workspace` / KNOBS_WORKSPACE / the editor's workspace folder
 * may name another). A `program: ../../somewhere/else.py`, or a symlink, that leaves it is
 * refused, so a sweep file from an untrusted source cannot point Knobs at arbitrary files.
 * Folders the user names (`--dir` for .knobs/, `--cwd` for the trials) are their own choice.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';
import type { SweepSpec } from '../space/types';

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function workspaceRoot(sweepFile: string | undefined, o: { explicit?: string; started?: string } = {}): string {
  if (o.explicit) return path.resolve(o.explicit);
  const started = o.started ? realpath(o.started) : undefined;
  if (!sweepFile) return started ?? realpath(process.cwd());
  const dir = realpath(path.dirname(path.resolve(sweepFile)));
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    if (top) return realpath(top);
  } catch {
    /* not a git work tree */
  }
  return started && isInside(dir, started) ? started : dir;
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Throws E_SWEEP_PARSE (with the line of `program`) when the program, resolved against the
 * working folder, leaves every one of `roots`.
 */
export function checkSweepPaths(spec: SweepSpec, o: { workdir: string; roots: string[] }): void {
  if (!spec.program) return;
  const target = realpath(path.resolve(o.workdir, spec.program)); // a symlink pointing out counts as out
  const roots = o.roots.map(realpath);
  if (roots.some((r) => isInside(target, r))) return;
  const loc = spec.locs.program;
  throw new KnobsError(
    'E_SWEEP_PARSE',
    `\`program\` ${JSON.stringify(spec.program)} resolves to ${target}, outside the workspace ${roots.join(' and ')}`,
    {
      location: spec.file ? { file: spec.file, line: loc?.line, col: loc?.col } : undefined,
      hint: 'keep the training script inside the workspace (the git work tree of the sweep file, else the folder knobs runs in), or pass --workspace DIR if you mean it',
    },
  );
}
