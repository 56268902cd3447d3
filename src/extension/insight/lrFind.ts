/**
 * "Knobs: Find Learning Rate" (pure parts): the argv of `knobs lr-find <sweep file> --json`
 * (run under the host's Node, no shell) and its JSON result; for the lr-finder panel, a saved
 * result.json (readLrFindResult), the data the webview draws (lrFindData) and the result file a
 * restored panel names. The result format and its checks are core/analysis/lrFindResult.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LrFindResult, parseLrFindResult, readLrFindResult as readResultFile } from '../../core/analysis/lrFindResult';
import { formatLr } from '../../core/format/number';
import type { LrFindData } from '../../protocol/lrFindMessages';

/** What `knobs lr-find --json` printed: the result, and the folder it was saved in. */
export type LrFindView = LrFindResult & { dir?: string };

export function lrFindArgv(cliPath: string, sweepFile: string, write = false): string[] {
  return [cliPath, 'lr-find', sweepFile, '--json', ...(write ? ['--write'] : [])];
}

/** The last JSON line of the CLI's stdout, checked; a string says what is wrong. */
export function parseLrFindOutput(stdout: string): LrFindView | string {
  const line = stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .pop();
  if (!line) return 'knobs lr-find printed no JSON';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'knobs lr-find printed malformed JSON';
  }
  const r = parseLrFindResult(raw, 'the lr-find output');
  if (typeof r === 'string') return r;
  const dir = (raw as { dir?: unknown }).dir;
  return typeof dir === 'string' ? { ...r, dir } : r;
}

/** "max_lr 3e-3, base_lr 3e-4 (steepest); sweep range 3e-4 … 3e-3" */
export function lrFindSummary(v: LrFindView): string {
  if (!v.suggestion) return `no suggestion${v.note ? `: ${v.note}` : ''} (${v.points.length} points)`;
  const s = v.suggestion;
  return `max_lr ${formatLr(s.maxLr)}, base_lr ${formatLr(s.baseLr)} (${s.method})${v.sweepRange ? `; sweep range ${formatLr(v.sweepRange.min)} … ${formatLr(v.sweepRange.max)}` : ''}`;
}

// ---- saved results (.knobs/lr-find/<stamp>/result.json) ----------------------------------------

/** A saved lr-find result, checked: what the panel draws and what its buttons write. */
export type LrFindSaved = LrFindResult & {
  /** The result.json it came from. */
  file: string;
};

/** Reads and checks a saved result.json; a string says what is wrong. */
export function readLrFindResult(file: string): LrFindSaved | string {
  const r = readResultFile(file);
  return typeof r === 'string' ? r : { ...r, file };
}

/** What the webview draws, from a saved result. Pure. */
export function lrFindData(saved: LrFindSaved): LrFindData {
  const base = saved.sweepFile ?? saved.source;
  const d: LrFindData = {
    title: `${base ? path.basename(base) : 'lr range test'}${saved.param ? ` · ${saved.param}` : ''}`,
    lrs: saved.points.map((p) => p.lr),
    losses: saved.points.map((p) => (Number.isFinite(p.loss) ? p.loss : null)),
    smoothed: saved.smoothed,
    stopIndex: saved.stopIndex,
    diverged: saved.diverged,
    minLr: saved.minLr,
    canWriteSweep: !!(saved.sweepFile && saved.sweepRange),
    canWriteCode: !!(saved.cyclicLr && (saved.sweepFile || (saved.source && /\.py$/i.test(saved.source)))),
    resultFile: saved.file,
  };
  const s = saved.suggestion;
  if (s)
    d.suggestion = { maxLr: s.maxLr, baseLr: s.baseLr, method: s.method, baseLrLow: s.baseLrRange.low, baseLrHigh: s.baseLrRange.high };
  if (saved.sweepRange) d.sweepRange = { min: saved.sweepRange.min, max: saved.sweepRange.max };
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
