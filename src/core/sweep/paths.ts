/**
 * Where sweeps live: `<dir>/.knobs/sweeps/<id>/` holding journal.jsonl, control.jsonl,
 * runner.lock, runner.log and trials/<n>/ (config.json, params.json, stdout.log, stderr.log,
 * checkpoints/). `.knobs/` sits beside the sweep file unless --dir (or a setting) moves it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KnobsError } from '../errors';

export const KNOBS_DIR = '.knobs';
export const JOURNAL_FILE = 'journal.jsonl';
export const CONTROL_FILE = 'control.jsonl';
export const LOCK_FILE = 'runner.lock';
export const RUNNER_LOG = 'runner.log';
/** The glob tools use to discover sweeps. */
export const SWEEP_GLOB = '**/.knobs/sweeps/*/journal.jsonl';

export interface SweepPaths {
  dir: string;
  id: string;
  journal: string;
  control: string;
  lock: string;
  runnerLog: string;
  trials: string;
}

export function sweepPaths(dir: string): SweepPaths {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    id: path.basename(abs),
    journal: path.join(abs, JOURNAL_FILE),
    control: path.join(abs, CONTROL_FILE),
    lock: path.join(abs, LOCK_FILE),
    runnerLog: path.join(abs, RUNNER_LOG),
    trials: path.join(abs, 'trials'),
  };
}

export function trialDir(sweepDir: string, trial: number): string {
  return path.join(sweepDir, 'trials', String(trial).padStart(4, '0'));
}

export function sweepsRoot(knobsDir: string): string {
  return path.join(knobsDir, 'sweeps');
}

/** A new, sortable sweep id: "20261123-140512-digits". */
export function newSweepId(name: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const slug = name.toLowerCase().replace(/\.(ya?ml|json)$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'sweep';
  return `${stamp}-${slug}`;
}

/** All sweep folders under a .knobs dir, oldest first. */
export function listSweeps(knobsDir: string): string[] {
  const root = sweepsRoot(knobsDir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, JOURNAL_FILE)))
    .sort()
    .map((d) => path.join(root, d));
}

/**
 * Resolves a `<sweep>` argument: a sweep folder path, an id (or unique prefix/suffix) under
 * `<knobsDir>/sweeps`, or — when omitted — the latest sweep there.
 */
export function resolveSweep(knobsDir: string, ref?: string): string {
  if (ref && fs.existsSync(path.join(ref, JOURNAL_FILE))) return path.resolve(ref);
  const all = listSweeps(knobsDir);
  if (!ref) {
    if (all.length === 0) {
      throw new KnobsError('E_NO_SWEEP', `no sweeps under ${path.join(knobsDir, 'sweeps')}`, {
        hint: 'start one with `knobs run sweep.yaml`, or point to another folder with --dir',
      });
    }
    return all[all.length - 1];
  }
  const hits = all.filter((d) => path.basename(d) === ref);
  const partial = hits.length ? hits : all.filter((d) => path.basename(d).includes(ref));
  if (partial.length === 1) return partial[0];
  if (partial.length > 1) {
    throw new KnobsError('E_NO_SWEEP', `\`${ref}\` matches ${partial.length} sweeps`, {
      hint: `use one of: ${partial.map((d) => path.basename(d)).join(', ')}`,
    });
  }
  throw new KnobsError('E_NO_SWEEP', `no sweep \`${ref}\` under ${path.join(knobsDir, 'sweeps')}`, {
    hint: all.length ? `known sweeps: ${all.map((d) => path.basename(d)).slice(-5).join(', ')}` : 'start one with `knobs run sweep.yaml`',
  });
}
