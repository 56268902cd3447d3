/** Insight commands: `knobs evaluate`, `knobs lr-find`, `knobs importance`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportanceOptions } from '../../core/analysis/importance';
import { computeImportanceInWorker } from '../../core/analysis/importanceClient';
import { LR_FIND_DEFAULTS, planLrFind } from '../../core/analysis/lrFinder';
import { lrFindResult, writeLrFindResult } from '../../core/analysis/lrFindResult';
import { findLrParam, rewriteLrRange } from '../../core/analysis/lrParam';
import { type LrFindRunResult, runLrFind } from '../../core/analysis/runLrFind';
import { KnobsError } from '../../core/errors';
import { formatLr, formatNumber, MISSING } from '../../core/format/number';
import { applyOp, bestTrial } from '../../core/journal/reducer';
import { JournalWriter } from '../../core/journal/writer';
import { formatArgsJsonFile } from '../../core/runner/command';
import { resolveInterpreter } from '../../core/runner/interpreter';
import { loadSweepFile, parseSweep } from '../../core/space/parse';
import type { SweepSpec } from '../../core/space/types';
import { runEvaluation } from '../../core/sweep/evaluate';
import { acquireLock, HEARTBEAT_MS } from '../../core/sweep/lock';
import { journalSpec, type OpenedSweep, resumeSpec } from '../../core/sweep/open';
import { trialDir } from '../../core/sweep/paths';
import { chooseWorkdir, journalWorkdir } from '../../core/sweep/workdir';
import { type FlagSpec, intFlag, type ParsedArgs, strFlag } from '../args';
import { type CliIO, DIR_FLAG, EXIT, HELP_FLAG, knobsDirFor, openSweepArg } from '../context';
import { table } from '../format';
import { evaluationText } from '../liveView';
import { evaluationJson } from '../summary';

export const EVALUATE_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  trial: { value: true, arg: 'N', help: 'evaluate trial N instead of the best trial' },
  python: { value: true, arg: 'PATH', help: 'interpreter for ${interpreter} (also KNOBS_PYTHON)' },
  json: { value: false, help: 'JSON output' },
  help: HELP_FLAG,
};

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
  const o = openSweepArg(a, io);
  if (o.runner.kind === 'running') {
    throw new KnobsError(
      'E_LOCKED',
      `sweep ${o.paths.id} is running (pid ${o.runner.pid}); its runner evaluates the best trial when it finishes`,
      {
        hint: `wait for it, or stop it first (\`knobs stop ${o.paths.id}\`)`,
      },
    );
  }
  const spec = specOf(o);
  const n = intFlag(a.flags, 'trial', 1);
  const trial = n !== undefined ? o.state.byId.get(n) : bestTrial(o.state);
  if (!trial) {
    throw new KnobsError(
      'E_USAGE',
      n !== undefined ? `sweep ${o.paths.id} has no trial ${n}` : `no trial of ${o.paths.id} has reported ${spec.metric.name} yet`,
      {
        hint:
          n !== undefined ? `trials are 1..${o.state.trials.length}` : 'run the sweep first (`knobs resume`), or pick one with --trial N',
      },
    );
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
      cwd: journalWorkdir(o.state.created!).dir,
      env: io.env,
      wandbShim: spec.wandbShim,
      graceMs: spec.stopGraceMs,
      by: 'user',
      append: (op) => applyOp(state, j.append(op)),
    });
    process.on('SIGINT', onSig);
    const r = await run.done;
    const e = state.evaluation!;
    if (a.flags.json) io.out.write(`${JSON.stringify({ sweep: o.paths.id, evaluation: evaluationJson(state) })}\n`);
    else
      io.out.write(
        `test: ${evaluationText(e)} (trial ${trial.id}; logs: ${path.relative(io.cwd, path.join(trialDir(o.paths.dir, trial.id), 'evaluate.stderr.log'))})\n`,
      );
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

// ---- knobs lr-find ----------------------------------------------------------------------------

export const LR_FIND_FLAGS: Record<string, FlagSpec> = {
  min: { value: true, arg: 'LR', help: `lowest lr of the ramp (default ${LR_FIND_DEFAULTS.minLr})` },
  max: { value: true, arg: 'LR', help: `highest lr of the ramp (default ${LR_FIND_DEFAULTS.maxLr})` },
  steps: { value: true, arg: 'N', help: `optimizer steps of the ramp (default ${LR_FIND_DEFAULTS.steps})` },
  param: { value: true, arg: 'NAME', help: 'the lr parameter of the sweep file (default: the first named lr / learning_rate)' },
  write: { value: false, help: 'write the suggested range into that parameter’s min/max in the sweep file' },
  python: { value: true, arg: 'PATH', help: 'interpreter (also KNOBS_PYTHON)' },
  timeout: { value: true, arg: 'SECONDS', help: 'stop the run after this long (default 600)' },
  json: { value: false, help: 'JSON output (the saved result)' },
  help: HELP_FLAG,
};

function numFlag(a: ParsedArgs, name: string): number | undefined {
  const v = a.flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || n <= 0)
    throw new KnobsError('E_USAGE', `--${name} is \`${v}\` but must be a number > 0`, {
      hint: `e.g. --${name} ${name === 'max' ? '10' : '1e-7'}`,
    });
  return n;
}

function stamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`;
}

/** A one-line sparkline of the smoothed loss over the used curve (low = low loss). */
export function sparkline(values: readonly number[], width = 60): string {
  const bars = '▁▂▃▄▅▆▇█';
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '';
  const cols = Math.min(width, v.length);
  const buckets: number[] = [];
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * v.length) / cols);
    const b = Math.max(a + 1, Math.floor(((c + 1) * v.length) / cols));
    let s = 0;
    for (let i = a; i < b; i++) s += v[i];
    buckets.push(s / (b - a));
  }
  const lo = Math.min(...buckets);
  // scaled from the minimum to the starting loss (a diverging tail is clipped to █)
  const hi = buckets[0] > lo ? buckets[0] : Math.max(...buckets);
  return buckets.map((x) => bars[hi > lo ? Math.max(0, Math.min(7, Math.floor(((x - lo) / (hi - lo)) * 8))) : 0]).join('');
}

export async function cmdLrFind(a: ParsedArgs, io: CliIO): Promise<number> {
  const target = a.positionals[0];
  if (!target)
    throw new KnobsError('E_USAGE', 'which sweep file or script?', { hint: 'knobs lr-find sweep.yaml, or knobs lr-find train.py' });
  const abs = path.resolve(io.cwd, target);
  const isSweep = /\.ya?ml$/i.test(target);
  const spec = isSweep ? loadSweepFile(abs) : undefined;
  if (!isSweep && !existsFile(abs))
    throw new KnobsError('E_USAGE', `cannot find ${target}`, { hint: 'give a sweep file (.yaml) or a script (.py, .mjs, .js)' });
  const param = spec && (a.flags.write || strFlag(a.flags, 'param')) ? findLrParam(spec, strFlag(a.flags, 'param')) : undefined;
  if (a.flags.write && !spec) throw new KnobsError('E_USAGE', '--write needs a sweep file', { hint: 'knobs lr-find sweep.yaml --write' });
  const steps = intFlag(a.flags, 'steps', 2);
  const timeoutS = numFlag(a, 'timeout') ?? 600;
  // a sweep file's script runs where its trials would (core/sweep/workdir.ts); a script runs here
  const workdir = spec ? chooseWorkdir({ spec, started: io.cwd, workspace: io.env.KNOBS_WORKSPACE }) : undefined;
  if (workdir?.notice && !a.flags.json) io.err.write(`knobs: ${workdir.notice}\n`);
  const knobsDir = knobsDirFor({ workdir: workdir?.dir, cwd: io.cwd });
  const outDir = path.join(knobsDir, 'lr-find', stamp());
  fs.mkdirSync(outDir, { recursive: true });
  const python = strFlag(a.flags, 'python');
  const interpreter = spec
    ? resolveInterpreter({ program: spec.program, override: python ?? spec.interpreter, env: io.env })
    : /\.py$/i.test(abs)
      ? resolveInterpreter({ program: abs, override: python, env: io.env })
      : undefined;
  const argsJsonFile = path.join(outDir, 'params.json');
  const plan = planLrFind({
    minLr: numFlag(a, 'min'),
    maxLr: numFlag(a, 'max'),
    steps,
    env: io.env,
    sweep: spec,
    interpreter,
    argsJsonFile,
    script: spec ? undefined : abs,
    scriptArgs: a.positionals.slice(1),
  });
  if (plan.config) fs.writeFileSync(argsJsonFile, formatArgsJsonFile(plan.config, spec!.space));
  const cwd = workdir?.dir ?? io.cwd;
  if (!a.flags.json)
    io.err.write(
      `knobs: lr range test ${formatLr(plan.ramp.minLr)} → ${formatLr(plan.ramp.maxLr)} over ${plan.ramp.steps} steps: ${plan.argv.join(' ')}\n  logs: ${path.relative(io.cwd, outDir) || outDir}\n`,
    );

  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.on('SIGINT', onSig);
  let r: LrFindRunResult;
  try {
    r = await runLrFind({
      argv: plan.argv,
      cwd,
      env: plan.env,
      ramp: plan.ramp,
      stdoutPath: path.join(outDir, 'stdout.log'),
      stderrPath: path.join(outDir, 'stderr.log'),
      timeoutMs: timeoutS * 1000,
      signal: ac.signal,
    });
  } finally {
    process.off('SIGINT', onSig);
  }
  const an = r.analysis;
  const s = an.suggestion;
  const result = lrFindResult({ source: abs, sweepFile: spec ? abs : undefined, param: param?.name, argv: plan.argv, ramp: plan.ramp }, r);
  const failed = !s || r.points.length === 0;
  if (s && a.flags.write && spec && param) {
    const range = result.sweepRange!;
    const text = rewriteLrRange(spec, param, range);
    const check = parseSweep(text, { file: abs });
    const p = check.spec?.space.params.find((x) => x.name === param.name);
    if (!check.spec || !p || p.kind !== 'numeric' || p.min !== range.min || p.max !== range.max) {
      throw new KnobsError(
        'E_INTERNAL',
        `rewriting ${target} would not give ${param.name} the range [${range.min}, ${range.max}]; the file is unchanged`,
        { hint: 'paste the printed block by hand' },
      );
    }
    fs.writeFileSync(abs, text);
    result.written = { file: abs, param: param.name, min: range.min, max: range.max };
  }
  writeLrFindResult(path.join(outDir, 'result.json'), result);

  if (a.flags.json) {
    io.out.write(`${JSON.stringify({ ...result, dir: outDir })}\n`);
  } else {
    const lines: string[] = [];
    const used = an.smoothed.slice(0, an.stopIndex);
    lines.push(
      `${r.points.length} points${r.stoppedBy ? ` (stopped: ${r.stoppedBy === 'diverged' ? `the loss diverged at lr ${formatLr(r.points[r.points.length - 1]?.lr ?? NaN)}` : r.stoppedBy})` : r.exitCode !== 0 ? ` (the script exited with code ${r.exitCode})` : ''}`,
    );
    if (used.length) {
      lines.push(`smoothed loss vs lr (log scale), ${formatLr(r.points[0].lr)} … ${formatLr(r.points[an.stopIndex - 1].lr)}:`);
      lines.push(`  ${sparkline(used)}`);
      lines.push(`  min ${formatNumber(an.minLoss)} at lr ${formatLr(an.minLr)}`);
    }
    if (s) {
      const sr = result.sweepRange!;
      const c = result.cyclicLr!;
      lines.push(
        '',
        `suggestion (${s.method}): max_lr = ${formatLr(s.maxLr)}, base_lr = ${formatLr(s.baseLr)} (band ${formatLr(s.baseLrRange.low)} … ${formatLr(s.baseLrRange.high)})`,
      );
      if (an.note) lines.push(`  note: ${an.note}`);
      lines.push(
        '',
        'sweep file:',
        `  ${param?.path[param.path.length - 1] ?? 'lr'}:`,
        `    distribution: ${sr.distribution}`,
        `    min: ${sr.min}`,
        `    max: ${sr.max}`,
      );
      lines.push('', `CyclicLR: torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=${c.base_lr}, max_lr=${c.max_lr})`);
      if (result.written)
        lines.push(
          '',
          `wrote ${param!.name}: min ${result.written.min}, max ${result.written.max} into ${path.relative(io.cwd, abs) || abs}`,
        );
    } else {
      lines.push(
        '',
        `no suggestion: ${an.note ?? 'no points'}${r.stderrTail ? `\n  stderr: ${r.stderrTail.trim().split('\n').slice(-3).join('\n          ')}` : ''}`,
      );
      lines.push('  fix: the script must report `loss` each step while KNOBS_LR_FIND=1 (knobs.lr_at(step) gives the lr); see the README');
    }
    lines.push('', `saved ${path.relative(io.cwd, path.join(outDir, 'result.json'))}`);
    io.out.write(`${lines.join('\n')}\n`);
  }
  if (ac.signal.aborted) return EXIT.interrupted;
  return failed ? EXIT.error : EXIT.ok;
}

// ---- knobs importance ------------------------------------------------------------------------

export const IMPORTANCE_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  method: {
    value: true,
    arg: 'fanova|ped-anova',
    help: 'fanova (default: variance share of each main effect) or ped-anova (where the top trials concentrate)',
  },
  all: { value: false, help: 'also use stopped and pruned trials (default: completed only)' },
  json: { value: false, help: 'JSON output' },
  help: HELP_FLAG,
};

/** `knobs importance [sweep]`: importance (in a worker thread) and correlation of each searched parameter with the metric. */
export async function cmdImportance(a: ParsedArgs, io: CliIO): Promise<number> {
  const o = openSweepArg(a, io);
  const method = strFlag(a.flags, 'method');
  if (method !== undefined && method !== 'fanova' && method !== 'ped-anova') {
    throw new KnobsError('E_USAGE', `--method is \`${method}\` but must be fanova or ped-anova`, { hint: '--method fanova' });
  }
  const spec = journalSpec(o.state);
  const c = o.state.created!;
  const trials = o.state.trials.map((t) => ({ params: t.params, value: t.value, status: t.status }));
  const report = await computeImportanceInWorker(trials, spec.space, c.metric.goal, {
    method: method as ImportanceOptions['method'],
    statuses: a.flags.all ? ['completed', 'stopped', 'pruned'] : undefined,
  });
  if (a.flags.json) {
    io.out.write(`${JSON.stringify({ sweep: c.sweepId, metric: c.metric, ...report })}\n`);
    return report.n > 0 ? EXIT.ok : EXIT.error;
  }
  if (report.n === 0 || report.params.length === 0) {
    io.err.write(
      `knobs: no completed trial of ${c.sweepId} with ${c.metric.name} to compute importance from${report.note ? ` (${report.note})` : ''}\n`,
    );
    return EXIT.error;
  }
  const max = Math.max(...report.params.map((p) => p.importance), 1e-12);
  const bar = (x: number) => '█'.repeat(Math.round((x / max) * 20)).padEnd(20, '·');
  const corr = (x: number | null) => (x === null ? MISSING : (x >= 0 ? '+' : '') + x.toFixed(2));
  const rows = report.params.map((p) => [p.name, `${bar(p.importance)} ${p.importance.toFixed(3)}`, corr(p.correlation), corr(p.spearman)]);
  const lines = [
    `importance of each parameter for ${c.metric.name} (${c.metric.goal}) · ${report.method} · ${report.n} trials${report.transform === 'rank' ? ' · ranked values' : ''}${report.explained !== undefined ? ` · explained ${(report.explained * 100).toFixed(0)}%` : ''}`,
    '',
    table(['param', 'importance', 'corr', 'spearman'], rows, { align: ['l', 'l', 'r', 'r'] }),
  ];
  if (report.note) lines.push('', `note: ${report.note}`);
  lines.push(
    '',
    `corr: Pearson r of the value (log scale for log params) with ${c.metric.name}; ${c.metric.goal === 'minimize' ? 'negative: larger values lower it' : 'positive: larger values raise it'}`,
  );
  io.out.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
