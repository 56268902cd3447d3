/**
 * Messages between the extension host and the lr-finder webview panel (the view of one saved
 * `knobs lr-find` result). Shared by both sides; no vscode, no DOM.
 *
 * Host → webview: `result` (the curve, the suggestion and what the buttons would write) after
 * the webview's `ready`, and `status` lines after an action.
 * Webview → host: `ready`, `useBounds`, `writeCyclicLr`, `log`. They are untrusted: the host runs
 * `parseLrFindWebviewMessage` on each and drops (and logs) anything that does not validate. The
 * actions carry no values: the host writes what the saved result says, never what the webview
 * sends.
 */
import { isFiniteNumber } from '../core/math/finite';

export interface LrFindSuggestionData {
  maxLr: number;
  baseLr: number;
  method: 'steepest' | 'min/10';
  /** The documented base_lr band [max_lr / 10, max_lr / 4]. */
  baseLrLow: number;
  baseLrHigh: number;
}

/** One lr range test, as drawn. Losses that were not finite travel as null. */
export interface LrFindData {
  /** Shown as the heading ("sweep.yaml"). */
  title: string;
  /** When it ran (ISO time), if known. */
  createdAt?: string;
  /** The sweep file's lr parameter (dotted name), if known. */
  param?: string;
  /** The learning rate of each point (> 0, ascending in a ramp). */
  lrs: number[];
  /** The raw loss at each point. */
  losses: (number | null)[];
  /** The EMA-smoothed (β = 0.98, bias-corrected) loss at each point. */
  smoothed: (number | null)[];
  /** First index past the used curve (points.length when the loss never diverged). */
  stopIndex: number;
  diverged: boolean;
  /** lr of the smoothed minimum. */
  minLr: number | null;
  suggestion?: LrFindSuggestionData;
  /** The `log_uniform_values` range "Use these bounds" writes into the sweep file. */
  sweepRange?: { min: number; max: number };
  /** The CyclicLR arguments "Write CyclicLR" writes into the code. */
  cyclicLr?: { base_lr: number; max_lr: number };
  note?: string;
  /** Whether each action can be offered (a sweep file and a suggestion; a program file). */
  canWriteSweep: boolean;
  canWriteCode: boolean;
  /** The saved result.json, kept in the webview state so a reload restores the panel. */
  resultFile?: string;
}

export type LrFindHostMessage = { type: 'result'; data: LrFindData } | { type: 'status'; level: 'info' | 'error'; message: string };

export type LrFindWebviewMessage =
  | { type: 'ready' }
  | { type: 'useBounds' }
  | { type: 'writeCyclicLr' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export const LR_FIND_MAX_POINTS = 100_000;
const MAX_LOG = 2000;
const MAX_TEXT = 4000;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const pos = (x: unknown): x is number => isFiniteNumber(x) && x > 0;

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  return extra.length
    ? `unexpected field(s) ${extra
        .slice(0, 3)
        .map((k) => JSON.stringify(k.slice(0, 40)))
        .join(', ')}`
    : undefined;
}

/** A message from the webview, checked; a string says why it was refused. */
export function parseLrFindWebviewMessage(raw: unknown): LrFindWebviewMessage | string {
  if (!isObj(raw)) return 'not an object';
  const t = raw.type;
  if (typeof t !== 'string') return 'no string `type`';
  switch (t) {
    case 'ready':
    case 'useBounds':
    case 'writeCyclicLr': {
      const bad = onlyKeys(raw, ['type']);
      return bad ? `${t}: ${bad}` : { type: t };
    }
    case 'log': {
      const bad = onlyKeys(raw, ['type', 'level', 'message']);
      if (bad) return `log: ${bad}`;
      if (raw.level !== 'info' && raw.level !== 'warn' && raw.level !== 'error') return 'log: `level` must be info, warn or error';
      if (typeof raw.message !== 'string') return 'log: `message` must be a string';
      return { type: 'log', level: raw.level, message: raw.message.slice(0, MAX_LOG) };
    }
    default:
      return `unknown type ${JSON.stringify(t.slice(0, 40))}`;
  }
}

function numOrNullArray(x: unknown, n: number, what: string): (number | null)[] | string {
  if (!Array.isArray(x) || x.length !== n) return `${what} must be an array of ${n} numbers or nulls`;
  for (const v of x) if (v !== null && !isFiniteNumber(v)) return `${what} holds ${JSON.stringify(v)}, not a finite number or null`;
  return x as (number | null)[];
}

const optText = (x: unknown): string | undefined => (typeof x === 'string' ? x.slice(0, MAX_TEXT) : undefined);

/** Checks an LrFindData (the webview checks what the host sends, too); a string says what is wrong. */
export function parseLrFindData(raw: unknown): LrFindData | string {
  if (!isObj(raw)) return 'data is not an object';
  if (typeof raw.title !== 'string') return 'data.title must be a string';
  const lrs = raw.lrs;
  if (!Array.isArray(lrs) || lrs.length > LR_FIND_MAX_POINTS) return `data.lrs must be an array of at most ${LR_FIND_MAX_POINTS} numbers`;
  for (const v of lrs) if (!pos(v)) return `data.lrs holds ${JSON.stringify(v)}, not a number > 0`;
  const losses = numOrNullArray(raw.losses, lrs.length, 'data.losses');
  if (typeof losses === 'string') return losses;
  const smoothed = numOrNullArray(raw.smoothed, lrs.length, 'data.smoothed');
  if (typeof smoothed === 'string') return smoothed;
  if (!Number.isInteger(raw.stopIndex) || (raw.stopIndex as number) < 0 || (raw.stopIndex as number) > lrs.length)
    return `data.stopIndex must be an integer in [0, ${lrs.length}]`;
  if (typeof raw.diverged !== 'boolean') return 'data.diverged must be a boolean';
  if (raw.minLr !== null && !pos(raw.minLr)) return 'data.minLr must be a number > 0 or null';
  if (typeof raw.canWriteSweep !== 'boolean' || typeof raw.canWriteCode !== 'boolean')
    return 'data.canWriteSweep and data.canWriteCode must be booleans';
  const d: LrFindData = {
    title: raw.title.slice(0, 200),
    lrs: lrs as number[],
    losses,
    smoothed,
    stopIndex: raw.stopIndex as number,
    diverged: raw.diverged,
    minLr: raw.minLr as number | null,
    canWriteSweep: raw.canWriteSweep,
    canWriteCode: raw.canWriteCode,
  };
  if (raw.suggestion !== undefined) {
    const s = raw.suggestion;
    if (!isObj(s) || !pos(s.maxLr) || !pos(s.baseLr) || !pos(s.baseLrLow) || !pos(s.baseLrHigh))
      return 'data.suggestion needs positive maxLr, baseLr, baseLrLow and baseLrHigh';
    if (s.method !== 'steepest' && s.method !== 'min/10') return 'data.suggestion.method must be steepest or min/10';
    d.suggestion = { maxLr: s.maxLr, baseLr: s.baseLr, method: s.method, baseLrLow: s.baseLrLow, baseLrHigh: s.baseLrHigh };
  }
  if (raw.sweepRange !== undefined) {
    const r = raw.sweepRange;
    if (!isObj(r) || !pos(r.min) || !pos(r.max) || !(r.max > r.min)) return 'data.sweepRange needs 0 < min < max';
    d.sweepRange = { min: r.min, max: r.max };
  }
  if (raw.cyclicLr !== undefined) {
    const c = raw.cyclicLr;
    if (!isObj(c) || !pos(c.base_lr) || !pos(c.max_lr)) return 'data.cyclicLr needs positive base_lr and max_lr';
    d.cyclicLr = { base_lr: c.base_lr, max_lr: c.max_lr };
  }
  for (const k of ['createdAt', 'param', 'note', 'resultFile'] as const) {
    const v = optText(raw[k]);
    if (v !== undefined) d[k] = v;
  }
  return d;
}

/** A message from the host, checked (used by the webview). */
export function parseLrFindHostMessage(raw: unknown): LrFindHostMessage | string {
  if (!isObj(raw)) return 'not an object';
  if (raw.type === 'result') {
    const d = parseLrFindData(raw.data);
    return typeof d === 'string' ? `result: ${d}` : { type: 'result', data: d };
  }
  if (raw.type === 'status') {
    if (raw.level !== 'info' && raw.level !== 'error') return 'status: `level` must be info or error';
    if (typeof raw.message !== 'string') return 'status: `message` must be a string';
    return { type: 'status', level: raw.level, message: raw.message.slice(0, MAX_TEXT) };
  }
  return `unknown type ${JSON.stringify(String(raw.type).slice(0, 40))}`;
}
