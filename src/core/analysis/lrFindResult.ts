/**
 * The saved result of one lr range test: `.knobs/lr-find/<stamp>/result.json`, which is also
 * what `knobs lr-find --json` prints (plus `dir`). This file owns the format: the CLI builds and
 * writes it (`lrFindResult`, `writeLrFindResult`); the extension's command, panel and dashboard
 * tab read it (`parseLrFindResult`, `readLrFindResult`). It is checked here and nowhere else.
 *
 * Reading is lenient where the data allows it and strict where a button would write a value:
 * points whose lr is not > 0 are dropped (the stop index follows), a loss that is not finite (JSON
 * null) becomes NaN, absent fields take their defaults; a present suggestion, sweep range or
 * CyclicLR block that is not positive (0 < min < max for the range) refuses the whole file.
 */
import * as fs from 'node:fs';
import { isFiniteNumber as num } from '../math/finite';
import { cyclicLrArgs, type LrFindAnalysis, type LrPoint, type LrRamp, type LrSuggestion, sweepRange } from './lrFinder';
import type { LrFindRunResult } from './runLrFind';

export const LR_FIND_RESULT_KIND = 'knobs.lrFind';
/** More points than this refuse the file (a ramp has a few hundred). */
export const LR_FIND_MAX_SAVED_POINTS = 100_000;

export interface LrFindResult {
  kind: typeof LR_FIND_RESULT_KIND;
  version: 1;
  createdAt?: string;
  /** The sweep file or script it ran. */
  source?: string;
  /** Set when it ran a sweep file. */
  sweepFile?: string;
  /** The sweep file's lr parameter, when one was named or written. */
  param?: string;
  argv?: string[];
  ramp?: LrRamp;
  /** Every point in order; a loss that was not finite is NaN (null in JSON). */
  points: LrPoint[];
  /** The smoothed loss per point; null where it was not finite. */
  smoothed: (number | null)[];
  /** First index past the used curve. */
  stopIndex: number;
  diverged: boolean;
  minLr: number | null;
  stoppedBy?: string;
  exitCode?: number | null;
  suggestion?: Omit<LrSuggestion, 'index'> & { index?: number };
  sweepRange?: ReturnType<typeof sweepRange>;
  cyclicLr?: ReturnType<typeof cyclicLrArgs>;
  note?: string;
  /** Set after `knobs lr-find --write`. */
  written?: { file: string; param: string; min: number; max: number };
}

/** What the run was: the file it ran and how. */
export interface LrFindRunInfo {
  source: string;
  sweepFile?: string;
  param?: string;
  argv: string[];
  ramp: LrRamp;
  createdAt?: Date;
}

/** The result of a finished run, with its suggested sweep range and CyclicLR arguments. */
export function lrFindResult(
  info: LrFindRunInfo,
  run: Pick<LrFindRunResult, 'points' | 'stoppedBy' | 'exitCode'> & { analysis: LrFindAnalysis },
): LrFindResult {
  const an = run.analysis;
  const s = an.suggestion;
  return {
    kind: LR_FIND_RESULT_KIND,
    version: 1,
    createdAt: (info.createdAt ?? new Date()).toISOString(),
    source: info.source,
    sweepFile: info.sweepFile,
    param: info.param,
    argv: info.argv,
    ramp: info.ramp,
    points: run.points,
    smoothed: an.smoothed.map((x) => (Number.isFinite(x) ? x : null)),
    stopIndex: an.stopIndex,
    diverged: an.diverged,
    minLr: Number.isFinite(an.minLr) ? an.minLr : null,
    stoppedBy: run.stoppedBy,
    exitCode: run.exitCode,
    suggestion: s,
    sweepRange: s ? sweepRange(s, an) : undefined,
    cyclicLr: s ? cyclicLrArgs(s) : undefined,
    note: an.note,
  };
}

export function writeLrFindResult(file: string, result: LrFindResult): void {
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
/** An optional object field: undefined when absent (or null), else the object, else false. */
const optObj = (x: unknown): Obj | undefined | false => (x === undefined || x === null ? undefined : isObj(x) ? x : false);
const text = (x: unknown): string | undefined => (typeof x === 'string' && x ? x : undefined);

/** Checks a parsed result (`what` names it in the message); a string says what is wrong. */
export function parseLrFindResult(raw: unknown, what: string): LrFindResult | string {
  if (!isObj(raw) || raw.kind !== LR_FIND_RESULT_KIND) return `${what} is not a knobs lr-find result`;
  if (!Array.isArray(raw.points) || raw.points.length > LR_FIND_MAX_SAVED_POINTS)
    return `${what}: points must be an array of at most ${LR_FIND_MAX_SAVED_POINTS}`;
  const sm: unknown[] = Array.isArray(raw.smoothed) ? raw.smoothed : [];
  const points: LrPoint[] = [];
  const smoothed: (number | null)[] = [];
  let stopIndex = Number.isInteger(raw.stopIndex) ? (raw.stopIndex as number) : raw.points.length;
  raw.points.forEach((p: unknown, i) => {
    if (!isObj(p) || !num(p.lr) || p.lr <= 0) {
      if (i < stopIndex) stopIndex--;
      return;
    }
    points.push({ lr: p.lr, loss: num(p.loss) ? p.loss : NaN });
    smoothed.push(num(sm[i]) ? sm[i] : null);
  });
  const r: LrFindResult = {
    kind: LR_FIND_RESULT_KIND,
    version: 1,
    points,
    smoothed,
    stopIndex: Math.max(0, Math.min(stopIndex, points.length)),
    diverged: raw.diverged === true,
    minLr: num(raw.minLr) && raw.minLr > 0 ? raw.minLr : null,
  };
  const s = optObj(raw.suggestion);
  if (s === false || (s && (!num(s.maxLr) || !num(s.baseLr) || s.maxLr <= 0 || s.baseLr <= 0)))
    return `${what}: suggestion needs positive maxLr and baseLr`;
  if (s) {
    const band = isObj(s.baseLrRange) ? s.baseLrRange : {};
    r.suggestion = {
      maxLr: s.maxLr as number,
      baseLr: s.baseLr as number,
      method: s.method === 'min/10' ? 'min/10' : 'steepest',
      baseLrRange: {
        low: num(band.low) && band.low > 0 ? band.low : (s.maxLr as number) / 10,
        high: num(band.high) && band.high > 0 ? band.high : (s.maxLr as number) / 4,
      },
      ...(Number.isInteger(s.index) ? { index: s.index as number } : {}),
    };
  }
  const sr = optObj(raw.sweepRange);
  if (sr === false || (sr && (!num(sr.min) || !num(sr.max) || !(sr.min > 0 && sr.max > sr.min))))
    return `${what}: sweepRange needs 0 < min < max`;
  if (sr) r.sweepRange = { distribution: 'log_uniform_values', min: sr.min as number, max: sr.max as number };
  const c = optObj(raw.cyclicLr);
  if (c === false || (c && (!num(c.base_lr) || !num(c.max_lr) || c.base_lr <= 0 || c.max_lr <= 0)))
    return `${what}: cyclicLr needs positive base_lr and max_lr`;
  if (c) r.cyclicLr = { base_lr: c.base_lr as number, max_lr: c.max_lr as number };
  const w = optObj(raw.written);
  if (w && typeof w.file === 'string' && typeof w.param === 'string' && num(w.min) && num(w.max))
    r.written = { file: w.file, param: w.param, min: w.min, max: w.max };
  for (const k of ['createdAt', 'source', 'sweepFile', 'param', 'stoppedBy'] as const) {
    const v = text(raw[k]);
    if (v !== undefined) r[k] = v;
  }
  if (typeof raw.note === 'string') r.note = raw.note;
  if (Array.isArray(raw.argv) && raw.argv.every((a) => typeof a === 'string')) r.argv = raw.argv;
  const ramp = optObj(raw.ramp);
  if (ramp && num(ramp.minLr) && num(ramp.maxLr) && num(ramp.steps)) r.ramp = { minLr: ramp.minLr, maxLr: ramp.maxLr, steps: ramp.steps };
  if (raw.exitCode === null || Number.isInteger(raw.exitCode)) r.exitCode = raw.exitCode as number | null;
  return r;
}

/** Reads and checks a saved result.json; a string says what is wrong. */
export function readLrFindResult(file: string): LrFindResult | string {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  return parseLrFindResult(raw, file);
}
