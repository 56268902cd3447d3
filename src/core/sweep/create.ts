/** Creates a sweep folder and its journal's first op (the sweep file's text + provenance). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JournalWriter } from '../journal/writer';
import { spaceKey } from '../space/spaceKey';
import type { SweepSpec } from '../space/types';
import { newSweepId, type SweepPaths, sweepPaths, sweepsRoot } from './paths';
import { collectProvenance } from './provenance';
import type { Workdir } from './workdir';

export interface CreateSweepOptions {
  spec: SweepSpec;
  /** The `.knobs` folder. */
  knobsDir: string;
  seed: number;
  /** Interpreter, for provenance (python version). */
  python?: string;
  forkedFrom?: string;
  /** Where trials run (chooseWorkdir); default: the sweep file's folder. */
  workdir?: Workdir;
  now?: Date;
}

export function createSweep(o: CreateSweepOptions): SweepPaths {
  const root = sweepsRoot(o.knobsDir);
  fs.mkdirSync(root, { recursive: true });
  const base = newSweepId(
    o.spec.name ?? (o.spec.file ? `${path.basename(path.dirname(o.spec.file))}-${path.basename(o.spec.file)}` : 'sweep'),
    o.now,
  );
  let id = base;
  for (let i = 2; ; i++) {
    try {
      fs.mkdirSync(path.join(root, id));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      id = `${base}-${i}`;
    }
  }
  const paths = sweepPaths(path.join(root, id));
  fs.mkdirSync(paths.trials, { recursive: true });
  const wd = o.workdir ?? { dir: o.spec.file ? path.dirname(o.spec.file) : process.cwd(), from: 'sweep-file' };
  const w = JournalWriter.open(paths.journal, { workerId: `cli-${process.pid}` });
  try {
    w.append({
      op: 'sweep_created',
      sweepId: id,
      file: o.spec.file,
      text: o.spec.text,
      spaceKey: spaceKey(o.spec.space),
      seed: o.seed,
      metric: { ...o.spec.metric },
      method: o.spec.method,
      runCap: o.spec.runCap,
      provenance: collectProvenance({ cwd: wd.dir, cwdFrom: wd.from, python: o.python }),
      forkedFrom: o.forkedFrom,
    });
  } finally {
    w.close();
  }
  return paths;
}
