/**
 * What a sweep's trial counts mean, the same on every face (tree, status bar, dashboard, CLI):
 * "4/6 finished" is the finished trials (completed, failed, stopped or pruned: what run_cap
 * counts) out of the total, which is run_cap, or the trials asked so far when there is none.
 * Running trials are a separate count, said as such: "2 running · 4/6 finished".
 * Pure; shared with the webview (it imports only src/protocol and src/core/format).
 */
import { FINAL_STATUSES, TRIAL_STATUSES, type TrialStatus } from '../journal/trialStatus';

/** Trials per state (the reducer's Counts and the dashboard's store both have this shape). */
export type StatusCounts = Readonly<Record<TrialStatus, number>>;

export interface Progress {
  finished: number;
  running: number;
  /** run_cap, else the trials asked so far */
  total: number;
  /** true when `total` is run_cap */
  capped: boolean;
}

export function progressOf(counts: StatusCounts, runCap?: number): Progress {
  const finished = FINAL_STATUSES.reduce((n, s) => n + counts[s], 0);
  const asked = TRIAL_STATUSES.reduce((n, s) => n + counts[s], 0);
  return { finished, running: counts.running, total: runCap ?? asked, capped: runCap !== undefined };
}

/** "4/6 finished" (numbers through `count`, e.g. one that writes 5,000). */
export function progressText(p: Progress, count: (n: number) => string = String): string {
  return `${count(p.finished)}/${count(p.total)} finished`;
}

/** "2 running · 4/6 finished", or "4/6 finished" when none runs. */
export function progressWithRunning(p: Progress, count: (n: number) => string = String): string {
  return p.running ? `${count(p.running)} running · ${progressText(p, count)}` : progressText(p, count);
}
