/**
 * "Knobs: Find Learning Rate" (pure parts): the argv of `knobs lr-find <sweep file> --json`
 * (run under the host's Node, no shell) and a validator for its JSON result (the CLI's
 * LrFindResultFile: kind "knobs.lrFind", points, suggestion, sweepRange, written); and, for the
 * lr-finder panel, the checked saved result.json (parseLrFindResultFile / readLrFindResult), the
 * data the webview draws (lrFindData) and the result file a restored panel names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LrFindData } from '../../protocol/lrFindMessages';

export interface LrFindView {
  points: { lr: number; loss: number }[];
  suggestion?: { maxLr: number; baseLr: number; method: string };
  sweepRange?: { min: number; max: number };
  param?: string;
  note?: string;
  dir?: string;
  written?: { file: string; param: string; min: number; max: number };
}

export function lrFindArgv(cliPath: string, sweepFile: string, write = false): string[] {
  return [cliPath, 'lr-find', sweepFile, '--json', ...(write ? ['--write'] : [])];
}

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The last JSON line of the CLI's stdout, checked field by field; a string says what is wrong. */
export function parseLrFindOutput(stdout: string): LrFindView | string {
  const line = stdout.trim().split('\n').filter((l) => l.trim().startsWith('{')).pop();
  if (!line) return 'knobs lr-find printed no JSON';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'knobs lr-find printed malformed JSON';
  }
  const r = raw as Record<string, unknown>;
  if (!r || typeof r !== 'object' || r.kind !== 'knobs.lrFind') return 'not a knobs lr-find result';
  if (!Array.isArray(r.points)) return 'lr-find result: points must be an array';
  const points: LrFindView['points'] = [];
  for (const p of r.points as unknown[]) {
    const q = p as Record<string, unknown> | null;
    if (q && num(q.lr) && q.lr > 0 && num(q.loss)) points.push({ lr: q.lr, loss: q.loss });
  }
  const v: LrFindView = { points };
  const s = r.suggestion as Record<string, unknown> | undefined;
  if (s !== undefined) {
    if (!s || !num(s.maxLr) || !num(s.baseLr) || s.maxLr <= 0 || s.baseLr <= 0) return 'lr-find result: suggestion needs positive maxLr and baseLr';
    v.suggestion = { maxLr: s.maxLr, baseLr: s.baseLr, method: typeof s.method === 'string' ? s.method : 'steepest' };
  }
  const sr = r.sweepRange as Record<string, unknown> | undefined;
  if (sr !== undefined) {
    if (!sr || !num(sr.min) || !num(sr.max) || !(sr.min > 0 && sr.max > sr.min)) return 'lr-find result: sweepRange needs 0 < min < max';
    v.sweepRange = { min: sr.min, max: sr.max };
  }
  if (typeof r.param === 'string') v.param = r.param;
  if (typeof r.note === 'string') v.note = r.note;
  if (typeof r.dir === 'string') v.dir = r.dir;
  const w = r.written as Record<string, unknown> | undefined;
  if (w && typeof w.file === 'string' && typeof w.param === 'string' && num(w.min) && num(w.max)) v.written = { file: w.file, param: w.param, min: w.min, max: w.max };
  return v;
}

const fmt = (x: number) => Number(x.toPrecision(2)).toExponential().replace('e+', 'e').replace(/\.0+e/, 'e');

/** "max_lr 3e-3, base_lr 3e-4 (steepest); sweep range 3e-4 … 3e-3" */
export function lrFindSummary(v: LrFindView): string {
  if (!v.suggestion) return `no suggestion${v.note ? `: ${v.note}` : ''} (${v.points.length} points)`;
  const s = v.suggestion;
  return `max_lr ${fmt(s.maxLr)}, base_lr ${fmt(s.baseLr)} (${s.method})${v.sweepRange ? `; sweep range ${fmt(v.sweepRange.min)} … ${fmt(v.sweepRange.max)}` : ''}`;
}

// ---- saved results (.knobs/lr-find/<stamp>/result.json) ----------------------------------------

/** A saved lr-find result, checked: what the panel draws and what its buttons write. */
export interface LrFindSaved extends Omit<LrFindData, 'title' | 'canWriteSweep' | 'canWriteCode' | 'resultFile'> {
  /** The result.json it came from. */
  file: string;
  /** The sweep file it ran (absent when it ran a script). */
  sweepFile?: string;
  source?: string;
}

const MAX_SAVED_POINTS = 100_000;

/** Checks a parsed result.json (the CLI's LrFindResultFile); a string says what is wrong. */
export function parseLrFindResultFile(raw: unknown, file: string): LrFindSaved | string {
  const r = raw as Record<string, unknown>;
  if (!r || typeof r !== 'object' || Array.isArray(r) || r.kind !== 'knobs.lrFind') return `${file} is not a knobs lr-find result`;
  if (!Array.isArray(r.points) || r.points.length > MAX_SAVED_POINTS) return `${file}: points must be an array of at most ${MAX_SAVED_POINTS}`;
  const sm = Array.isArray(r.smoothed) ? (r.smoothed as unknown[]) : [];
  const lrs: number[] = [];
  const losses: (number | null)[] = [];
  const smoothed: (number | null)[] = [];
  let stopIndex = Number.isInteger(r.stopIndex) ? (r.stopIndex as number) : r.points.length;
  (r.points as unknown[]).forEach((p, i) => {
    const q = p as Record<string, unknown> | null;
    if (!q || !num(q.lr) || q.lr <= 0) {
      if (i < stopIndex) stopIndex--;
      return;
    }
    lrs.push(q.lr);
    losses.push(num(q.loss) ? q.loss : null);
    smoothed.push(num(sm[i]) ? (sm[i] as number) : null);
  });
  stopIndex = Math.max(0, Math.min(stopIndex, lrs.length));
  const v: LrFindSaved = { file, lrs, losses, smoothed, stopIndex, diverged: r.diverged === true, minLr: num(r.minLr) && r.minLr > 0 ? r.minLr : null };
  const s = r.suggestion as Record<string, unknown> | undefined;
  if (s !== undefined && s !== null) {
    if (typeof s !== 'object' || !num(s.maxLr) || !num(s.baseLr) || s.maxLr <= 0 || s.baseLr <= 0) return `${file}: suggestion needs positive maxLr and baseLr`;
    const band = (s.baseLrRange ?? {}) as Record<string, unknown>;
    v.suggestion = {
      maxLr: s.maxLr,
      baseLr: s.baseLr,
      method: s.method === 'min/10' ? 'min/10' : 'steepest',
      baseLrLow: num(band.low) && band.low > 0 ? band.low : s.maxLr / 10,
      baseLrHigh: num(band.high) && band.high > 0 ? band.high : s.maxLr / 4,
    };
  }
  const sr = r.sweepRange as Record<string, unknown> | undefined;
  if (sr !== undefined && sr !== null) {
    if (typeof sr !== 'object' || !num(sr.min) || !num(sr.max) || !(sr.min > 0 && sr.max > sr.min)) return `${file}: sweepRange needs 0 < min < max`;
    v.sweepRange = { min: sr.min, max: sr.max };
  }
  const c = r.cyclicLr as Record<string, unknown> | undefined;
  if (c !== undefined && c !== null) {
    if (typeof c !== 'object' || !num(c.base_lr) || !num(c.max_lr) || c.base_lr <= 0 || c.max_lr <= 0) return `${file}: cyclicLr needs positive base_lr and max_lr`;
    v.cyclicLr = { base_lr: c.base_lr, max_lr: c.max_lr };
  }
  if (typeof r.createdAt === 'string') v.createdAt = r.createdAt;
  if (typeof r.sweepFile === 'string' && r.sweepFile) v.sweepFile = r.sweepFile;
  if (typeof r.source === 'string' && r.source) v.source = r.source;
  if (typeof r.param === 'string' && r.param) v.param = r.param;
  if (typeof r.note === 'string') v.note = r.note;
  return v;
}

/** Reads and checks a saved result.json; a string says what is wrong. */
export function readLrFindResult(file: string): LrFindSaved | string {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  return parseLrFindResultFile(raw, file);
}

/** What the webview draws, from a saved result. Pure. */
export function lrFindData(saved: LrFindSaved): LrFindData {
  const base = saved.sweepFile ?? saved.source;
  const d: LrFindData = {
    title: `${base ? path.basename(base) : 'lr range test'}${saved.param ? ` · ${saved.param}` : ''}`,
    lrs: saved.lrs,
    losses: saved.losses,
    smoothed: saved.smoothed,
    stopIndex: saved.stopIndex,
    diverged: saved.diverged,
    minLr: saved.minLr,
    canWriteSweep: !!(saved.sweepFile && saved.sweepRange),
    canWriteCode: !!(saved.cyclicLr && (saved.sweepFile || (saved.source && /\.py$/i.test(saved.source)))),
    resultFile: saved.file,
  };
  if (saved.suggestion) d.suggestion = saved.suggestion;
  if (saved.sweepRange) d.sweepRange = saved.sweepRange;
  if (saved.cyclicLr) d.cyclicLr = saved.cyclicLr;
  if (saved.param) d.param = saved.param;
  if (saved.note) d.note = saved.note;
  if (saved.createdAt) d.createdAt = saved.createdAt;
  return d;
}

/** The result file a restored panel's state names, if it is a result.json that still exists. */
export function restoredResultFile(state: unknown): string | undefined {
  const f = (state as { resultFile?: unknown } | undefined)?.resultFile;
  if (typeof f !== 'string' || path.basename(f) !== 'result.json' || !path.isAbsolute(f)) return undefined;
  return fs.existsSync(f) ? f : undefined;
}


/**
 * The newest saved lr range test of a sweep file: `knobs lr-find <sweep file>` saves into
 * `<its folder>/.knobs/lr-find/<stamp>/result.json`, the same .knobs as the file's sweeps.
 * Results of other files, and unreadable ones, are passed over. Undefined when there is none.
 */
export function newestLrFindOf(sweepFile: string): LrFindSaved | undefined {
  const root = path.join(path.dirname(sweepFile), '.knobs', 'lr-find');
  let stamps: string[];
  try {
    stamps = fs.readdirSync(root).sort().reverse();
  } catch {
    return undefined;
  }
  let best: LrFindSaved | undefined;
  for (const stamp of stamps.slice(0, 200)) {
    const saved = readLrFindResult(path.join(root, stamp, 'result.json'));
    if (typeof saved === 'string' || !saved.sweepFile || path.resolve(saved.sweepFile) !== path.resolve(sweepFile)) continue;
    if (!best || (saved.createdAt ?? stamp) > (best.createdAt ?? '')) best = saved;
  }
  return best;
}
