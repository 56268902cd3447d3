/** Reads a sweep folder: its state (replayed journal), its spec, and whether a runner is alive. */
import * as fs from 'node:fs';
import { KnobsError } from '../errors';
import { readJournal } from '../journal/reader';
import { replay, type SweepState } from '../journal/reducer';
import { parseSweep } from '../space/parse';
import { spaceKey } from '../space/spaceKey';
import type { SweepSpec } from '../space/types';
import { lockIsLive, readLock } from './lock';
import { type SweepPaths, sweepPaths } from './paths';

export interface RunnerStatus {
  /** "running": a live runner holds the lock; "lost": the journal says a runner started and never stopped, and it is gone. */
  kind: 'running' | 'lost' | 'stopped';
  pid?: number;
  host?: string;
  /** ms since the last heartbeat (running/lost). */
  lastSeenMs?: number;
}

export interface OpenedSweep {
  paths: SweepPaths;
  state: SweepState;
  runner: RunnerStatus;
}

export function openSweep(dir: string): OpenedSweep {
  const paths = sweepPaths(dir);
  if (!fs.existsSync(paths.journal))
    throw new KnobsError('E_NO_SWEEP', `no journal at ${paths.journal}`, { hint: 'pass a sweep folder under .knobs/sweeps/' });
  const state = replay(readJournal(paths.journal).ops);
  if (!state.created)
    throw new KnobsError('E_JOURNAL', `${paths.journal} does not start with sweep_created`, {
      hint: 'the sweep folder is damaged; start a new sweep',
    });
  return { paths, state, runner: runnerStatus(paths, state) };
}

export function runnerStatus(paths: SweepPaths, state: SweepState, now = Date.now()): RunnerStatus {
  const lock = readLock(paths.lock);
  if (lock && lockIsLive(lock, now)) return { kind: 'running', pid: lock.pid, host: lock.host, lastSeenMs: now - lock.heartbeatAt };
  const r = state.runner;
  if (r && r.stoppedAt === undefined) {
    return {
      kind: 'lost',
      pid: lock?.pid ?? r.pid,
      host: lock?.host ?? r.host,
      lastSeenMs: now - (lock?.heartbeatAt ?? state.lastT ?? r.startedAt),
    };
  }
  return { kind: 'stopped' };
}

/** The spec recorded in the journal (the sweep file's text at creation). */
export function journalSpec(state: SweepState): SweepSpec {
  const created = state.created!;
  const { spec, diagnostics } = parseSweep(created.text, { file: created.file });
  if (!spec) {
    const first = diagnostics.find((d) => d.severity === 'error');
    throw new KnobsError('E_JOURNAL', `the sweep file recorded in the journal no longer parses: ${first?.message ?? 'unknown error'}`, {
      hint: 'this Knobs version reads the file differently; start a new sweep',
    });
  }
  return spec;
}

export interface ResumeSpecResult {
  spec: SweepSpec;
  /** The file on disk was used (space unchanged) rather than the journal's copy. */
  fromDisk: boolean;
}

/**
 * The spec to resume with: the sweep file on disk when its search space is unchanged (so that
 * run_cap or max_concurrent can be raised), else the journal's copy is refused with
 * E_SPACE_CHANGED unless the caller forks.
 */
export function resumeSpec(state: SweepState, loadFile: (file: string) => SweepSpec): ResumeSpecResult {
  const created = state.created!;
  if (!created.file || !fs.existsSync(created.file)) return { spec: journalSpec(state), fromDisk: false };
  const disk = loadFile(created.file);
  const now = spaceKey(disk.space);
  if (now !== created.spaceKey) {
    throw new KnobsError('E_SPACE_CHANGED', `the search space in ${created.file} changed since sweep ${created.sweepId} started`, {
      location: { file: created.file },
      hint: `resuming would mix two spaces: run \`knobs resume ${created.sweepId} --fork\` to start a new sweep from the edited file, or restore the file's parameters`,
      details: describeSpaceChange(created.spaceKey, now),
    });
  }
  return { spec: disk, fromDisk: true };
}

function describeSpaceChange(before: string, after: string): string[] {
  try {
    const a = JSON.parse(before) as { name: string }[];
    const b = JSON.parse(after) as { name: string }[];
    const byName = (xs: { name: string }[]) => new Map(xs.map((x) => [x.name, JSON.stringify(x)]));
    const ma = byName(Array.isArray(a) ? a : (a as { params: { name: string }[] }).params);
    const mb = byName(Array.isArray(b) ? b : (b as { params: { name: string }[] }).params);
    const out: string[] = [];
    for (const [k, v] of ma)
      if (!mb.has(k)) out.push(`  removed: ${k}`);
      else if (mb.get(k) !== v) out.push(`  changed: ${k}: ${v} → ${mb.get(k)}`);
    for (const k of mb.keys()) if (!ma.has(k)) out.push(`  added: ${k}`);
    return out;
  } catch {
    return [];
  }
}
