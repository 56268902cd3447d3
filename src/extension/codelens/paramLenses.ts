/**
 * Which sweep's results to show on a training script, and the lenses to draw: for each parameter
 * definition found by locateParams, "best: 3.2e-4 (trial 17)" and "Promote". Pure.
 * The sweep is the newest whose program is this file; else the newest sweep (of up to
 * `maxScan`) whose parameter names have definitions in the file.
 */
import * as path from 'node:path';
import { bestTrial, type SweepState } from '../../core/journal/reducer';
import type { SourceLang } from '../../core/promote/lang';
import { locateParams } from '../../core/promote/locate';
import { formatParam } from '../sweeps/describe';

export interface LensSweep {
  dir: string;
  id: string;
  state: SweepState;
  /** absolute program path, if known */
  program?: string;
  /** parameter names of the sweep */
  names: string[];
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

export function pickSweepForScript(
  file: string,
  text: string,
  lang: SourceLang,
  sweeps: readonly LensSweep[],
  maxScan = 20,
): { sweep: LensSweep; sites: ReturnType<typeof locateParams> } | undefined {
  const abs = path.resolve(file);
  const withBest = sweeps.filter((s) => bestTrial(s.state));
  const own = withBest.find((s) => s.program && path.resolve(s.program) === abs);
  if (own) return { sweep: own, sites: locateParams(text, lang, own.names) };
  for (const s of withBest.slice(0, maxScan)) {
    if (!s.names.length) continue;
    const sites = locateParams(text, lang, s.names);
    if (sites.length) return { sweep: s, sites };
  }
  return undefined;
}

export function paramLenses(file: string, text: string, lang: SourceLang, sweeps: readonly LensSweep[]): ParamLens[] {
  const picked = pickSweepForScript(file, text, lang, sweeps);
  if (!picked) return [];
  const best = bestTrial(picked.sweep.state);
  if (!best) return [];
  const seen = new Set<string>();
  const out: ParamLens[] = [];
  for (const site of picked.sites) {
    if (seen.has(site.name)) continue; // the first site of a name is the one promote edits
    seen.add(site.name);
    if (!(site.name in best.params)) continue;
    out.push({
      line: site.line,
      col: site.col,
      name: site.name,
      title: `best: ${formatParam(best.params[site.name])} (trial ${best.id})`,
      dir: picked.sweep.dir,
      trial: best.id,
    });
  }
  return out;
}
