/** Shared CLI plumbing: the .knobs folder, output streams, exit codes. */
import * as path from 'node:path';
import { knobsDirsUnder } from '../core/sweep/paths';

export const EXIT = { ok: 0, error: 1, usage: 2, paused: 3, interrupted: 130 } as const;

export interface CliIO {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Where a new sweep's `.knobs` goes: under --dir, else in the working folder (else the cwd). */
export function knobsDirFor(opts: { dir?: string; workdir?: string; cwd: string }): string {
  if (opts.dir) return path.resolve(opts.cwd, opts.dir, path.basename(opts.dir) === '.knobs' ? '' : '.knobs');
  return path.join(opts.workdir ?? opts.cwd, '.knobs');
}

/** Where sweeps are looked up: --dir alone, else ./.knobs and the `.knobs` folders below (older sweeps sit beside their sweep files). */
export function knobsDirsFor(opts: { dir?: string; cwd: string }): string[] {
  return opts.dir ? [knobsDirFor(opts)] : knobsDirsUnder(opts.cwd);
}
