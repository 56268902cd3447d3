/** The e2e workspace: a copy of examples/pytorch-digits with a shortened sweep, and journal reads. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { type OpenedSweep, openSweep } from '../../../src/core/sweep/open';
import { ROOT } from './toolchain';

export const EXAMPLE = path.join(ROOT, 'examples', 'pytorch-digits');
/** Epochs of an ordinary trial (~2–4 s each with torch's start-up, on 2 busy cores). */
export const SHORT_EPOCHS = 8;
/** Epochs of trial 1 (points_to_evaluate): minutes, so it is still running when the table stops it. */
export const LONG_EPOCHS = 5000;
/** The first trial's config; every other trial gets SHORT_EPOCHS (probability 1). */
export const LONG_POINT = { lr: 0.003, dropout: 0.1, weight_decay: 0.0001, l1: 0.000001, batch_size: 64, hidden: 64, epochs: LONG_EPOCHS };

/**
 * Copies train.py and sweep.yaml, and rewrites the copied sweep.yaml: random search, 2 at a
 * time, SHORT_EPOCHS per trial, and a first trial (points_to_evaluate) that runs for minutes.
 * The run_cap is high on purpose: the test stops the sweep itself once every step has been
 * checked (about 30–40 s in), so the sweep is certainly still running at the reload step.
 */
export function prepareDigitsWorkspace(dir: string, opts: { runCap?: number } = {}): void {
  fs.copyFileSync(path.join(EXAMPLE, 'train.py'), path.join(dir, 'train.py'));
  const doc = YAML.parseDocument(fs.readFileSync(path.join(EXAMPLE, 'sweep.yaml'), 'utf8'));
  const method = doc.createNode('random');
  method.comment = ' e2e: plain random search, cheap and deterministic';
  doc.set('method', method);
  doc.setIn(['parameters', 'epochs'], doc.createNode({ values: [SHORT_EPOCHS, LONG_EPOCHS], probabilities: [1, 0] }, { flow: true }));
  doc.set('points_to_evaluate', doc.createNode([doc.createNode(LONG_POINT, { flow: true })]));
  doc.set('run_cap', opts.runCap ?? 40);
  doc.set('max_concurrent', 2);
  doc.set('seed', 11);
  fs.writeFileSync(path.join(dir, 'sweep.yaml'), doc.toString({ lineWidth: 200 }));
}

/** Sweep folders under <workspace>/.knobs/sweeps/. */
export function sweepDirs(workspace: string): string[] {
  const root = path.join(workspace, '.knobs', 'sweeps');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((n) => path.join(root, n))
    .filter((d) => fs.existsSync(path.join(d, 'journal.jsonl')));
}

/** The only sweep of the workspace, opened (state replayed from its journal), or undefined. */
export function theSweep(workspace: string): OpenedSweep | undefined {
  const dirs = sweepDirs(workspace);
  if (dirs.length !== 1) return undefined;
  try {
    return openSweep(dirs[0]);
  } catch {
    return undefined;
  }
}

/** `default=<literal>` of each `add_argument("--name", ...)` in Python source. */
export function argparseDefaultsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /add_argument\(\s*["']--([A-Za-z_][\w-]*)["'][^\n]*?default\s*=\s*([^,)\s]+)/g;
  for (const m of text.matchAll(re)) out[m[1]] = m[2];
  return out;
}

/** `default=<literal>` of each `add_argument("--name", ...)` in a Python file. */
export function argparseDefaults(file: string): Record<string, string> {
  return argparseDefaultsOf(fs.readFileSync(file, 'utf8'));
}
