/** Shared CLI plumbing: the .knobs folder, the sweep a command names, output streams, exit codes. */
import * as path from 'node:path';
import { type OpenedSweep, openSweep } from '../core/sweep/open';
import { knobsDirsUnder, resolveSweep } from '../core/sweep/paths';
import { type FlagSpec, type ParsedArgs, strFlag } from './args';

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

/** `--dir DIR` of the commands that read sweeps. */
export const DIR_FLAG: FlagSpec = { value: true, arg: 'DIR', help: 'the folder holding .knobs/ (default: the current folder)' };
export const HELP_FLAG: FlagSpec = { value: false, help: 'show this help' };

/** The sweep named by the first positional (an id or folder), else the latest one. */
export function openSweepArg(a: ParsedArgs, io: CliIO): OpenedSweep {
  return openSweep(resolveSweep(knobsDirsFor({ dir: strFlag(a.flags, 'dir'), cwd: io.cwd }), a.positionals[0]));
}
