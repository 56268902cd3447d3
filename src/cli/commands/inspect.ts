/** `knobs status`, `knobs best`, `knobs export`, `knobs list`, `knobs stop`, `knobs validate`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKnobsError, KnobsError } from '../../core/errors';
import { formatNumber, MISSING } from '../../core/format/number';
import { bestTrial } from '../../core/journal/reducer';
import { toConfig } from '../../core/space/config';
import { parseSweep } from '../../core/space/parse';
import type { Space, Value } from '../../core/space/types';
import { valueJson } from '../../core/space/valueJson';
import { sendControl } from '../../core/sweep/control';
import { journalSpec, type OpenedSweep, openSweep } from '../../core/sweep/open';
import { listSweeps } from '../../core/sweep/paths';
import { chooseWorkdir } from '../../core/sweep/workdir';
import { type FlagSpec, intFlag, type ParsedArgs, strFlag } from '../args';
import { type CliIO, DIR_FLAG, EXIT, HELP_FLAG, knobsDirsFor, openSweepArg } from '../context';
import { formatConfigYaml, table } from '../format';
import { runnerLine, summaryJson, summaryText, sweepState, trialJson } from '../summary';

export const STATUS_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  json: { value: false, help: 'JSON output' },
  all: { value: false, help: 'show every trial' },
  'train-metric': { value: true, arg: 'NAME', help: 'training loss for the fit tag (default train_loss)' },
  'val-metric': { value: true, arg: 'NAME', help: 'validation loss for the fit tag (default val_loss)' },
  help: HELP_FLAG,
};
export const BEST_FLAGS: Record<string, FlagSpec> = { dir: DIR_FLAG, json: { value: false, help: 'JSON output' }, help: HELP_FLAG };
export const EXPORT_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  csv: { value: false, help: 'CSV: one row per trial, a column per param and metric' },
  json: { value: false, help: 'JSON: the full trial records' },
  out: { value: true, arg: 'FILE', help: 'write to FILE instead of stdout' },
  help: HELP_FLAG,
};
export const STOP_FLAGS: Record<string, FlagSpec> = {
  dir: DIR_FLAG,
  trial: { value: true, arg: 'N', help: 'stop only trial N' },
  help: HELP_FLAG,
};
export const LIST_FLAGS: Record<string, FlagSpec> = { dir: DIR_FLAG, json: { value: false, help: 'JSON output' }, help: HELP_FLAG };
export const VALIDATE_FLAGS: Record<string, FlagSpec> = {
  json: { value: false, help: 'JSON diagnostics' },
  cwd: { value: true, arg: 'DIR', help: 'check `program` as `knobs run --cwd DIR` would' },
  workspace: { value: true, arg: 'DIR', help: 'as `knobs run --workspace DIR`' },
  help: HELP_FLAG,
};

function spaceOf(o: OpenedSweep): Space | undefined {
  try {
    return journalSpec(o.state).space;
  } catch {
    return undefined;
  }
}

export function cmdStatus(a: ParsedArgs, io: CliIO): number {
  const o = openSweepArg(a, io);
  if (a.flags.json) {
    io.out.write(
      `${JSON.stringify(summaryJson({ state: o.state, dir: o.paths.dir, runner: o.runner, space: spaceOf(o), withTrials: true }))}\n`,
    );
  } else {
    const fit = { train: strFlag(a.flags, 'train-metric'), val: strFlag(a.flags, 'val-metric') };
    io.out.write(
      `${summaryText({ state: o.state, dir: o.paths.dir, runner: o.runner, out: io.out, limit: a.flags.all ? Infinity : 30, fit })}\n`,
    );
  }
  return EXIT.ok;
}

export function cmdBest(a: ParsedArgs, io: CliIO): number {
  const o = openSweepArg(a, io);
  const best = bestTrial(o.state);
  const c = o.state.created!;
  if (!best) {
    if (a.flags.json) io.out.write(`${JSON.stringify({ sweep: c.sweepId, best: null })}\n`);
    else io.err.write(`knobs: no trial of ${c.sweepId} has reported ${c.metric.name} yet\n`);
    return EXIT.error;
  }
  if (a.flags.json) {
    io.out.write(`${JSON.stringify({ sweep: c.sweepId, metric: c.metric, ...trialJson(best, spaceOf(o)) })}\n`);
  } else {
    io.out.write(
      `trial ${best.id} · ${c.metric.name} = ${formatNumber(best.value)} (${c.metric.goal})\n${formatConfigYaml(best.params)}\n`,
    );
  }
  return EXIT.ok;
}

export function cmdExport(a: ParsedArgs, io: CliIO): number {
  if (!!a.flags.csv === !!a.flags.json)
    throw new KnobsError('E_USAGE', 'choose one format: --csv or --json', { hint: 'knobs export --csv -o trials.csv' });
  const o = openSweepArg(a, io);
  const space = spaceOf(o);
  let text: string;
  if (a.flags.json) {
    text = `${JSON.stringify(summaryJson({ state: o.state, dir: o.paths.dir, runner: o.runner, space, withTrials: true }), null, 2)}\n`;
  } else {
    const paramNames = [...new Set(o.state.trials.flatMap((t) => Object.keys(t.params)))];
    const metricNames = [...new Set(o.state.trials.flatMap((t) => Object.keys(t.last)))].sort();
    const header = [
      'trial',
      'state',
      'attempt',
      ...paramNames,
      'value',
      'best',
      ...metricNames.map((m) => `last_${m}`),
      'started',
      'ended',
      'reason',
    ];
    const rows = o.state.trials.map((t) => [
      t.id,
      t.status,
      t.attempt,
      ...paramNames.map((p) => paramCell(t.params[p])),
      num(t.value),
      num(t.best),
      ...metricNames.map((m) => num(t.last[m])),
      t.startedAt ? new Date(t.startedAt).toISOString() : '',
      t.endedAt ? new Date(t.endedAt).toISOString() : '',
      t.reason ?? '',
    ]);
    text = `${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
  }
  const out = strFlag(a.flags, 'out');
  if (out) {
    fs.writeFileSync(path.resolve(io.cwd, out), text);
    io.err.write(`knobs: wrote ${o.state.trials.length} trials to ${out}\n`);
  } else io.out.write(text);
  void toConfig;
  return EXIT.ok;
}

function num(v: number | undefined): string {
  if (v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

/** A parameter's CSV cell: numbers as metrics are (NaN, inf), lists and maps as JSON with NaN kept. */
function paramCell(v: Value | undefined): string | boolean {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return num(v);
  return typeof v === 'object' ? valueJson(v) : v;
}

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function cmdList(a: ParsedArgs, io: CliIO): number {
  const knobsDirs = knobsDirsFor({ dir: strFlag(a.flags, 'dir'), cwd: io.cwd });
  const rows = listSweeps(knobsDirs).map((d) => {
    // the folder holding .knobs/, shown when sweeps come from several (older sweeps sit beside their sweep files)
    const where = path.relative(io.cwd, path.dirname(path.dirname(path.dirname(d)))) || '.';
    try {
      const o = openSweep(d);
      const best = bestTrial(o.state);
      return {
        sweep: o.paths.id,
        dir: d,
        where,
        state: sweepState(o.state, o.runner),
        trials: o.state.trials.length,
        best: best?.value,
        metric: o.state.created!.metric.name,
      };
    } catch (e) {
      return {
        sweep: path.basename(d),
        dir: d,
        where,
        state: `unreadable: ${(e as Error).message}`,
        trials: 0,
        best: undefined,
        metric: '',
      };
    }
  });
  const cells = (r: (typeof rows)[number]) => [
    r.sweep,
    r.state,
    String(r.trials),
    r.best === undefined ? MISSING : `${r.metric}=${formatNumber(r.best)}`,
  ];
  const several = rows.some((r) => r.where !== rows[0].where);
  if (a.flags.json) io.out.write(`${JSON.stringify(rows)}\n`);
  else if (!rows.length) io.err.write(`knobs: no sweeps under ${knobsDirs[0]}\n`);
  else if (several)
    io.out.write(
      `${table(
        ['sweep', 'state', 'trials', 'best', 'in'],
        rows.map((r) => [...cells(r), r.where]),
      )}\n`,
    );
  else io.out.write(`${table(['sweep', 'state', 'trials', 'best'], rows.map(cells))}\n`);
  return EXIT.ok;
}

export async function cmdStop(a: ParsedArgs, io: CliIO): Promise<number> {
  const o = openSweepArg(a, io);
  const trial = intFlag(a.flags, 'trial', 1);
  if (o.runner.kind !== 'running') {
    throw new KnobsError('E_USAGE', `sweep ${o.paths.id} is not running (${runnerLine(o.runner)})`, {
      hint: 'nothing to stop; `knobs resume` continues it',
    });
  }
  if (trial !== undefined && !o.state.byId.has(trial)) {
    throw new KnobsError('E_USAGE', `sweep ${o.paths.id} has no trial ${trial}`, { hint: `trials are 1..${o.state.trials.length}` });
  }
  const cmd = sendControl(o.paths.control, trial === undefined ? { cmd: 'stop' } : { cmd: 'stop', trial });
  // wait (briefly) until the runner has acknowledged it in the journal
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const now = openSweep(o.paths.dir);
    if (now.state.handledCmds.has(cmd.id)) {
      io.err.write(`knobs: stop ${trial === undefined ? 'of the sweep' : `of trial ${trial}`} acknowledged by the runner\n`);
      return EXIT.ok;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  io.err.write(`knobs: stop requested; the runner has not acknowledged it yet (check \`knobs status\`)\n`);
  return EXIT.ok;
}

export function cmdValidate(a: ParsedArgs, io: CliIO): number {
  const file = a.positionals[0];
  if (!file) throw new KnobsError('E_USAGE', 'which sweep file?', { hint: 'knobs validate sweep.yaml' });
  const abs = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new KnobsError('E_SWEEP_IO', `cannot read ${file}: ${(e as Error).message}`, { hint: 'check the path' });
  }
  const { spec, diagnostics } = parseSweep(text, { file: abs });
  if (a.flags.json && !spec) io.out.write(`${JSON.stringify({ ok: false, diagnostics })}\n`);
  else if (!a.flags.json) {
    for (const d of diagnostics) {
      io.out.write(
        `${file}${d.loc ? `:${d.loc.line}:${d.loc.col}` : ''}: ${d.severity}: ${d.message}${d.hint ? `\n  fix: ${d.hint}` : ''}\n`,
      );
    }
  }
  if (!spec) return EXIT.error;
  // where trials would run and whether `program` is found there: what `knobs run` checks first
  let where: string;
  try {
    const wd = chooseWorkdir({
      spec,
      started: io.cwd,
      explicit: strFlag(a.flags, 'cwd'),
      workspace: strFlag(a.flags, 'workspace') ?? io.env.KNOBS_WORKSPACE,
    });
    if (wd.notice && !a.flags.json) io.out.write(`${file}: note: ${wd.notice}\n`);
    where = path.relative(io.cwd, wd.dir) || '.';
  } catch (e) {
    if (!isKnobsError(e)) throw e;
    if (a.flags.json)
      io.out.write(
        `${JSON.stringify({ ok: false, diagnostics: [...diagnostics, { severity: 'error', code: e.code, message: e.message, hint: e.hint, loc: e.location?.line ? { line: e.location.line, col: e.location.col ?? 1 } : undefined }] })}\n`,
      );
    else io.out.write(`${e.format()}\n`);
    return EXIT.error;
  }
  if (a.flags.json) io.out.write(`${JSON.stringify({ ok: true, diagnostics })}\n`);
  else {
    const metric = spec.metric.name ? `metric ${spec.metric.goal} ${spec.metric.name}` : 'no metric';
    io.out.write(`${file}: ok · ${spec.method} · ${spec.space.params.length} parameters · ${metric} · trials run in ${where}\n`);
  }
  return EXIT.ok;
}
