/**
 * Which sweep's results to show on a training script, and the lenses to draw. Pure.
 *
 * The lenses name their sweep: the first parameter line carries "best in mnist/sweep.yaml ·
 * random · Dec 3 14:05 (12 completed trials)", which switches sweep; each parameter the sweep
 * searched carries "best: 3.2e-4 (trial 17)" and "Promote". Parameters the sweep held constant
 * or never named (a `seed`, `log-interval`) get no lens.
 *
 * The sweeps a script can follow are those whose program is the file and that have a best
 * trial; for a script no sweep names as its program, those (of the newest `maxScan`) whose
 * searched parameters have definitions in it. Among them the lenses follow the sweep the user
 * chose for this script (Choose Sweep for Code Lenses); else the one with the most completed
 * trials, the newest on a tie. So a short test sweep, or one whose trials crashed, never takes
 * over a real sweep's "best" silently: it has to complete more trials, or be chosen.
 */
import * as path from 'node:path';
import { bestTrial, type SweepState } from '../../core/journal/reducer';
import type { SourceLang } from '../../core/promote/lang';
import { locateParams } from '../../core/promote/locate';
import { formatParam, searchedParamNames, sweepTitle } from '../sweeps/describe';

export interface LensSweep {
  dir: string;
  id: string;
  state: SweepState;
  /** absolute program path, if known */
  program?: string;
}

export interface ParamLens {
  line: number;
  col: number;
  name: string;
  /** "best: 3.2e-4 (trial 17)" */
  title: string;
  dir: string;
  trial: number;
}

/** The lens that names the sweep the others follow, and switches it. */
export interface SweepLens {
  line: number;
  col: number;
  /** "best in mnist/sweep.yaml · random · Dec 3 14:05 (12 completed trials)" */
  title: string;
  tooltip: string;
  dir: string;
}

export interface ScriptLenses {
  sweep: SweepLens;
  params: ParamLens[];
}

const completed = (s: LensSweep) => s.state.trials.filter((t) => t.status === 'completed').length;

/** "12 completed trials" */
function completedText(s: LensSweep): string {
  const n = completed(s);
  return `${n} completed trial${n === 1 ? '' : 's'}`;
}

/**
 * The sweeps this script's lenses can follow, the default first: most completed trials, then
 * newest (`sweeps` come newest first, as SweepStore.list gives them).
 */
export function lensCandidates(file: string, text: string, lang: SourceLang, sweeps: readonly LensSweep[], maxScan = 20): LensSweep[] {
  const abs = path.resolve(file);
  const withBest = sweeps.filter((s) => bestTrial(s.state));
  let out = withBest.filter((s) => s.program && path.resolve(s.program) === abs);
  if (!out.length)
    out = withBest
      .slice(0, maxScan)
      .filter((s) => !s.program || path.resolve(s.program) !== abs)
      .filter((s) => locateParams(text, lang, searchedParamNames(s.state)).length > 0);
  return out
    .map((s, i) => ({ s, i }))
    .sort((a, b) => completed(b.s) - completed(a.s) || a.i - b.i)
    .map((x) => x.s);
}

/** The sweep followed: the chosen one (a sweep dir) while it is a candidate, else the default. */
export function pickSweepForScript(
  file: string,
  text: string,
  lang: SourceLang,
  sweeps: readonly LensSweep[],
  chosen?: string,
): { sweep: LensSweep; candidates: LensSweep[] } | undefined {
  const candidates = lensCandidates(file, text, lang, sweeps);
  if (!candidates.length) return undefined;
  const sweep = (chosen && candidates.find((s) => path.resolve(s.dir) === path.resolve(chosen))) || candidates[0];
  return { sweep, candidates };
}

export function paramLenses(
  file: string,
  text: string,
  lang: SourceLang,
  sweeps: readonly LensSweep[],
  chosen?: string,
): ScriptLenses | undefined {
  const picked = pickSweepForScript(file, text, lang, sweeps, chosen);
  if (!picked) return undefined;
  const { sweep, candidates } = picked;
  const best = bestTrial(sweep.state);
  if (!best) return undefined;
  const seen = new Set<string>();
  const params: ParamLens[] = [];
  for (const site of locateParams(text, lang, searchedParamNames(sweep.state))) {
    if (seen.has(site.name)) continue; // the first site of a name is the one promote edits
    seen.add(site.name);
    if (!(site.name in best.params)) continue;
    params.push({
      line: site.line,
      col: site.col,
      name: site.name,
      title: `best: ${formatParam(best.params[site.name])} (trial ${best.id})`,
      dir: sweep.dir,
      trial: best.id,
    });
  }
  if (!params.length) return undefined;
  params.sort((a, b) => a.line - b.line || a.col - b.col);
  const first = params[0];
  const others = candidates.length - 1;
  const title = `best in ${sweepTitle(sweep.state, sweep.id)} (${completedText(sweep)})`;
  const script = path.basename(file);
  const choose = others
    ? `Click to choose one of the ${others} other sweep${others === 1 ? '' : 's'} of ${script}.`
    : `It is the only sweep of ${script} with results.`;
  const tooltip = `The lenses below show the best trial of sweep ${sweep.id}. ${choose}`;
  return { sweep: { line: first.line, col: first.col, title, tooltip, dir: sweep.dir }, params };
}

/** The quick pick's rows for "Choose Sweep for Code Lenses": every candidate, the followed one marked. */
export function lensSweepChoices(
  candidates: readonly LensSweep[],
  followed: string,
): { label: string; description: string; dir: string }[] {
  return candidates.map((s) => {
    const best = bestTrial(s.state)!;
    const metric = s.state.created?.metric.name ?? 'value';
    return {
      label: `${path.resolve(s.dir) === path.resolve(followed) ? '$(check) ' : ''}${sweepTitle(s.state, s.id)}`,
      description: `${completedText(s)} · best ${metric} ${formatParam(best.value!)} (trial ${best.id})`,
      dir: s.dir,
    };
  });
}
