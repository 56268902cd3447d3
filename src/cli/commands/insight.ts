/** Insight commands: `knobs evaluate`, `knobs lr-find`, `knobs importance`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../../core/errors';
import { JournalWriter } from '../../core/journal/writer';
import { applyOp, bestTrial } from '../../core/journal/reducer';
import { resolveInterpreter } from '../../core/runner/interpreter';
import { loadSweepFile } from '../../core/space/parse';
import type { SweepSpec } from '../../core/space/types';
import { acquireLock, HEARTBEAT_MS } from '../../core/sweep/lock';
import { journalSpec, openSweep, resumeSpec, type OpenedSweep } from '../../core/sweep/open';
import { resolveSweep, trialDir } from '../../core/sweep/paths';
import { runEvaluation } from '../../core/sweep/runner';
import { intFlag, strFlag, type FlagSpec, type ParsedArgs } from '../args';
import { EXIT, knobsDirFor, type CliIO } from '../context';
import { evaluationText } from '../liveView';
import { evaluationJson } from '../summary';

const DIR: FlagSpec = { value: true, arg: 'DIR', help: 'the folder holding .knobs/ (default: the current folder)' };
const HELP: FlagSpec = { value: false, help: 'show this help' };

export const EVALUATE_FLAGS: Record<string, FlagSpec> = {
  dir: DIR,
  trial: { value: true, arg: 'N', help: 'evaluate trial N instead of the best trial' },
  python: { value: true, arg: 'PATH', help: 'interpreter for ${interpreter} (also KNOBS_PYTHON)' },
  json: { value: false, help: 'JSON output' },
  help: HELP,
};

function openRef(a: ParsedArgs, io: CliIO): OpenedSweep {
  const knobsDir = knobsDirFor({ dir: strFlag(a.flags, 'dir'), cwd: io.cwd });
  return openSweep(resolveSweep(knobsDir, a.positionals[0]));
}

/** The sweep file on disk when its space is unchanged (so `evaluate:` can be added later), else the journal's copy. */
function specOf(o: OpenedSweep): SweepSpec {
  try {
    return resumeSpec(o.state, (f) => loadSweepFile(f)).spec;
  } catch (e) {
    if (e instanceof KnobsError && e.code === 'E_SPACE_CHANGED') return journalSpec(o.state);
    throw e;
  }
}

/** `knobs evaluate [sweep] [--trial N]`: runs the sweep file's `evaluate:` on the best (or a given) trial and journals its test metrics. */
export async function cmdEvaluate(a: ParsedArgs, io: CliIO): Promise<number> {
  const o = openRef(a, io);
  if (o.runner.kind === 'running') {
    throw new KnobsError('E_LOCKED', `sweep ${o.paths.id} is running (pid ${o.runner.pid}); its runner evaluates the best trial when it finishes`, {
      hint: `wait for it, or stop it first (\`knobs stop ${o.paths.id}\`)`,
    });
  }
  const spec = specOf(o);
  const n = intFlag(a.flags, 'trial', 1);
  const trial = n !== undefined ? o.state.byId.get(n) : bestTrial(o.state);
  if (!trial) {
    throw new KnobsError('E_USAGE', n !== undefined ? `sweep ${o.paths.id} has no trial ${n}` : `no trial of ${o.paths.id} has reported ${spec.metric.name} yet`, {
      hint: n !== undefined ? `trials are 1..${o.state.trials.length}` : 'run the sweep first (`knobs resume`), or pick one with --trial N',
    });
  }
  if (!spec.evaluate?.length) {
    throw new KnobsError('E_USAGE', `the sweep file of ${o.paths.id} has no \`evaluate:\` command`, {
      hint: 'add e.g. `evaluate: [${env}, ${interpreter}, ${program}, ${args}, --evaluate, ${checkpoint}]` to the sweep file',
      location: spec.file ? { file: spec.file } : undefined,
    });
  }
  const interpreter = resolveInterpreter({ program: spec.program, override: strFlag(a.flags, 'python') ?? spec.interpreter, env: io.env });
  const lock = acquireLock(o.paths.lock, o.paths.id);
  const beat = setInterval(() => lock.beat(), HEARTBEAT_MS);
  let journal: JournalWriter | undefined;
  const state = o.state;
  const onSig = () => run?.stop('interrupted (SIGINT)');
  let run: ReturnType<typeof runEvaluation> | undefined;
  try {
    journal = JournalWriter.open(o.paths.journal, { workerId: `cli-${process.pid}` });
    const j = journal;
    if (!a.flags.json) io.err.write(`knobs: evaluating trial ${trial.id} of ${o.paths.id}\n`);
    run = runEvaluation({
      spec,
      sweepDir: o.paths.dir,
      trial,
      interpreter,
      cwd: spec.file ? path.dirname(spec.file) : io.cwd,
      env: io.env,
      wandbShim: spec.wandbShim,
      graceMs: spec.stopGraceMs,
      by: 'user',
      append: (op) => applyOp(state, j.append(op)),
    });
    process.on('SIGINT', onSig);
    const r = await run.done;
    const e = state.evaluation!;
    if (a.flags.json) io.out.write(JSON.stringify({ sweep: o.paths.id, evaluation: evaluationJson(state) }) + '\n');
    else io.out.write(`test: ${evaluationText(e)} (trial ${trial.id}; logs: ${path.relative(io.cwd, path.join(trialDir(o.paths.dir, trial.id), 'evaluate.stderr.log'))})\n`);
    return r.error ? EXIT.error : EXIT.ok;
  } finally {
    process.off('SIGINT', onSig);
    clearInterval(beat);
    try {
      journal?.close();
    } finally {
      lock.release();
    }
  }
}

export function existsFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
