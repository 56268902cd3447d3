/** `knobs run`, `knobs resume` and the hidden `knobs _runner` (the detached runner process). */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../core/errors';
import type { SweepCreatedOp } from '../../core/journal/ops';
import type { Executor } from '../../core/runner/executor';
import { resolveInterpreter } from '../../core/runner/interpreter';
import { LocalExecutor } from '../../core/runner/localExecutor';
import { SlurmExecutor } from '../../core/runner/slurm/slurmExecutor';
import { loadSweepFile } from '../../core/space/parse';
import type { SweepSpec } from '../../core/space/types';
import { sendControl } from '../../core/sweep/control';
import { createSweep } from '../../core/sweep/create';
import { openSweep, resumeSpec, runnerStatus } from '../../core/sweep/open';
import { resolveSweep } from '../../core/sweep/paths';
import { type RunOutcome, SweepRunner } from '../../core/sweep/runner';
import { chooseWorkdir, resumeWorkdir, type Workdir } from '../../core/sweep/workdir';
import { type FlagSpec, intFlag, type ParsedArgs, strFlag } from '../args';
import { type CliIO, EXIT, knobsDirFor, knobsDirsFor } from '../context';
import { LiveView } from '../liveView';
import { summaryJson, summaryText } from '../summary';

export const RUN_FLAGS: Record<string, FlagSpec> = {
  dir: { value: true, arg: 'DIR', help: 'where .knobs/ lives (default: the folder trials run in)' },
  cwd: {
    value: true,
    arg: 'DIR',
    help: 'run trials in DIR (default: the current folder, else the sweep file’s folder when `program` is only there; resume: the folder journalled at the start)',
  },
  detach: { value: false, help: 'start the runner in the background and return (logs in the sweep folder)' },
  json: { value: false, help: 'machine-readable output: one JSON op per line, then a summary' },
  'wandb-shim': { value: false, help: 'put the offline wandb shim first on PYTHONPATH (as `wandb: shim`)' },
  seed: { value: true, arg: 'N', help: 'seed (overrides the file; default: the file’s, else random)' },
  'max-concurrent': { value: true, arg: 'N', help: 'trials at a time (overrides max_concurrent)' },
  'run-cap': { value: true, arg: 'N', help: 'stop after N finished trials (overrides run_cap)' },
  python: { value: true, arg: 'PATH', help: 'interpreter for ${interpreter} (also KNOBS_PYTHON)' },
  workspace: {
    value: true,
    arg: 'DIR',
    help: 'the workspace paths in the sweep file must stay in (default: its git work tree, else its folder; also KNOBS_WORKSPACE)',
  },
  'grace-ms': { value: true, arg: 'MS', help: 'SIGTERM→SIGKILL grace when stopping a trial (default 10000)' },
  help: { value: false, help: 'show this help' },
};

export const RESUME_FLAGS: Record<string, FlagSpec> = {
  ...RUN_FLAGS,
  fork: { value: false, help: 'the search space changed: start a new sweep from the edited file instead' },
};
delete (RESUME_FLAGS as Record<string, FlagSpec>).seed;

function applyOverrides(spec: SweepSpec, a: ParsedArgs): SweepSpec {
  const maxConcurrent = intFlag(a.flags, 'max-concurrent', 1);
  const runCap = intFlag(a.flags, 'run-cap', 1);
  const out = { ...spec };
  if (maxConcurrent !== undefined) out.maxConcurrent = maxConcurrent;
  if (runCap !== undefined) out.runCap = runCap;
  if (runCap !== undefined) out.diagnostics = spec.diagnostics.filter((d) => d.code !== 'no-run-cap'); // the cap is given
  if (a.flags['wandb-shim']) out.wandbShim = true;
  const python = strFlag(a.flags, 'python');
  if (python) out.interpreter = python;
  return out;
}

function printDiagnostics(spec: SweepSpec, io: CliIO): void {
  for (const d of spec.diagnostics) {
    if (d.severity === 'error') continue;
    const where = `${spec.file ? path.relative(io.cwd, spec.file) || spec.file : 'sweep'}${d.loc ? `:${d.loc.line}:${d.loc.col}` : ''}`;
    io.err.write(`${where}: ${d.severity === 'warning' ? 'warning' : 'note'}: ${d.message}\n`);
  }
}

export async function cmdRun(a: ParsedArgs, io: CliIO): Promise<number> {
  const file = a.positionals[0];
  if (!file) throw new KnobsError('E_USAGE', 'which sweep file?', { hint: 'knobs run sweep.yaml' });
  if (a.positionals.length > 1)
    throw new KnobsError('E_USAGE', `unexpected argument \`${a.positionals[1]}\``, { hint: 'knobs run sweep.yaml [options]' });
  let spec = loadSweepFile(path.resolve(io.cwd, file));
  spec = applyOverrides(spec, a);
  const workdir = workdirFor(spec, a, io);
  if (!a.flags.json) printDiagnostics(spec, io);
  const seed = intFlag(a.flags, 'seed', 0) ?? spec.seed ?? randomInt(0, 2 ** 31 - 1);
  const knobsDir = knobsDirFor({ dir: strFlag(a.flags, 'dir'), workdir: workdir.dir, cwd: io.cwd });
  const python = pythonFor(spec, io.env);
  const paths = createSweep({ spec, knobsDir, seed, python, workdir });
  if (!a.flags.json) io.err.write(`knobs: sweep ${paths.id} in ${path.relative(io.cwd, paths.dir) || paths.dir}\n`);
  if (a.flags.detach) return detach(paths.dir, a, io);
  return runAttached(paths.dir, spec, a, io, workdir);
}

export async function cmdResume(a: ParsedArgs, io: CliIO): Promise<number> {
  const dir = resolveSweep(knobsDirsFor({ dir: strFlag(a.flags, 'dir'), cwd: io.cwd }), a.positionals[0]);
  const opened = openSweep(dir);
  if (opened.runner.kind === 'running' && opened.state.paused) {
    // the runner is alive (trials still running) but launching is paused: resume launching
    sendControl(opened.paths.control, { cmd: 'resume_launching' });
    io.err.write(`knobs: asked the runner (pid ${opened.runner.pid}) to resume launching\n`);
    return EXIT.ok;
  }
  if (opened.runner.kind === 'running') {
    throw new KnobsError('E_LOCKED', `sweep ${opened.paths.id} is already running (pid ${opened.runner.pid})`, {
      hint: `watch it with \`knobs status ${opened.paths.id}\``,
    });
  }
  let spec: SweepSpec;
  try {
    spec = resumeSpec(opened.state, (f) => loadSweepFile(f)).spec;
  } catch (e) {
    if (!(e instanceof KnobsError) || e.code !== 'E_SPACE_CHANGED' || !a.flags.fork) throw e;
    const created = opened.state.created!;
    let forkSpec = loadSweepFile(created.file!);
    forkSpec = applyOverrides(forkSpec, a);
    const workdir = workdirFor(forkSpec, a, io, created);
    const paths = createSweep({
      spec: forkSpec,
      knobsDir: path.dirname(path.dirname(dir)),
      seed: forkSpec.seed ?? created.seed,
      python: pythonFor(forkSpec, io.env),
      forkedFrom: created.sweepId,
      workdir,
    });
    io.err.write(`knobs: forked ${created.sweepId} into a new sweep ${paths.id}\n`);
    if (a.flags.detach) return detach(paths.dir, a, io);
    return runAttached(paths.dir, forkSpec, a, io, workdir);
  }
  spec = applyOverrides(spec, a);
  const workdir = workdirFor(spec, a, io, opened.state.created);
  if (!a.flags.json) io.err.write(`knobs: resuming ${opened.paths.id}\n`);
  if (a.flags.detach) return detach(dir, a, io, true);
  return runAttached(dir, spec, a, io, workdir);
}

/** The detached runner: `knobs _runner <sweepDir> [--resume]`. Output goes to runner.log. */
export async function cmdRunner(a: ParsedArgs, io: CliIO): Promise<number> {
  const dir = a.positionals[0];
  if (!dir) throw new KnobsError('E_USAGE', '_runner needs a sweep folder');
  const opened = openSweep(dir);
  const spec = applyOverrides(resumeSpec(opened.state, (f) => loadSweepFile(f)).spec, a);
  return runAttached(dir, spec, a, io, workdirFor(spec, a, io, opened.state.created));
}

/** Where trials run (core/sweep/workdir.ts): --cwd, else the journalled folder on resume, else the rule; `program` checked against the workspace. */
function workdirFor(spec: SweepSpec, a: ParsedArgs, io: CliIO, created?: SweepCreatedOp): Workdir {
  const o = {
    spec,
    started: io.cwd,
    explicit: strFlag(a.flags, 'cwd'),
    workspace: strFlag(a.flags, 'workspace') ?? io.env.KNOBS_WORKSPACE,
  };
  const wd = created ? resumeWorkdir({ ...o, created }) : chooseWorkdir(o);
  if (wd.notice) io.err.write(`knobs: ${wd.notice}\n`);
  return wd;
}

function pythonFor(spec: SweepSpec, env: NodeJS.ProcessEnv): string | undefined {
  if (!spec.program || !/\.py$/.test(spec.program)) return undefined;
  try {
    return resolveInterpreter({ program: spec.program, override: spec.interpreter, env });
  } catch {
    return undefined;
  }
}

/** The sweep file's `executor:` (local processes by default; Slurm jobs). */
function createExecutor(spec: SweepSpec, io: CliIO, graceMs: number | undefined, onNotice: (m: string) => void): Executor {
  if (spec.executor.type === 'slurm')
    return new SlurmExecutor(spec.executor, { gpusPerTrial: spec.gpusPerTrial, env: io.env, graceMs, onNotice });
  return new LocalExecutor({ graceMs });
}

function detach(sweepDir: string, a: ParsedArgs, io: CliIO, resumed = false): number {
  const log = path.join(sweepDir, 'runner.log');
  const fd = fs.openSync(log, 'a');
  const passthrough: string[] = [];
  for (const k of ['max-concurrent', 'run-cap', 'python', 'grace-ms', 'workspace', 'cwd']) {
    const v = strFlag(a.flags, k);
    if (v !== undefined) passthrough.push(`--${k}`, v);
  }
  if (a.flags['wandb-shim']) passthrough.push('--wandb-shim');
  const script = process.argv[1];
  const child = spawn(process.execPath, [script, '_runner', sweepDir, ...passthrough], {
    cwd: io.cwd,
    env: io.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  child.unref();
  fs.closeSync(fd);
  const id = path.basename(sweepDir);
  if (a.flags.json) io.out.write(`${JSON.stringify({ sweep: id, dir: sweepDir, pid: child.pid, log, resumed })}\n`);
  else
    io.err.write(`knobs: runner started in the background (pid ${child.pid}); log: ${log}\n  knobs status ${id}   ·   knobs stop ${id}\n`);
  return EXIT.ok;
}

async function runAttached(sweepDir: string, spec: SweepSpec, a: ParsedArgs, io: CliIO, workdir: Workdir): Promise<number> {
  const json = !!a.flags.json;
  const view = new LiveView({ out: io.out, json, runCap: spec.runCap, maxConcurrent: spec.maxConcurrent });
  const graceMs = intFlag(a.flags, 'grace-ms', 0) ?? spec.stopGraceMs;
  const executor = createExecutor(spec, io, graceMs, (m) => view.notice(m));
  if (executor instanceof SlurmExecutor) await executor.check(); // sbatch --test-only: a clear error before any trial
  const runner = new SweepRunner({
    sweepDir,
    spec,
    executor,
    cwd: workdir.dir,
    env: io.env,
    graceMs,
    onOp: (op, state, line) => view.onOp(op, state, line),
    onNotice: (m) => view.notice(m),
  });
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals === 1) {
      view.notice(`${sig}: stopping trials (they will rerun on \`knobs resume\`); press Ctrl-C again to kill them now`);
      runner.interrupt(`runner stopped (${sig})`);
    } else {
      view.close();
      process.exit(EXIT.interrupted);
    }
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);
  let outcome: RunOutcome;
  try {
    outcome = await runner.run();
  } finally {
    view.close();
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
  }
  // the runner's own state is the replayed journal (it applied every op it wrote): no re-read
  const opened = { state: runner.state, paths: runner.paths, runner: runnerStatus(runner.paths, runner.state) };
  if (json) {
    io.out.write(
      `${JSON.stringify({ type: 'summary', outcome, ...summaryJson({ state: opened.state, dir: sweepDir, runner: opened.runner, space: spec.space, withTrials: false }) })}\n`,
    );
  } else {
    io.out.write(`${summaryText({ state: opened.state, dir: sweepDir, runner: opened.runner, out: io.out })}\n`);
    if (outcome.kind === 'paused') io.err.write(`knobs: ${outcome.reason}\n`);
    if (outcome.kind === 'interrupted') io.err.write(`knobs: interrupted; continue with \`knobs resume ${opened.paths.id}\`\n`);
  }
  return outcome.kind === 'finished' ? EXIT.ok : outcome.kind === 'paused' ? EXIT.paused : EXIT.interrupted;
}
