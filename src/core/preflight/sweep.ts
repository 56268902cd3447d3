/**
 * Pre-flight of a parsed sweep file, as `knobs run` would start it: `program` must be found
 * under the working-folder rule (core/sweep/workdir.ts), then the script it names is checked
 * (check.ts). The CLI (`validate`, `run`) and the editor's diagnostics share this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKnobsError } from '../errors';
import type { Diagnostic, SweepSpec } from '../space/types';
import { chooseWorkdir, type WorkdirOptions } from '../sweep/workdir';
import { preflightDiagnostics, type ScriptSource } from './check';

/** The Python script a sweep runs: `program`, else a `.py` element of `command`. */
function scriptPath(spec: SweepSpec): string | undefined {
  if (spec.program) return /\.py$/i.test(spec.program) ? spec.program : undefined;
  return spec.command.map(String).find((c) => /\.py$/i.test(c) && !c.includes('${'));
}

/**
 * The script trials would run from `dir`, read by `read` (the editor passes an open document's
 * text); undefined when there is none to read (not Python, not found).
 */
export function sweepScript(
  spec: SweepSpec,
  dir: string,
  read: (abs: string) => string | undefined = readFile,
): (ScriptSource & { file: string }) | undefined {
  const rel = scriptPath(spec);
  if (!rel) return undefined;
  const file = path.resolve(dir, rel);
  const text = read(file);
  return text === undefined ? undefined : { name: rel, text, file };
}

function readFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The diagnostics of the script trials would run from `dir` (none when it cannot be read). */
export function scriptDiagnostics(spec: SweepSpec, dir: string, read?: (abs: string) => string | undefined): Diagnostic[] {
  const script = sweepScript(spec, dir, read);
  return script ? preflightDiagnostics(spec, script) : [];
}

/**
 * Everything pre-flight finds in an editor: `program` not found under the rule (an error at
 * `program`'s line:col, with the rule's message), else the script's diagnostics.
 */
export function preflightSweep(
  spec: SweepSpec,
  o: Omit<WorkdirOptions, 'spec'> & { read?: (abs: string) => string | undefined },
): { diagnostics: Diagnostic[]; script?: string } {
  let dir: string;
  try {
    dir = chooseWorkdir({ spec, started: o.started, explicit: o.explicit, workspace: o.workspace }).dir;
  } catch (e) {
    if (!isKnobsError(e)) throw e;
    const loc = spec.locs.program ?? (e.location?.line ? { line: e.location.line, col: e.location.col ?? 1 } : undefined);
    return {
      diagnostics: [
        { severity: 'error', code: 'program-not-found', message: e.message, ...(e.hint && { hint: e.hint }), ...(loc && { loc }) },
      ],
    };
  }
  const script = sweepScript(spec, dir, o.read);
  return { diagnostics: script ? preflightDiagnostics(spec, script) : [], script: script?.file };
}
