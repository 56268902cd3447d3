/**
 * The working folder of a sweep: where its trials run, where `program` is resolved, and where
 * `.knobs/` goes (unless --dir moves it). W&B's agent runs the command in the folder it was
 * started in, so a repository with `configs/sweep.yaml` and `program: main.py` means the
 * `main.py` at the root. The rule, in order:
 *   1. `--cwd DIR` when given;
 *   2. the folder `knobs run` was started in, when `program` is there (or there is no program
 *      file to look for: no `program`, an absolute one, a `command` that never uses it, or a
 *      bare command name that PATH finds, such as a console script);
 *   3. the sweep file's folder, when `program` is only there (said in a notice);
 *   4. else an error naming `program`'s line:col and both folders.
 * The choice is journalled (`provenance.cwd` and `cwdFrom` of sweep_created), so a resume uses it
 * from any folder. `program` must stay inside the workspace (workspace.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';
import type { SweepCreatedOp, WorkdirSource } from '../journal/ops';
import type { SweepSpec } from '../space/types';
import { checkSweepPaths, workspaceRoot } from './workspace';

export interface Workdir {
  /** Absolute path of the folder trials run in. */
  dir: string;
  /** How it was chosen. */
  from: WorkdirSource;
  /** Said to the user when the sweep file's folder was chosen over the started folder. */
  notice?: string;
}

export interface WorkdirOptions {
  spec: SweepSpec;
  /** The folder Knobs was started in (the CLI's cwd; the extension's workspace folder). */
  started: string;
  /** `--cwd DIR` (relative to `started`). */
  explicit?: string;
  /** `--workspace DIR` / KNOBS_WORKSPACE. */
  workspace?: string;
}

/** Applies the rule above, then checks that `program` stays inside the workspace. */
export function chooseWorkdir(o: WorkdirOptions): Workdir {
  const wd = o.explicit !== undefined ? fixedWorkdir(o.spec, path.resolve(o.started, o.explicit), 'flag') : pickWorkdir(o);
  checkInside(o.spec, wd, o.started, o.workspace);
  return wd;
}

/**
 * The working folder of a resumed sweep, whatever folder the resume was started in: the
 * journalled one (checked again: the sweep file on disk may have changed), or `--cwd DIR` for
 * this run only.
 */
export function resumeWorkdir(o: WorkdirOptions & { created: SweepCreatedOp }): Workdir {
  if (o.explicit !== undefined) return chooseWorkdir(o);
  const j = journalWorkdir(o.created);
  const wd = fixedWorkdir(o.spec, j.dir, j.from);
  checkInside(o.spec, wd, j.dir, o.workspace);
  return wd;
}

/**
 * The working folder recorded in a journal. Journals before `cwdFrom` ran trials in
 * `provenance.cwd`, the sweep file's folder (a hand-made journal without provenance: that folder).
 */
export function journalWorkdir(created: SweepCreatedOp): Workdir {
  const p = created.provenance as SweepCreatedOp['provenance'] | undefined;
  if (!p?.cwd) return { dir: created.file ? path.dirname(created.file) : process.cwd(), from: 'sweep-file' };
  return { dir: p.cwd, from: p.cwdFrom ?? 'sweep-file' };
}

function checkInside(spec: SweepSpec, wd: Workdir, started: string, workspace: string | undefined): void {
  const roots = [workspaceRoot(spec.file, { explicit: workspace, started })];
  if (wd.from === 'flag') roots.push(wd.dir); // a folder the user named is theirs to run in
  checkSweepPaths(spec, { workdir: wd.dir, roots });
}

/** True when the sweep runs `program` as a file (so it must be found). */
function runsProgram(spec: SweepSpec): boolean {
  return [...spec.command, ...(spec.evaluate ?? [])].some((c) => c.includes('${program}'));
}

function programLocation(spec: SweepSpec) {
  const loc = spec.locs.program;
  return spec.file ? { file: spec.file, line: loc?.line, col: loc?.col } : undefined;
}

/**
 * A bare command name (no folder in it) that PATH finds, as a console script installed by pip
 * (`program: icu-benchmarks`, run as `${program} ${args}`): the OS finds it wherever trials run.
 */
function onPath(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (program.includes('/') || program.includes(path.sep)) return false;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      if (fs.statSync(path.join(dir, program)).isFile()) return true;
    } catch {
      /* not here */
    }
  }
  return false;
}

/** Whether `program` is found when trials run in `dir`: a file there, or a command on PATH. */
function programFound(program: string, dir: string): boolean {
  return fs.existsSync(path.resolve(dir, program)) || onPath(program);
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A folder given (--cwd) or journalled: it must exist and hold `program`. */
function fixedWorkdir(spec: SweepSpec, dir: string, from: WorkdirSource): Workdir {
  const what = from === 'flag' ? 'the --cwd folder' : 'the working folder journalled for this sweep';
  if (!isDir(dir))
    throw new KnobsError('E_USAGE', `${what} ${dir} is not a folder`, {
      hint: 'pass --cwd DIR: the folder the trials should run in (where `program` is)',
    });
  if (spec.program && runsProgram(spec) && !programFound(spec.program, dir)) {
    throw new KnobsError('E_SPAWN', `\`program\` ${JSON.stringify(spec.program)} is not in ${what}, ${dir}`, {
      location: programLocation(spec),
      hint: `pass the folder that holds ${spec.program} with --cwd DIR, or fix \`program\` (it is resolved against the folder trials run in)`,
    });
  }
  return { dir, from };
}

function pickWorkdir(o: WorkdirOptions): Workdir {
  const { spec } = o;
  const started = path.resolve(o.started);
  const program = spec.program;
  if (!program || path.isAbsolute(program) || fs.existsSync(path.resolve(started, program))) {
    if (program && path.isAbsolute(program) && runsProgram(spec) && !fs.existsSync(program)) {
      throw new KnobsError('E_SPAWN', `\`program\` ${JSON.stringify(program)} does not exist`, {
        location: programLocation(spec),
        hint: 'fix the path in `program`',
      });
    }
    return { dir: started, from: 'started' };
  }
  const fileDir = spec.file ? path.dirname(path.resolve(spec.file)) : started;
  if (fileDir !== started && fs.existsSync(path.resolve(fileDir, program))) {
    return {
      dir: fileDir,
      from: 'sweep-file',
      notice: `\`program\` ${program} is not in ${started}, where knobs was started, but beside the sweep file: trials run in ${fileDir} (W&B would run them where it was started; --cwd DIR chooses)`,
    };
  }
  if (!runsProgram(spec) || onPath(program)) return { dir: started, from: 'started' };
  const where =
    fileDir === started
      ? `is not in ${started}`
      : `is neither in ${started} (where knobs was started) nor in ${fileDir} (the sweep file's folder)`;
  throw new KnobsError('E_SPAWN', `\`program\` ${JSON.stringify(program)} ${where}`, {
    location: programLocation(spec),
    hint: `run knobs from the folder that holds ${program} (as W&B's agent, Knobs runs trials where it was started), pass --cwd DIR, or fix \`program\``,
  });
}
