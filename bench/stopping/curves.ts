/**
 * The recorded learning curves under bench/data/ (written by bench/data/record_*.py).
 * Each data set: per config its per-epoch val_loss (minimised) and measured costs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DATA_DIR = path.join(ROOT, 'bench', 'data');

export interface RecordedConfig {
  id: number;
  params: Record<string, unknown>;
  val_loss: number[];
  val_acc: number[];
  /** Per-config start-up (ms); else the data set's. */
  startupMs?: number;
  epochMs: number;
}

export interface CurveSet {
  name: string;
  file: string;
  source: string;
  metric: 'val_loss';
  epochs: number;
  startupMs: number;
  epochMs: number;
  configs: RecordedConfig[];
}

export const DATASETS = ['sklearn-digits', 'sklearn-breast_cancer', 'sklearn-wine', 'pytorch-digits', 'tfjs-digits'] as const;

export function loadCurveSet(name: string): CurveSet | undefined {
  const file = path.join(DATA_DIR, `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<CurveSet, 'name' | 'file'>;
  const configs = doc.configs.filter((c) => c.val_loss.length === doc.epochs);
  return { ...doc, configs, name, file: path.relative(ROOT, file) };
}

/** The config's start-up and epoch costs in simulated ms. */
export function costs(set: CurveSet, c: RecordedConfig): { startupMs: number; epochMs: number } {
  return { startupMs: c.startupMs ?? set.startupMs, epochMs: c.epochMs ?? set.epochMs };
}
