/** Shared CLI plumbing: the .knobs folder, output streams, exit codes. */
import * as path from 'node:path';

export const EXIT = { ok: 0, error: 1, usage: 2, paused: 3, interrupted: 130 } as const;

export interface CliIO {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** `.knobs` beside the sweep file, or under --dir / the cwd. */
export function knobsDirFor(opts: { dir?: string; sweepFile?: string; cwd: string }): string {
  if (opts.dir) return path.resolve(opts.cwd, opts.dir, path.basename(opts.dir) === '.knobs' ? '' : '.knobs');
  if (opts.sweepFile) return path.join(path.dirname(path.resolve(opts.cwd, opts.sweepFile)), '.knobs');
  return path.join(opts.cwd, '.knobs');
}
