/**
 * "Knobs: Find Learning Rate" (pure parts): the argv of `knobs lr-find <sweep file> --json`
 * (run under the host's Node, no shell) and a validator for its JSON result (the CLI's
 * LrFindResultFile: kind "knobs.lrFind", points, suggestion, sweepRange, written).
 */
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
