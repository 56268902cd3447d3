/**
 * Where sweeps live: `<dir>/.knobs/sweeps/<id>/` holding journal.jsonl, control.jsonl,
 * runner.lock, runner.log and trials/<n>/ (config.json, params.json, stdout.log, stderr.log,
 * checkpoints/). `.knobs/` sits in the sweep's working folder (workdir.ts: the folder Knobs was
 * started in, or the sweep file's folder when `program` is only there) unless --dir moves it.
 * Sweeps made before that rule sit beside their sweep files, in subfolders: `knobsDirsUnder` finds
 * both.
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
  const slug =
    name
      .toLowerCase()
      .replace(/\.(ya?ml|json)$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'sweep';
  return `${stamp}-${slug}`;
}

/** Folders never searched for `.knobs/`: hidden ones (.git, .venv, .knobs itself) and these. */
const SKIP = new Set(['node_modules', '__pycache__', 'venv', 'site-packages']);

/**
 * `<root>/.knobs`, then every `.knobs/` holding sweeps in the folders below `root` (up to `depth`
 * levels, at most `maxFolders` folders read): sweeps beside sweep files in subfolders.
 */
export function knobsDirsUnder(root: string, depth = 3, maxFolders = 2000): string[] {
  const out = [path.join(path.resolve(root), KNOBS_DIR)];
  let level = [path.resolve(root)];
  let read = 0;
  for (let d = 0; d < depth && level.length && read < maxFolders; d++) {
    const next: string[] = [];
    for (const dir of level) {
      if (read++ >= maxFolders) break;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || e.name.startsWith('.') || SKIP.has(e.name)) continue;
        const sub = path.join(dir, e.name);
        if (fs.existsSync(sweepsRoot(path.join(sub, KNOBS_DIR)))) out.push(path.join(sub, KNOBS_DIR));
        next.push(sub);
      }
    }
    level = next;
  }
  return out;
}

/** All sweep folders under one or more .knobs dirs, oldest first (ids start with their time). */
export function listSweeps(knobsDirs: string | readonly string[]): string[] {
  const all: string[] = [];
  for (const knobsDir of typeof knobsDirs === 'string' ? [knobsDirs] : knobsDirs) {
    const root = sweepsRoot(knobsDir);
    if (!fs.existsSync(root)) continue;
    for (const d of fs.readdirSync(root)) if (fs.existsSync(path.join(root, d, JOURNAL_FILE))) all.push(path.join(root, d));
  }
  const key = (d: string) => `${path.basename(d)}\0${d}`;
  return all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Resolves a `<sweep>` argument: a sweep folder path, an id (or unique prefix/suffix) under the
 * `<knobsDir>/sweeps` folders, or — when omitted — the latest sweep there.
 */
export function resolveSweep(knobsDirs: string | readonly string[], ref?: string): string {
  if (ref && fs.existsSync(path.join(ref, JOURNAL_FILE))) return path.resolve(ref);
  const all = listSweeps(knobsDirs);
  const first = typeof knobsDirs === 'string' ? knobsDirs : knobsDirs[0];
  const where =
    path.join(first, 'sweeps') +
    (typeof knobsDirs !== 'string' && knobsDirs.length > 1 ? ` (or the other ${knobsDirs.length - 1} .knobs folders below)` : '');
  if (!ref) {
    if (all.length === 0) {
      throw new KnobsError('E_NO_SWEEP', `no sweeps under ${where}`, {
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
      hint: `use one of: ${partial.map((d) => path.basename(d)).join(', ')}${hits.length > 1 ? ' (same id in several folders: pass the sweep folder path)' : ''}`,
    });
  }
  throw new KnobsError('E_NO_SWEEP', `no sweep \`${ref}\` under ${where}`, {
    hint: all.length
      ? `known sweeps: ${all
          .map((d) => path.basename(d))
          .slice(-5)
          .join(', ')}`
      : 'start one with `knobs run sweep.yaml`',
  });
}
